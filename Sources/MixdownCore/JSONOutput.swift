import Foundation

/// The one JSON configuration of everything Mixdown writes (reports, manifests, API bodies,
/// errors, the CLI's `--json`): keys sorted, slashes as they are; files and the CLI's output
/// pretty-printed, API bodies and manifest lines compact.
public enum JSONOutput {
    public static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }
}
