import Foundation

/// Written forms → spoken words, before any speech engine speaks (docs/normalisation.md).
///
/// Numbers, money, percentages, ordinals, dates, times, telephone numbers, units, ranges,
/// common abbreviations, a few symbols, web and e-mail addresses are rewritten as the words a
/// careful announcer would say, in English (US and British readings), German, French, Spanish
/// and Italian. Everything else — prose, punctuation, upper-case initialisms, raw phoneme blocks
/// `[[ … ]]` — is left exactly as written. The work is one left-to-right pass over tokens with a
/// bounded look-ahead (linear in the text's length, no regular expressions), and the result is
/// a fixed point: normalising it again changes nothing.
public enum TextNormaliser {
    /// `language`: a voice's language tag as voices report it ("en-us", "en_GB", "en", "de-DE", "fr", "es-ES", "it").
    /// English variants: en-US reads 10/12/2026 as month/day, en-GB (and other non-US English) as day/month.
    /// Languages other than en/de/fr/es/it: text returned unchanged.
    public static func normalise(_ text: String, language: String) -> String {
        guard let lang = NormLanguage(tag: language), !text.isEmpty else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        for part in PhonemeBlocks.split(text) {
            switch part {
            case .raw(let raw): out += raw
            case .text(let plain): out += Normaliser(text: plain, language: lang).run()
            }
        }
        return out
    }

    /// SSML <say-as interpret-as="cardinal|ordinal|characters|digits|telephone|date|time|currency" format=… detail=…>:
    /// the spoken form of `text`, or nil when `interpretAs` is not one of those (the caller warns).
    /// date formats: "mdy", "dmy", "ymd", "md", "dm", "ym", "my", "y", "d", "m" (W3C say-as note); nil format = the language's default.
    public static func sayAs(_ text: String, interpretAs: String, format: String?, detail: String?, language: String) -> String? {
        SayAs.spoken(text, interpretAs: interpretAs, format: format, detail: detail, language: language)
    }

    /// Whether `language` (a voice's tag) is one the normaliser rewrites (en, de, fr, es, it).
    public static func supports(language: String) -> Bool {
        NormLanguage(tag: language) != nil
    }
}

/// The languages the normaliser reads, with the English variant that decides date order,
/// spelling (kilometer/kilometre), "and" inside numbers and "percent"/"per cent".
enum NormLanguage: Sendable, Equatable {
    case english(us: Bool)
    case german, french, spanish, italian

    init?(tag: String) {
        let lowered = tag.lowercased().replacingOccurrences(of: "_", with: "-")
        let parts = lowered.split(whereSeparator: { $0 == "-" || $0 == "+" || $0 == "." || $0 == " " })
        guard let primary = parts.first else { return nil }
        switch primary {
        case "en", "eng", "english": self = .english(us: parts.count > 1 && parts[1] == "us")
        case "de", "deu", "ger", "german": self = .german
        case "fr", "fra", "fre", "french": self = .french
        case "es", "spa", "spanish": self = .spanish
        case "it", "ita", "italian": self = .italian
        default: return nil
        }
    }

    var isEnglish: Bool { if case .english = self { return true } else { return false } }
    var isUS: Bool { self == .english(us: true) }
}

/// `[[ … ]]` blocks are raw phonemes for the engine: passed through untouched. An opening
/// `[[` with no closing `]]` keeps the rest of the text raw.
enum PhonemeBlocks {
    enum Part { case text(Substring), raw(Substring) }

    static func split(_ text: String) -> [Part] {
        var parts: [Part] = []
        var rest = text[...]
        while let open = rest.range(of: "[[") {
            if open.lowerBound > rest.startIndex { parts.append(.text(rest[rest.startIndex..<open.lowerBound])) }
            if let close = rest[open.upperBound...].range(of: "]]") {
                parts.append(.raw(rest[open.lowerBound..<close.upperBound]))
                rest = rest[close.upperBound...]
            } else {
                parts.append(.raw(rest[open.lowerBound...]))
                return parts
            }
        }
        if !rest.isEmpty { parts.append(.text(rest)) }
        return parts
    }
}
