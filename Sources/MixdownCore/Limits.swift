/// The bounds every entry point holds input to, checked where a value enters and before any
/// work, so that no input can make the engine trap, hang or take unbounded memory or time.
public enum Limits {
    /// The longest programme: `forceLength`, `endAt`, paddings and fades (seconds).
    public static let maximumProgrammeSeconds = 6.0 * 3_600
    /// The largest script or production file (bytes).
    public static let maximumTextBytes = 1 << 20
    /// The longest personalisation value (characters).
    public static let maximumVariableCharacters = 10_000
    /// Audio files: sample rates and channel counts Mixdown decodes.
    public static let sampleRates = 8_000...384_000
    public static let channelCounts = 1...8

    /// Why `name` cannot be a voice name (a message that quotes it), or nil. Voice names reach
    /// C libraries (espeak-ng copies them into fixed buffers), so they are held to what real
    /// voices use: at most 40 letters, digits and `- _ + / .`, no `..`.
    public static func voiceNameProblem(_ name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+/.")
        let quoted = "'\(name.prefix(48))\(name.count > 48 ? "…" : "")'"
        // A path to a model file (a Piper `.onnx`) may be longer than a name.
        let limit = name.hasSuffix(".onnx") ? 400 : 40
        if name.count > limit { return "\(quoted) is \(name.count) characters long; a voice name has at most 40 (a model path 400)" }
        if name.contains("..") || !name.allSatisfy({ allowed.contains($0) }) {
            return "\(quoted) is not a voice name (letters, digits and - _ + / . only)"
        }
        return nil
    }

    /// Why `value` cannot be a personalisation value, or nil.
    public static func variableProblem(_ value: String) -> String? {
        value.count > maximumVariableCharacters
            ? "is \(value.count) characters long; a personalisation value has at most \(maximumVariableCharacters)" : nil
    }
}
