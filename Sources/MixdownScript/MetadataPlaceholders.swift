import Foundation
import MixdownCore

/// Metadata personalised like the script: `{{key}}` and `{{key|fallback}}` in a tag's value are
/// filled from the same variables (audience, `--var`, a batch row, the API's `variables`), so a
/// batch variant's title can name its listener.
public enum MetadataPlaceholders {
    /// `metadata` with every placeholder filled, and the variables it used. A placeholder with
    /// no value and no fallback is an error at its tag's key path.
    public static func fill(_ metadata: Metadata, variables: [String: String]) throws -> (Metadata, used: Set<String>) {
        var filled = metadata, used = Set<String>()
        for key in Metadata.keys {
            guard let text = metadata[key], text.contains("{{") else { continue }
            var out = "", rest = Substring(text)
            while let open = rest.range(of: "{{") {
                out += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].range(of: "}}") else {
                    throw MixdownError(.badInput, "placeholder '\(MixdownError.excerpt(String(rest[open.lowerBound...])))' is not closed with '}}'",
                                       code: .invalidProduction, keyPath: "metadata.\(key)")
                }
                let body = rest[open.upperBound..<close.lowerBound]
                let parts = body.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else {
                    throw MixdownError(.badInput, "placeholder '{{\(body)}}' has no key", code: .invalidProduction, keyPath: "metadata.\(key)")
                }
                if let value = variables[name] {
                    out += value
                    used.insert(name)
                } else if parts.count == 2 {
                    out += parts[1]
                    used.insert(name)
                } else {
                    throw MixdownError(.badInput, Self.noValue(for: name, variables: variables), code: .invalidProduction, keyPath: "metadata.\(key)")
                }
                rest = rest[close.upperBound...]
            }
            out += rest
            filled[key] = out.isEmpty ? nil : out
        }
        return (filled, used)
    }

    /// What a placeholder with no value and no fallback is told, in the script or a tag: what to
    /// do, and the given variable it most likely meant (a batch CSV's column `nmae` for `{{name}}`).
    static func noValue(for key: String, variables: [String: String]) -> String {
        let name = MixdownError.excerpt(key)
        let near = Suggestion.closest(to: key, in: variables.keys.sorted())
            .map { " (a variable '\(MixdownError.excerpt($0))' is given: misspelt?)" } ?? ""
        return "no value for '{{\(name)}}'\(near): add \"\(name)\" to audience, pass --var \(name)=…, or write {{\(name)|fallback}}"
    }
}
