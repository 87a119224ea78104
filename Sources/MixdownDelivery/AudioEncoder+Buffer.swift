import MixdownCore
import MixdownIO

/// A whole buffer in one format, conformed to the format's shape: the as-is delivery of
/// `Delivery.encodeAsIs` for one file (tests, `mixdown encode`).
extension AudioEncoder {
    public static func encode(_ mix: AudioBuffer, as format: EndFormat, to path: String) throws -> EncodedOutput {
        let transaction = OutputTransaction()
        let output = try encode(mix, as: format, to: path, in: transaction)
        try transaction.commit()
        return output
    }

    /// Encodes into `transaction`: the file appears at `path` only when the transaction commits.
    public static func encode(_ mix: AudioBuffer, as format: EndFormat, to path: String,
                              in transaction: OutputTransaction) throws -> EncodedOutput {
        try Delivery.encodeAsIs(BufferSource(mix), as: [format], to: [format: path], in: transaction)[0]
    }
}
