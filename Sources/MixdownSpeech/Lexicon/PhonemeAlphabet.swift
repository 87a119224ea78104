import Foundation
import MixdownCore
import MixdownScript

/// Conversions between IPA and espeak-ng's phoneme mnemonics (what `espeak-ng -x` prints and
/// `[[…]]` takes), per espeak-ng phoneme table: English (en-us and the British `en` table),
/// German, French, Spanish and Italian; other languages use the mnemonics every table shares.
/// IPA → mnemonics is a longest-match over the language's rules (docs/lexicons.md), held by a
/// round trip through espeak-ng in the tests; mnemonics → IPA is each phoneme's own IPA, without
/// the changes espeak-ng makes in context (an American `t` between vowels stays `t`).
public enum PhonemeAlphabet {
    /// An IPA sequence and the mnemonics it becomes, optionally only before (or not before) a vowel.
    struct Rule: Sendable {
        enum Context: Sendable { case any, beforeVowel, notBeforeVowel }
        let ipa: String
        let espeak: String
        let context: Context
        init(_ ipa: String, _ espeak: String, _ context: Context = .any) { (self.ipa, self.espeak, self.context) = (ipa, espeak, context) }
    }

    /// One espeak-ng phoneme table: rules keyed by their IPA, and the table's mnemonics.
    struct Table: Sendable {
        let rules: [String: [Rule]]
        let longestRule: Int
        /// Mnemonic → IPA ("" where espeak-ng prints none on its own).
        let mnemonics: [String: String]
        let longestMnemonic: Int

        init(rules: [[Rule]], mnemonics: String) {
            var byIPA = [String: [Rule]]()
            for rule in rules.joined() { byIPA[rule.ipa, default: []].append(rule) }
            self.rules = byIPA
            longestRule = byIPA.keys.map(\.count).max() ?? 1
            var names = [String: String]()
            for item in mnemonics.split(whereSeparator: \.isWhitespace) {
                guard let eq = item.firstIndex(of: "="), eq != item.startIndex else { continue }
                names[String(item[..<eq])] = String(item[item.index(after: eq)...])
            }
            self.mnemonics = names
            longestMnemonic = names.keys.map(\.count).max() ?? 1
        }
    }

    static let englishUS = Table(rules: [englishUSRules, englishRules, baseRules], mnemonics: englishUSMnemonics)
    static let englishGB = Table(rules: [englishGBRules, englishRules, baseRules], mnemonics: englishMnemonics)
    static let germanTable = Table(rules: [germanRules, baseRules], mnemonics: germanMnemonics)
    static let frenchTable = Table(rules: [frenchRules, baseRules], mnemonics: frenchMnemonics)
    static let spanishTable = Table(rules: [spanishRules, base2Rules, baseRules], mnemonics: spanishMnemonics)
    static let italianTable = Table(rules: [italianRules, base2Rules, baseRules], mnemonics: italianMnemonics)
    static let baseTable = Table(rules: [baseRules], mnemonics: baseMnemonics)

    /// The table espeak-ng uses for a voice of `language` (`en-US`, `en_gb`, `de-DE`, …; nil = English).
    static func table(for language: String?) -> Table {
        let lang = (language ?? "en").lowercased().replacingOccurrences(of: "_", with: "-")
        func family(_ code: String) -> Bool { lang == code || lang.hasPrefix(code + "-") }
        if family("en-us") { return englishUS }
        if family("en") { return englishGB }
        if family("de") { return germanTable }
        if family("fr") { return frenchTable }
        if family("es") { return spanishTable }
        if family("it") { return italianTable }
        return baseTable
    }

    /// IPA → espeak-ng mnemonics for English (the British `en` table, which every English
    /// voice shares; American rhotic vowels come out right on en-us voices too).
    public static func espeak(fromIPA ipa: String) throws -> String { try espeak(fromIPA: ipa, language: nil) }

    /// IPA → espeak-ng mnemonics for a voice of `language`. Throws one line naming the first
    /// symbol without a mnemonic.
    public static func espeak(fromIPA ipa: String, language: String?) throws -> String {
        let table = table(for: language)
        let symbols = Array(normalized(ipa))
        var out = [String]()
        var i = 0
        while i < symbols.count {
            var matched = false
            for length in stride(from: min(table.longestRule, symbols.count - i), through: 1, by: -1) {
                guard let rules = table.rules[String(symbols[i..<(i + length)])] else { continue }
                let vowelNext = startsWithVowel(symbols, from: i + length)
                let rule = rules.first {
                    switch $0.context {
                    case .any: true
                    case .beforeVowel: vowelNext
                    case .notBeforeVowel: !vowelNext
                    }
                }
                guard let rule else { continue }
                out.append(rule.espeak)
                i += length
                matched = true
                break
            }
            if !matched {
                let symbol = symbols[i]
                let code = symbol.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(4) }.joined(separator: " ")
                throw MixdownError.badInput("IPA '\(MixdownError.excerpt(ipa))': no espeak-ng phoneme for '\(symbol)' (\(code))", code: .invalidProduction)
            }
        }
        return joined(out, table: table)
    }

    /// A lexicon phoneme as espeak-ng mnemonics for a voice of `language` (what `[[…]]` takes).
    public static func espeak(_ phoneme: String, alphabet: LexiconEntry.Alphabet, language: String?) throws -> String {
        switch alphabet {
        case .ipa: try espeak(fromIPA: phoneme, language: language)
        case .espeak: phoneme
        }
    }

    /// A lexicon phoneme as IPA (what Piper's `[[ … ]]` takes).
    public static func ipa(_ phoneme: String, alphabet: LexiconEntry.Alphabet, language: String?) -> String {
        switch alphabet {
        case .ipa: phoneme
        case .espeak: ipa(fromEspeak: phoneme, language: language)
        }
    }

    /// espeak-ng mnemonics → IPA, each phoneme as espeak-ng writes it on its own (`language`
    /// chooses the table; nil = English). Characters that name no phoneme are kept as they are.
    public static func ipa(fromEspeak mnemonics: String, language: String? = nil) -> String {
        let table = table(for: language)
        let chars = Array(mnemonics)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "'": out.append("ˈ"); i += 1; continue
            case ",": out.append("ˌ"); i += 1; continue
            case "%", "=": i += 1; continue
            case "|":
                if i + 1 < chars.count, chars[i + 1] == "|" { out.append(" "); i += 2 } else { i += 1 }
                continue
            case "_":
                // A pause (`_`, `_:`, `_!`, …): no sound to write.
                i += 1
                while i < chars.count, ":!|;^_".contains(chars[i]) { i += 1 }
                continue
            case ":": out.append("ː"); i += 1; continue
            default: break
            }
            if c.isWhitespace { out.append(" "); i += 1; continue }
            var matched = false
            for length in stride(from: min(table.longestMnemonic, chars.count - i), through: 1, by: -1) {
                if let ipa = table.mnemonics[String(chars[i..<(i + length)])] {
                    out += ipa
                    i += length
                    matched = true
                    break
                }
            }
            if !matched { out.append(c); i += 1 }
        }
        return out
    }

    /// The mnemonics joined, with `|` where espeak-ng would otherwise read two phonemes as one
    /// longer one (`R` then `3` is not `R3`).
    static func joined(_ parts: [String], table: Table) -> String {
        var out = ""
        for (k, part) in parts.enumerated() {
            if k > 0 {
                let previous = parts[k - 1]
                let following = previous + parts[k...].prefix(3).joined()
                if table.mnemonics.keys.contains(where: { $0.count > previous.count && $0.hasPrefix(previous) && following.hasPrefix($0) }) {
                    out += "|"
                }
            }
            out += part
        }
        return out
    }

    /// IPA as the rules expect it: tie bars, syllable dots, non-syllabic and dental marks
    /// dropped; ASCII look-alikes (`:` `'`, `g`) and ligatures (`ʧ`) written as IPA; any run of
    /// whitespace one space.
    static func normalized(_ ipa: String) -> String {
        var out = String.UnicodeScalarView()
        var lastSpace = true
        for u in ipa.unicodeScalars {
            if u.properties.isWhitespace {
                if !lastSpace { out.append(" ") }
                lastSpace = true
                continue
            }
            lastSpace = false
            switch u {
            case "\u{361}", "\u{35C}", "\u{32F}", "\u{32A}", "\u{325}", "\u{31A}", "\u{2B0}", ".", "‿", "ˑ", "-": continue
            case "\u{30D}": out.append("\u{329}")
            case ":": out.append("ː")
            case "'", "\u{2019}": out.append("ˈ")
            case "ʧ": out.append(contentsOf: "tʃ".unicodeScalars)
            case "ʤ": out.append(contentsOf: "dʒ".unicodeScalars)
            case "ʦ": out.append(contentsOf: "ts".unicodeScalars)
            case "ʣ": out.append(contentsOf: "dz".unicodeScalars)
            default: out.append(u)
            }
        }
        var text = String(out)
        while text.hasSuffix(" ") { text.removeLast() }
        return text.precomposedStringWithCanonicalMapping
    }

    static let vowelLetters: Set<Unicode.Scalar> = Set("aeiouyæɑɐɒɔəɘɚɛɜɝɞɤɨɪʉʊʌʏøœɶɵᵻ".unicodeScalars)

    static func startsWithVowel(_ symbols: [Character], from index: Int) -> Bool {
        var i = index
        while i < symbols.count, symbols[i] == "ˈ" || symbols[i] == "ˌ" { i += 1 }
        guard i < symbols.count, let first = String(symbols[i]).decomposedStringWithCanonicalMapping.unicodeScalars.first else { return false }
        return vowelLetters.contains(first)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
