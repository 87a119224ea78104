import Foundation

/// One piece of the text: a run of letters, a run of ASCII digits, a run of white space, one
/// other character, or a web or e-mail address already turned into words.
struct NormToken: Sendable {
    enum Kind: Sendable { case word, number, space, punct, spoken }
    let kind: Kind
    let text: String
    /// For spaces: whether the run holds a line break (a break is never read across).
    var newline = false

    var isWord: Bool { kind == .word }
    var isNumber: Bool { kind == .number }
    var isSpace: Bool { kind == .space }
    var char: Character? { kind == .punct ? text.first : nil }
    var startsUpper: Bool { kind == .word && (text.first?.isUppercase ?? false) }
}

enum Tokeniser {
    static func tokens(_ text: Substring, language: NormLanguage) -> [NormToken] {
        let chars = Array(text)
        var out: [NormToken] = []
        out.reserveCapacity(chars.count / 3)
        var i = 0
        while i < chars.count {
            if chars[i].isWhitespace {
                var j = i, newline = false
                while j < chars.count && chars[j].isWhitespace { if chars[j].isNewline { newline = true }; j += 1 }
                out.append(NormToken(kind: .space, text: String(chars[i..<j]), newline: newline))
                i = j
                continue
            }
            var end = i
            while end < chars.count && !chars[end].isWhitespace { end += 1 }
            chunk(chars[i..<end], language: language, into: &out)
            i = end
        }
        return out
    }

    static let trailing: Set<Character> = [".", ",", ";", ":", "!", "?", ")", ">", "\"", "'", "”", "’", "]", "»"]

    /// A run without white space: the web and e-mail addresses in it read whole, the rest as
    /// letters, digits and signs.
    static func chunk(_ chars: ArraySlice<Character>, language: NormLanguage, into out: inout [NormToken]) {
        var rest = chars
        while let (lo, hi, spoken) = WebAddress.find(in: rest, language: language) {
            plain(rest[rest.startIndex..<lo], into: &out)
            out.append(NormToken(kind: .spoken, text: spoken))
            rest = rest[hi...]
        }
        plain(rest, into: &out)
    }

    static func plain(_ chars: ArraySlice<Character>, into out: inout [NormToken]) {
        var i = chars.startIndex
        while i < chars.endIndex {
            let c = chars[i]
            var j = i + 1
            if c.isLetter {
                while j < chars.endIndex && chars[j].isLetter { j += 1 }
                out.append(NormToken(kind: .word, text: String(chars[i..<j])))
            } else if c.isASCII && c.isNumber {
                while j < chars.endIndex && chars[j].isASCII && chars[j].isNumber { j += 1 }
                out.append(NormToken(kind: .number, text: String(chars[i..<j])))
            } else {
                out.append(NormToken(kind: .punct, text: String(c)))
            }
            i = j
        }
    }
}

/// Web and e-mail addresses, read out: "www.mixdown.fm" → "w w w dot mixdown dot f m",
/// "https://example.com/offers" → "example dot com slash offers", "hello@mixdown.fm" →
/// "hello at mixdown dot f m". The scheme is not read.
enum WebAddress {
    /// Top-level domains that make a bare "name.tld" (no scheme, no www.) an address; lower case only.
    static let bareDomains: Set<String> = ["com", "org", "net", "edu", "gov", "io", "fm", "co", "uk", "de", "fr", "es", "it",
                                           "eu", "info", "tv", "app", "dev", "ai", "us", "ca", "au", "ch", "at", "nl", "be", "ly", "me"]
    /// Labels said as words; other labels of one or two letters are spelled.
    static let wordLabels: Set<String> = ["com", "org", "net", "edu", "gov", "info", "co", "app", "dev", "tv"]

    struct Words {
        let dot, slash, at, dash, underscore, colon, question, equals, and, hash, percent, plus, tilde: String
        var digits = NumberWords.enOnes
    }

    static func words(_ language: NormLanguage) -> Words {
        switch language {
        case .english: return Words(dot: "dot", slash: "slash", at: "at", dash: "dash", underscore: "underscore", colon: "colon",
                                    question: "question mark", equals: "equals", and: "and", hash: "hash", percent: "percent",
                                    plus: "plus", tilde: "tilde")
        case .german: return Words(dot: "Punkt", slash: "Schrägstrich", at: "ät", dash: "Bindestrich", underscore: "Unterstrich",
                                   colon: "Doppelpunkt", question: "Fragezeichen", equals: "gleich", and: "und", hash: "Raute",
                                   percent: "Prozent", plus: "plus", tilde: "Tilde", digits: NumberWords.deOnes)
        case .french: return Words(dot: "point", slash: "slash", at: "arobase", dash: "tiret", underscore: "tiret bas",
                                   colon: "deux-points", question: "point d'interrogation", equals: "égal", and: "et", hash: "dièse",
                                   percent: "pour cent", plus: "plus", tilde: "tilde", digits: NumberWords.frOnes)
        case .spanish: return Words(dot: "punto", slash: "barra", at: "arroba", dash: "guion", underscore: "guion bajo",
                                    colon: "dos puntos", question: "interrogación", equals: "igual", and: "y", hash: "almohadilla",
                                    percent: "por ciento", plus: "más", tilde: "virgulilla", digits: NumberWords.esSmall)
        case .italian: return Words(dot: "punto", slash: "slash", at: "chiocciola", dash: "trattino", underscore: "trattino basso",
                                    colon: "due punti", question: "punto interrogativo", equals: "uguale", and: "e", hash: "cancelletto",
                                    percent: "per cento", plus: "più", tilde: "tilde", digits: NumberWords.itOnes)
        }
    }

    static func isHostChar(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == ".") }
    static func isLocalChar(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || "._+-".contains(c)) }

    /// The first address in a run without spaces: its bounds and its reading. One scan from left
    /// to right; a failed candidate is skipped whole, so the work stays linear.
    static func find(in chars: ArraySlice<Character>, language: NormLanguage) -> (Int, Int, String)? {
        let start = chars.startIndex, end = chars.endIndex
        var p = start
        // The end of a run already tried as a bare domain: no other bare domain starts inside it,
        // but a "www." or "http" may.
        var triedUntil = start
        func hasPrefix(_ prefix: String, at i: Int) -> Bool {
            var k = i
            for c in prefix {
                guard k < end, chars[k].lowercased() == String(c) else { return false }
                k += 1
            }
            return true
        }
        /// The host from `i`: to the end of its top-level domain's letters.
        func hostEnd(from i: Int) -> (end: Int?, runEnd: Int) {
            var k = i
            while k < end && isHostChar(chars[k]) { k += 1 }
            let runEnd = max(k, i + 1)
            while k > i && (chars[k - 1] == "." || chars[k - 1] == "-") { k -= 1 }
            // The host ends after the letters of the last label (after a dot) that starts with two
            // or more letters: "b.com3.14" → "b.com".
            var best: Int?
            var d = i
            while d < k {
                if chars[d] == ".", d > i {
                    var t = d + 1
                    while t < k && chars[t].isLetter { t += 1 }
                    if t - d - 1 >= 2 { best = t }
                }
                d += 1
            }
            return (best, runEnd)
        }
        /// A path after the host: everything up to the end of the run, less closing punctuation.
        func pathEnd(from i: Int) -> Int {
            guard i < end, chars[i] == "/" else { return i }
            var k = end
            while k > i && Tokeniser.trailing.contains(chars[k - 1]) { k -= 1 }
            return k
        }
        while p < end {
            let c = chars[p]
            if c == "@" {
                var lo = p
                while lo > start && isLocalChar(chars[lo - 1]) { lo -= 1 }
                while lo < p && chars[lo] == "." { lo += 1 }
                let host = hostEnd(from: p + 1)
                if lo < p, let hi = host.end, let spoken = spoken(String(chars[lo..<hi]), language: language) { return (lo, hi, spoken) }
                p = host.runEnd
                continue
            } else if (c == "h" || c == "H" || c == "w" || c == "W"),
                      hasPrefix("https://", at: p) || hasPrefix("http://", at: p) || hasPrefix("www.", at: p) {
                let hostStart = hasPrefix("https://", at: p) ? p + 8 : hasPrefix("http://", at: p) ? p + 7 : p
                let host = hostEnd(from: hostStart)
                if let e = host.end {
                    let hi = pathEnd(from: e)
                    if let spoken = spoken(String(chars[p..<hi]), language: language) { return (p, hi, spoken) }
                }
                p = max(p + 1, host.runEnd)
                continue
            } else if c == ".", p >= triedUntil, p > start, p + 1 < end, chars[p - 1].isASCII, chars[p - 1].isLetter || chars[p - 1].isNumber,
                      chars[p + 1].isASCII, chars[p + 1].isLowercase {
                var lo = p
                while lo > start && isHostChar(chars[lo - 1]) && chars[lo - 1] != "." { lo -= 1 }
                let host = hostEnd(from: lo)
                if let e = host.end {
                    let hi = pathEnd(from: e)
                    if let spoken = spoken(String(chars[lo..<hi]), language: language) { return (lo, hi, spoken) }
                }
                triedUntil = host.runEnd
            }
            p += 1
        }
        return nil
    }

    static func spoken(_ s: String, language: NormLanguage) -> String? {
        let w = words(language)
        let lower = s.lowercased()
        var rest = Substring(s)
        var scheme = false
        for prefix in ["https://", "http://"] where lower.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            scheme = true
        }
        if !scheme, let at = rest.firstIndex(of: "@") {
            let local = rest[..<at], domain = rest[rest.index(after: at)...]
            guard !local.isEmpty, local.allSatisfy({ ($0.isLetter || $0.isNumber) && $0.isASCII || "._+-".contains($0) }),
                  let host = hostWords(domain, requireKnown: false, w: w) else { return nil }
            return spell(local, w) + " " + w.at + " " + host
        }
        let hostEnd = rest.firstIndex(where: { "/?#:".contains($0) }) ?? rest.endIndex
        let host = rest[..<hostEnd]
        let www = host.lowercased().hasPrefix("www.")
        guard let hostSpoken = hostWords(host, requireKnown: !scheme && !www, w: w) else { return nil }
        var out = hostSpoken
        var path = rest[hostEnd...]
        while path.last == "/" { path = path.dropLast() }
        guard path.allSatisfy({ !$0.isWhitespace }) else { return nil }
        if !path.isEmpty {
            var segments: [String] = []
            var current = ""
            for c in path {
                if c == "/" {
                    if !current.isEmpty { segments.append(spell(Substring(current), w)) }
                    segments.append(w.slash)
                    current = ""
                } else {
                    current.append(c)
                }
            }
            if !current.isEmpty { segments.append(spell(Substring(current), w)) }
            out += " " + segments.joined(separator: " ")
        }
        return out
    }

    /// "www.mixdown.fm" → "w w w dot mixdown dot f m"; nil when it is not a host name.
    static func hostWords(_ host: Substring, requireKnown: Bool, w: Words) -> String? {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy({ $0.isASCII && $0.isLetter }),
              labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" } }),
              labels.dropLast().contains(where: { $0.contains(where: \.isLetter) }) else { return nil }
        if requireKnown && !bareDomains.contains(String(tld)) { return nil }
        var spoken: [String] = []
        for (k, label) in labels.enumerated() {
            let lower = label.lowercased()
            if k == 0 && lower == "www" { spoken.append("w w w"); continue }
            if k == labels.count - 1 && !wordLabels.contains(lower) && label.count <= 2 {
                spoken.append(label.map(String.init).joined(separator: " "))
                continue
            }
            spoken.append(spell(label, w))
        }
        return spoken.joined(separator: " " + w.dot + " ")
    }

    /// Letters kept as words, digits one by one, signs named.
    static func spell(_ s: Substring, _ w: Words) -> String {
        var parts: [String] = []
        var word = ""
        func flush() { if !word.isEmpty { parts.append(word); word = "" } }
        for c in s {
            if c.isLetter { word.append(c); continue }
            flush()
            if c.isASCII && c.isNumber, let d = c.wholeNumberValue { parts.append(w.digits[d]); continue }
            switch c {
            case ".": parts.append(w.dot)
            case "-": parts.append(w.dash)
            case "_": parts.append(w.underscore)
            case ":": parts.append(w.colon)
            case "?": parts.append(w.question)
            case "=": parts.append(w.equals)
            case "&": parts.append(w.and)
            case "#": parts.append(w.hash)
            case "%": parts.append(w.percent)
            case "+": parts.append(w.plus)
            case "~": parts.append(w.tilde)
            case "@": parts.append(w.at)
            case "/": parts.append(w.slash)
            default: break
            }
        }
        flush()
        return parts.joined(separator: " ")
    }
}
