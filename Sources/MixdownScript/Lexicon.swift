import MixdownCore

/// One pronunciation a production teaches (docs/lexicons.md): a word or phrase as written
/// (`grapheme`) and either the words to say instead (`alias`) or how to say it (`phoneme`, in
/// `alphabet`). Inline in a production's `lexicon`, or read from a W3C PLS 1.0 file.
public struct LexiconEntry: Sendable, Hashable, Codable {
    /// The phoneme alphabets an entry may use: IPA, or espeak-ng's own phoneme mnemonics
    /// (what `espeak-ng -x` prints and `[[…]]` takes).
    public enum Alphabet: String, Sendable, Hashable, Codable, CaseIterable {
        case ipa
        case espeak = "x-espeak"
    }

    public var grapheme: String
    public var alias: String?
    public var phoneme: String?
    public var alphabet: Alphabet
    /// Applies only to voices of this language (`en`, `en-GB`: a prefix match on the voice's
    /// language, case and `_`/`-` ignored); nil = every language.
    public var language: String?
    /// Applies only to this voice id; nil = every voice.
    public var voice: String?
    /// Whether the grapheme must match with its letter case (default: no).
    public var caseSensitive: Bool

    public init(grapheme: String, alias: String? = nil, phoneme: String? = nil, alphabet: Alphabet = .ipa,
                language: String? = nil, voice: String? = nil, caseSensitive: Bool = false) {
        (self.grapheme, self.alias, self.phoneme, self.alphabet) = (grapheme, alias, phoneme, alphabet)
        (self.language, self.voice, self.caseSensitive) = (language, voice, caseSensitive)
    }
}

/// Where a production's lexicon entries come from: written inline, or a PLS file (a path
/// relative to the production; refused by the service, which reads no server files).
public enum LexiconSource: Sendable, Hashable {
    case entry(LexiconEntry)
    case file(String)
}
