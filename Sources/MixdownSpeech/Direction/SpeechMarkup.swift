import Foundation
import MixdownScript

/// A speech item's SSML (the subset the script keeps: `<prosody rate pitch volume>`,
/// `<emphasis level>`, `<say-as interpret-as format detail>`, `<phoneme alphabet ph>`,
/// `<sub alias>`, `<p>`, `<s>`) turned into runs of one prosody each, for every engine
/// (docs/speech.md "Directing speech"). `say-as` is read by the normaliser, `sub` by its alias,
/// `phoneme` kept as phonemes; what cannot be honoured is named in `ignored` and spoken as
/// written.
public enum SpeechMarkup {
    public struct Parsed: Sendable, Equatable {
        public var runs: [SpeechRun]
        /// What was not honoured, one phrase each ("say-as interpret-as=\"x\"").
        public var ignored: [String]
    }

    /// `markup` as the script parser writes it (escaped text, attributes in double quotes);
    /// nil: `text` is spoken as one plain run.
    public static func parse(text: String, markup: String?, language: String) -> Parsed {
        guard let markup else { return Parsed(runs: [SpeechRun(pieces: [.text(text)])], ignored: []) }
        var parser = Parser(language: language)
        parser.read(markup)
        return Parsed(runs: parser.runs.merged(), ignored: parser.ignored)
    }

    /// `rate`: x-slow…x-fast, `N%` (of normal), `+N%`/`-N%`, or a factor. nil: not understood.
    static func rate(_ value: String) -> Double? {
        let named = ["x-slow": 0.6, "slow": 0.8, "medium": 1, "default": 1, "fast": 1.25, "x-fast": 1.5]
        if let r = named[value] { return r }
        return relative(value, percentOfNormal: true).flatMap { (0.25...4).contains($0) ? $0 : nil }
    }

    /// `pitch`: x-low…x-high, `+N%`/`-N%`, `N%`, `+Nst`/`-Nst` (semitones). nil: not understood.
    static func pitch(_ value: String) -> Double? {
        let named = ["x-low": 0.8, "low": 0.9, "medium": 1, "default": 1, "high": 1.1, "x-high": 1.2]
        if let p = named[value] { return p }
        if value.hasSuffix("st"), let st = Double(value.dropLast(2)), abs(st) <= 24 { return pow(2, st / 12) }
        return relative(value, percentOfNormal: true).flatMap { (0.5...2).contains($0) ? $0 : nil }
    }

    /// `volume`: silent…x-loud, `+NdB`/`-NdB`. dB; nil: not understood.
    static func volume(_ value: String) -> Double? {
        let named = ["silent": -60.0, "x-soft": -12, "soft": -6, "medium": 0, "default": 0, "loud": 4, "x-loud": 8]
        if let v = named[value] { return v }
        let lower = value.lowercased()
        guard lower.hasSuffix("db"), let db = Double(lower.dropLast(2)), (-60...20).contains(db) else { return nil }
        return db
    }

    /// `N%` (of normal), `+N%`/`-N%` (a change), or a bare factor.
    static func relative(_ value: String, percentOfNormal: Bool) -> Double? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v.hasSuffix("%"), let n = Double(v.dropLast()) {
            return v.hasPrefix("+") || v.hasPrefix("-") ? 1 + n / 100 : n / 100
        }
        if let n = Double(v), n > 0, !v.hasPrefix("+"), !v.hasPrefix("-") { return n }
        return nil
    }

    /// `<emphasis level>` as prosody: a little slower and louder, or the reverse for `reduced`.
    static func emphasis(_ level: String?) -> Prosody? {
        switch level ?? "moderate" {
        case "strong": return Prosody(rate: 0.88, pitch: 1.06, volumeDb: 3)
        case "moderate": return Prosody(rate: 0.94, pitch: 1.03, volumeDb: 1.5)
        case "reduced": return Prosody(rate: 1.06, pitch: 0.97, volumeDb: -3)
        case "none": return Prosody()
        default: return nil
        }
    }

    static func unescape(_ s: some StringProtocol) -> String {
        guard s.contains("&") else { return String(s) }
        return String(s).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    struct Parser {
        let language: String
        var runs = [SpeechRun]()
        var ignored = [String]()
        /// Open elements: the prosody each set, and what collects text (say-as, sub, phoneme).
        var stack = [(name: String, prosody: Prosody, capture: Capture?)]()
        enum Capture { case sayAs(interpretAs: String, format: String?, detail: String?), sub(alias: String), phoneme(ph: String, alphabet: String) }
        var captured = ""

        init(language: String) { self.language = language }

        var prosody: Prosody { stack.last?.prosody ?? Prosody() }
        var capturing: Bool { stack.contains { $0.capture != nil } }

        mutating func emit(_ piece: SpeechRun.Piece) {
            runs.append(SpeechRun(pieces: [piece], prosody: prosody))
        }

        mutating func ignore(_ what: String) { if !ignored.contains(what) { ignored.append(what) } }

        mutating func read(_ markup: String) {
            var rest = Substring(markup)
            while !rest.isEmpty {
                if rest.first == "<", let close = rest.firstIndex(of: ">") {
                    tag(rest[rest.index(after: rest.startIndex)..<close])
                    rest = rest[rest.index(after: close)...]
                } else {
                    let end = rest.dropFirst().firstIndex(of: "<") ?? rest.endIndex
                    let text = unescape(rest[..<end])
                    if capturing { captured += text } else { emit(.text(text)) }
                    rest = rest[end...]
                }
            }
        }

        static func attributes(_ body: Substring) -> [String: String] {
            var out = [String: String]()
            var rest = body
            while let eq = rest.firstIndex(of: "=") {
                let key = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
                rest = rest[rest.index(after: eq)...].drop { $0.isWhitespace }
                guard rest.first == "\"" else { break }
                rest = rest.dropFirst()
                guard let end = rest.firstIndex(of: "\"") else { break }
                out[key] = unescape(rest[..<end])
                rest = rest[rest.index(after: end)...]
            }
            return out
        }

        mutating func tag(_ body: Substring) {
            if body.hasPrefix("/") {
                close(String(body.dropFirst()).trimmingCharacters(in: .whitespaces))
                return
            }
            let selfClosing = body.hasSuffix("/")
            let inner = selfClosing ? body.dropLast() : body
            let name = String(inner.prefix { !$0.isWhitespace })
            let a = Self.attributes(inner.dropFirst(name.count))
            var next = prosody
            var capture: Capture?
            switch name {
            case "prosody":
                for (key, value) in a.sorted(by: { $0.key < $1.key }) {
                    switch key {
                    case "rate": if let r = SpeechMarkup.rate(value) { next.rate *= r } else { ignore("prosody rate=\"\(value)\"") }
                    case "pitch": if let p = SpeechMarkup.pitch(value) { next.pitch *= p } else { ignore("prosody pitch=\"\(value)\"") }
                    case "volume": if let v = SpeechMarkup.volume(value) { next.volumeDb += v } else { ignore("prosody volume=\"\(value)\"") }
                    default: ignore("prosody \(key)")
                    }
                }
            case "emphasis":
                if let e = SpeechMarkup.emphasis(a["level"]) {
                    next = Prosody(rate: next.rate * e.rate, pitch: next.pitch * e.pitch, volumeDb: next.volumeDb + e.volumeDb)
                } else { ignore("emphasis level=\"\(a["level"] ?? "")\"") }
            case "say-as":
                capture = .sayAs(interpretAs: a["interpret-as"] ?? "", format: a["format"], detail: a["detail"])
            case "sub":
                if let alias = a["alias"] { capture = .sub(alias: alias) } else { ignore("sub without alias") }
            case "phoneme":
                if let ph = a["ph"], !ph.isEmpty { capture = .phoneme(ph: ph, alphabet: a["alphabet"] ?? "ipa") } else { ignore("phoneme without ph") }
            case "p", "s":
                // A paragraph or sentence boundary: the text around it carries its punctuation.
                emit(.text(" "))
            default:
                ignore("<\(name)>")
            }
            if capturing { capture = nil }   // nested inside a say-as/sub/phoneme: its text is taken as a whole
            if !selfClosing { stack.append((name, next, capture)); if capture != nil { captured = "" } }
        }

        mutating func close(_ name: String) {
            guard let open = stack.lastIndex(where: { $0.name == name }) else { return }
            let element = stack[open]
            stack.removeSubrange(open...)
            if name == "p" || name == "s" { emit(.text(" ")) }
            guard let capture = element.capture else { return }
            let text = captured.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            captured = ""
            switch capture {
            case .sayAs(let interpretAs, let format, let detail):
                if let spoken = TextNormaliser.sayAs(text, interpretAs: interpretAs, format: format, detail: detail, language: language) {
                    emit(.text(" " + spoken + " "))
                } else {
                    ignore("say-as interpret-as=\"\(interpretAs)\"")
                    emit(.text(text))
                }
            case .sub(let alias):
                emit(.text(" " + alias + " "))
            case .phoneme(let ph, let alphabet):
                let known = LexiconEntry.Alphabet(rawValue: alphabet == "espeak" ? "x-espeak" : alphabet)
                if let known {
                    emit(.phoneme(grapheme: text, phoneme: ph, alphabet: known))
                } else {
                    ignore("phoneme alphabet=\"\(alphabet)\"")
                    emit(.text(text))
                }
            }
        }
    }
}
