import Foundation

/// Speech lengths estimated from the text, with no synthesis (`mixdown plan --estimate`).
///
/// A clip's length is predicted from features of its text after the normalisation a TTS front
/// end does (espeak-ng's, which Piper's phonemiser shares): markup stripped, numbers, money,
/// percentages, ordinals, times, dates and symbols expanded to the words spoken, acronyms
/// spelled. The features are rough phonemes (letters with digraphs counted once), words,
/// unstressed function words, sibilants, pauses inside a sentence (commas, semicolons, colons, dashes),
/// sentence ends inside the clip and questions; each calibrated voice has least-squares
/// coefficients for them (scripts/estimate/calibrate.py; docs/plan.md has the measured errors).
public enum SpeechEstimate {
    /// Estimated length in samples at 48 kHz of one trimmed speech clip.
    public static func samples(for text: String, voice: String, speed: Double, engine: Engine) -> Int {
        let f = features(text)
        guard f.words > 0 else { return 0 }
        let model = self.model(voice: voice, engine: engine)
        return model.samples(f, speed: speed.isFinite && speed > 0 ? speed : 1)
    }

    public enum Engine: Sendable { case espeak, piper, external }

    /// How a clip's length follows `speed`.
    public enum SpeedLaw: Sendable, Equatable {
        /// espeak-ng: the rate is 175 × speed words per minute, clamped to 80…450 by Mixdown;
        /// the spoken part scales with 175 / rate.
        case espeakRate
        /// Piper: Mixdown sets length_scale L = (1/speed − 0.3)/0.7 (clamped to 0.25…4) so that
        /// a clip lasts 0.3 + 0.7·L = 1/speed of its length at speed 1 (measured: 1.23× at 0.8,
        /// 0.85× at 1.2); the sentence gaps (0.25 s, added by Mixdown's glue) do not scale.
        case piperLengthScale
        /// Anything else: the spoken part scales with 1/speed.
        case inverse
    }

    /// Per-voice coefficients, in samples at 48 kHz at speed 1:
    /// `samples = base + perPhone·phones + perWord·words + perFunctionWord·functionWords
    ///          + perSibilant·sibilants + perPause·pauses + perSentence·sentences + perQuestion·questions`,
    /// the spoken part scaled for speed.
    public struct Model: Sendable, Equatable {
        /// Per letter-or-digraph (a rough phoneme).
        public var perPhone: Double
        public var perWord: Double
        /// Added for an unstressed function word (negative: they are spoken shorter).
        public var perFunctionWord: Double
        /// Added for a sibilant (s, z, x, sh, ch), on top of its phone.
        public var perSibilant: Double
        /// A comma, semicolon, colon or dash inside a sentence.
        public var perPause: Double
        /// A sentence end followed by more text in the same clip (for Piper also an
        /// abbreviation's stop before a capital).
        public var perSentence: Double
        /// Added for a question (a sentence ending in "?": negative, questions come out quicker).
        public var perQuestion: Double
        /// Per clip (end lengthening, the trim margins).
        public var base: Double
        public var speedLaw: SpeedLaw
        /// Whether these were measured (docs/plan.md) or are a default.
        public var calibrated: Bool
        /// Held-out error measured at speed 1 (percent): mean absolute and worst, per clip
        /// and per section (2–4 clips summed). Zero where not calibrated.
        public var clipMeanError: Double
        public var clipWorstError: Double
        public var sectionMeanError: Double
        public var sectionWorstError: Double

        public init(perPhone: Double, perWord: Double, perFunctionWord: Double, perSibilant: Double, perPause: Double, perSentence: Double, perQuestion: Double, base: Double,
                    speedLaw: SpeedLaw, calibrated: Bool = false, clipMeanError: Double = 0, clipWorstError: Double = 0,
                    sectionMeanError: Double = 0, sectionWorstError: Double = 0) {
            (self.perPhone, self.perWord, self.perFunctionWord, self.perSibilant) = (perPhone, perWord, perFunctionWord, perSibilant)
            (self.perPause, self.perSentence, self.perQuestion, self.base) = (perPause, perSentence, perQuestion, base)
            (self.speedLaw, self.calibrated) = (speedLaw, calibrated)
            (self.clipMeanError, self.clipWorstError, self.sectionMeanError, self.sectionWorstError) = (clipMeanError, clipWorstError, sectionMeanError, sectionWorstError)
        }

        /// The trim margins (2 × 10 ms) and, for Piper, the 0.25 s Mixdown's glue puts between
        /// sentences do not scale with speed; the rest does.
        public func samples(_ f: Features, speed: Double) -> Int {
            let margins = 960.0
            let sentences = Double(speedLaw == .piperLengthScale ? f.sentences + f.abbreviationStops : f.sentences)
            let gaps = speedLaw == .piperLengthScale ? sentences * 12_000 : 0
            let atSpeed1 = base + perPhone * Double(f.phones) + perWord * Double(f.words) + perFunctionWord * Double(f.functionWords)
                + perSibilant * Double(f.sibilants)
                + perPause * Double(f.pauses) + perSentence * sentences + perQuestion * Double(f.questions)
            let spoken = max(0, atSpeed1 - margins - gaps)
            let total = margins + gaps + spoken * SpeechEstimate.scale(speed: speed, law: speedLaw)
            guard total.isFinite else { return 0 }
            return Int(min(max(total, 0), 1e12).rounded())
        }
    }

    /// How much longer than at speed 1 the spoken part lasts at `speed`.
    public static func scale(speed: Double, law: SpeedLaw) -> Double {
        let s = speed.isFinite && speed > 0 ? speed : 1
        switch law {
        case .espeakRate:
            let rate = min(450, max(80, (175 * s).rounded()))
            return 175 / rate
        case .piperLengthScale:
            return 0.3 + 0.7 * max(0.25, min(4, (1 / s - 0.3) / 0.7))
        case .inverse:
            return 1 / s
        }
    }

    // MARK: - Models

    /// The calibrated models by voice (scripts/estimate/calibrate.py; docs/plan.md has the error tables).
    public static let models: [String: Model] = [
        // CALIBRATED-MODELS-BEGIN
        "en-us": Model(perPhone: 2284, perWord: 5263, perFunctionWord: -3119, perSibilant: 1086, perPause: 11589, perSentence: 20344, perQuestion: -1576, base: 5339, speedLaw: .espeakRate, calibrated: true, clipMeanError: 3.9, clipWorstError: 14.5, sectionMeanError: 2.3, sectionWorstError: 5.1),
        "en-gb": Model(perPhone: 2420, perWord: 4621, perFunctionWord: -2679, perSibilant: 763, perPause: 10079, perSentence: 18948, perQuestion: -1564, base: 4734, speedLaw: .espeakRate, calibrated: true, clipMeanError: 4.6, clipWorstError: 12.8, sectionMeanError: 2.7, sectionWorstError: 6.2),
        "en-029": Model(perPhone: 2395, perWord: 4945, perFunctionWord: -2651, perSibilant: 810, perPause: 12287, perSentence: 19893, perQuestion: 180, base: 2710, speedLaw: .espeakRate, calibrated: true, clipMeanError: 4.6, clipWorstError: 22.9, sectionMeanError: 2.7, sectionWorstError: 8.2),
        "en-gb-scotland": Model(perPhone: 2333, perWord: 4561, perFunctionWord: -2810, perSibilant: 747, perPause: 10427, perSentence: 18164, perQuestion: -2188, base: 4719, speedLaw: .espeakRate, calibrated: true, clipMeanError: 4.5, clipWorstError: 15.9, sectionMeanError: 2.5, sectionWorstError: 6.4),
        "en-gb-x-rp": Model(perPhone: 2402, perWord: 4595, perFunctionWord: -2562, perSibilant: 729, perPause: 10111, perSentence: 19202, perQuestion: -2156, base: 4907, speedLaw: .espeakRate, calibrated: true, clipMeanError: 4.5, clipWorstError: 12.8, sectionMeanError: 2.7, sectionWorstError: 5.8),
        "en-gb-x-gbclan": Model(perPhone: 2321, perWord: 5520, perFunctionWord: -3095, perSibilant: 901, perPause: 10349, perSentence: 19562, perQuestion: -985, base: 2599, speedLaw: .espeakRate, calibrated: true, clipMeanError: 4.6, clipWorstError: 20.4, sectionMeanError: 2.7, sectionWorstError: 7.1),
        "en-gb-x-gbcwmd": Model(perPhone: 2353, perWord: 5180, perFunctionWord: -3083, perSibilant: 765, perPause: 10339, perSentence: 19849, perQuestion: -3243, base: 5672, speedLaw: .espeakRate, calibrated: true, clipMeanError: 4.9, clipWorstError: 14.0, sectionMeanError: 3.1, sectionWorstError: 8.1),
        "en-us-nyc": Model(perPhone: 2076, perWord: 5819, perFunctionWord: -3372, perSibilant: 1155, perPause: 11520, perSentence: 20030, perQuestion: -2240, base: 5448, speedLaw: .espeakRate, calibrated: true, clipMeanError: 4.2, clipWorstError: 13.2, sectionMeanError: 2.5, sectionWorstError: 6.0),
        "en_US-joe-medium": Model(perPhone: 2024, perWord: 6212, perFunctionWord: -3191, perSibilant: 2178, perPause: 12333, perSentence: 22729, perQuestion: -2095, base: 1102, speedLaw: .piperLengthScale, calibrated: true, clipMeanError: 6.1, clipWorstError: 29.4, sectionMeanError: 3.3, sectionWorstError: 9.4),
        // CALIBRATED-MODELS-END
    ]

    /// espeak-ng in a language that was not calibrated: fitted on en-us's measurements without
    /// the English function-word feature (espeak's rate is words per minute in every language;
    /// the phone count is English-centred). Not calibrated for those languages: no measured error.
    public static let espeakDefault = Model(
        // GENERIC-MODEL
        perPhone: 2602, perWord: 2783, perFunctionWord: 0, perSibilant: 1390, perPause: 12032, perSentence: 22438, perQuestion: -4016, base: 6151, speedLaw: .espeakRate)

    /// The model for a voice and engine.
    /// - espeak-ng: the voice's language model when calibrated (`en-us+f3`, `gmw/en-US`, `EN-GB`
    ///   all use their language's; `en` is en-gb; a Piper id spoken by espeak-ng where Piper is
    ///   missing, `en_US-joe-medium`, uses `en-us`), else `espeakDefault` (not calibrated).
    /// - Piper: the voice's own model when calibrated (by id, or a model path's file name), else
    ///   en_US-joe-medium's (not calibrated for that voice).
    /// - An external engine: en_US-joe-medium's coefficients (a neural voice's pace), all of the
    ///   length scaled by 1/speed (not calibrated).
    public static func model(voice: String, engine: Engine) -> Model {
        switch engine {
        case .espeak:
            var name = voice.lowercased()
            if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
            if let plus = name.firstIndex(of: "+") { name = String(name[..<plus]) }
            if let language = piperLanguage(voice) { name = language }
            if name == "en" { name = "en-gb" }
            if let m = models[name], m.speedLaw == .espeakRate { return m }
            return espeakDefault
        case .piper:
            var id = voice
            if let slash = id.lastIndex(of: "/") { id = String(id[id.index(after: slash)...]) }
            if id.hasSuffix(".onnx") { id.removeLast(5) }
            if let m = models[id], m.speedLaw == .piperLengthScale { return m }
            return uncalibrated(models["en_US-joe-medium"] ?? espeakDefault)
        case .external:
            var m = uncalibrated(models["en_US-joe-medium"] ?? espeakDefault)
            m.speedLaw = .inverse
            return m
        }
    }

    static func uncalibrated(_ model: Model) -> Model {
        var m = model
        m.calibrated = false
        (m.clipMeanError, m.clipWorstError, m.sectionMeanError, m.sectionWorstError) = (0, 0, 0, 0)
        return m
    }

    /// `en_US-joe-medium` → `en-us` (a Piper id's language in espeak-ng's form), else nil.
    static func piperLanguage(_ voice: String) -> String? {
        let parts = voice.split(separator: "-")
        guard parts.count >= 3, ["x_low", "low", "medium", "high"].contains(String(parts.last!)) else { return nil }
        let language = parts[0].split(separator: "_")
        guard language.count == 2 else { return nil }
        return "\(language[0])-\(language[1])".lowercased()
    }

    // MARK: - Features

    public struct Features: Sendable, Equatable {
        public var syllables = 0
        public var words = 0
        public var letters = 0
        public var pauses = 0
        public var sentences = 0
        /// Letters with the common digraphs (th, sh, ee, ou…), doubled letters and a final
        /// silent e counted once: a rough count of phonemes.
        public var phones = 0
        /// Unstressed function words (the, a, to, you…): spoken shorter than content words.
        public var functionWords = 0
        /// Sibilant letters (s, z, x, and sh, ch once each): the longest consonants.
        public var sibilants = 0
        /// Questions (sentences ending in "?").
        public var questions = 0
        /// Abbreviations with a full stop before a capital ("Dr. Smith"): espeak-ng reads on,
        /// Piper (whose phonemiser splits sentences there) makes a sentence end of each.
        public var abbreviationStops = 0
        public init() {}
    }

    /// The features of `text` (markup removed, numbers and symbols expanded).
    public static func features(_ text: String) -> Features {
        var f = Features()
        let tokens = spokenTokens(text)
        var pendingSentence = false
        var pendingPause = false
        for t in tokens {
            switch t {
            case .word(let w):
                if pendingSentence { f.sentences += 1 } else if pendingPause { f.pauses += 1 }
                (pendingSentence, pendingPause) = (false, false)
                f.words += 1
                f.syllables += syllables(w)
                f.letters += w.count
                f.phones += phones(w)
                f.sibilants += sibilants(w)
                if functionWordList.contains(w) { f.functionWords += 1 }
            case .pause:
                if f.words > 0 { pendingPause = true }
            case .abbreviationStop:
                f.abbreviationStops += 1
            case .sentenceEnd(let question):
                if f.words > 0 { pendingSentence = true; if question { f.questions += 1 } }
            }
        }
        return f
    }

    enum Token: Equatable { case word(String), pause, sentenceEnd(question: Bool), abbreviationStop }

    /// Markup (`<…>`) removed, entities decoded, then words as spoken with the pauses between.
    static func spokenTokens(_ raw: String) -> [Token] {
        var text = ""
        var inTag = false
        for c in raw {
            if c == "<" { inTag = true; text.append(" "); continue }
            if c == ">" && inTag { inTag = false; continue }
            if !inTag { text.append(c) }
        }
        for (entity, value) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&"), ("\u{2019}", "'")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        let chars = Array(text)
        var out = [Token]()
        var i = 0
        func at(_ k: Int) -> Character? { k >= 0 && k < chars.count ? chars[k] : nil }
        func isDigit(_ c: Character?) -> Bool { c.map { $0.isASCII && $0.isNumber } ?? false }
        func isLetter(_ c: Character?) -> Bool { c?.isLetter ?? false }
        func words(_ s: String) { for w in s.split(separator: " ") { out.append(.word(String(w))) } }
        while i < chars.count {
            let c = chars[i]
            if isDigit(c) {
                // A number: digits, thousands groups (4,500), a decimal part (19.99), an ordinal
                // suffix (14th) or a time (7:30).
                var j = i
                var digits = ""
                while j < chars.count, isDigit(chars[j]) || (chars[j] == "," && isDigit(at(j + 1)) && isDigit(at(j + 2)) && isDigit(at(j + 3)) && !isDigit(at(j + 4)) && !digits.isEmpty) {
                    if chars[j] != "," { digits.append(chars[j]) }
                    j += 1
                }
                var fraction = ""
                if j < chars.count, chars[j] == ".", isDigit(at(j + 1)) {
                    j += 1
                    while j < chars.count, isDigit(chars[j]) { fraction.append(chars[j]); j += 1 }
                }
                var ordinal = false
                if fraction.isEmpty, j + 1 < chars.count {
                    let suffix = String(chars[j...min(j + 1, chars.count - 1)]).lowercased()
                    if ["st", "nd", "rd", "th"].contains(suffix), !isLetter(at(j + 2)) { ordinal = true; j += 2 }
                }
                words(numberWords(digits, ordinal: ordinal))
                if !fraction.isEmpty { words("point " + fraction.map { digitName($0) }.joined(separator: " ")) }
                i = j
                // Between digits: a time's colon is not a pause; a dash or slash is spoken.
                if let n = at(i), isDigit(at(i + 1)) {
                    if n == ":" { i += 1; continue }
                    if n == "-" { words("dash"); i += 1; continue }
                    if n == "/" { words("slash"); i += 1; continue }
                }
                continue
            }
            if isLetter(c) || c == "'" || c == "\u{2019}" {
                var j = i
                var w = ""
                while j < chars.count, isLetter(chars[j]) || ((chars[j] == "'" || chars[j] == "\u{2019}") && isLetter(at(j + 1))) || (chars[j] == "." && isLetter(at(j + 1)) && at(j + 2) == ".") {
                    w.append(chars[j]); j += 1
                }
                if w.isEmpty { i += 1; continue }
                // Dotted abbreviations (U.S., p.m., e.g.): letters spelled, no sentence end.
                if w.contains("."), j < chars.count, chars[j] == "." {
                    j += 1
                    for letter in w where letter.isLetter { words(letterName(letter)) }
                    i = j
                    continue
                }
                let lower = w.lowercased()
                if let expansion = abbreviations[lower], at(j) == "." {
                    words(expansion)
                    // Before a capital, Piper's phonemiser ends a sentence after "Dr." / "Mr.".
                    i = j + 1
                    var k = i
                    while k < chars.count, chars[k] == " " { k += 1 }
                    if k < chars.count, chars[k].isUppercase { out.append(.abbreviationStop) }
                    continue
                }
                if let expansion = symbolWords[lower] { words(expansion) } else if isAcronym(w) {
                    for letter in w { words(letterName(letter)) }
                } else if lower == "www" {
                    words("double you double you double you")
                } else {
                    out.append(.word(lower))
                }
                i = j
                continue
            }
            switch c {
            case ",", ";", ":", "\u{2014}", "\u{2013}", "(", ")":
                out.append(.pause)
            case "-":
                // A dash between spaces is a pause; inside a word (award-winning) nothing.
                if at(i - 1) == " " || at(i + 1) == " " { out.append(.pause) }
            case ".", "!", "?", "\u{2026}":
                // Inside a web address or a file name the dot is spoken.
                if c == ".", isLetter(at(i - 1)), isLetter(at(i + 1)) { words("dot") } else if case .sentenceEnd = out.last {
                    if c == "?" { out[out.count - 1] = .sentenceEnd(question: true) }
                } else { out.append(.sentenceEnd(question: c == "?")) }
            case "%": words("percent")
            case "$": words("dollars")
            case "\u{00A3}": words("pounds")
            case "\u{20AC}": words("euros")
            case "&": words("and")
            case "@": words("at")
            case "+": words("plus")
            case "=": words("equals")
            case "#": words("number")
            case "/": words("slash")
            case "\n", "\r":
                out.append(.pause)
            default:
                break
            }
            i += 1
        }
        return out
    }

    static let functionWordList: Set<String> = [
        "a", "an", "the", "to", "of", "in", "on", "at", "for", "by", "with", "from", "and", "or", "but", "as", "is", "are", "was",
        "were", "be", "been", "am", "it", "its", "it's", "you", "your", "you'll", "you're", "we", "we're", "we'll", "we've", "our", "us",
        "he", "she", "his", "her", "him", "they", "their", "them", "i", "my", "me", "that", "this", "than", "there", "if", "so",
        "do", "does", "did", "can", "could", "will", "would", "should", "has", "have", "had", "not", "no", "up", "into", "over",
        "what", "who", "how", "where", "when", "which", "some", "any", "all", "just", "per",
    ]

    static let abbreviations: [String: String] = [
        "dr": "doctor", "mr": "mister", "mrs": "missus", "ms": "miz", "st": "saint", "jr": "junior", "sr": "senior",
        "vs": "versus", "etc": "etcetera", "prof": "professor", "approx": "approximately",
    ]
    static let symbolWords: [String: String] = ["ok": "okay", "kg": "kay gee", "km": "kay em", "cm": "see em", "mm": "em em", "ml": "em el"]

    /// All-caps words of two or three letters are spelled (BBC, UK, CEO); longer ones and
    /// those with lower case letters are read as words.
    static func isAcronym(_ w: String) -> Bool {
        let letters = w.filter(\.isLetter)
        guard letters.count >= 2, letters.allSatisfy({ $0.isUppercase }) else { return false }
        if letters.count <= 3 { return true }
        return !letters.contains { "AEIOUY".contains($0) }
    }

    static func letterName(_ c: Character) -> String {
        let names: [Character: String] = ["a": "ay", "b": "bee", "c": "see", "d": "dee", "e": "ee", "f": "ef", "g": "jee", "h": "aitch",
                                          "i": "eye", "j": "jay", "k": "kay", "l": "el", "m": "em", "n": "en", "o": "oh", "p": "pee",
                                          "q": "cue", "r": "ar", "s": "es", "t": "tee", "u": "you", "v": "vee", "w": "double you",
                                          "x": "ex", "y": "why", "z": "zee"]
        return names[Character(c.lowercased())] ?? "letter"
    }

    static func digitName(_ c: Character) -> String {
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][Int(String(c)) ?? 0]
    }

    static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                       "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    /// A digit string as espeak-ng reads it: leading zeros digit by digit, very long numbers in
    /// digits, years 1100–1999 as "nineteen hundred eighty seven".
    static func numberWords(_ digits: String, ordinal: Bool) -> String {
        guard !digits.isEmpty else { return "" }
        if digits.count > 1 && digits.hasPrefix("0") || digits.count > 15 {
            return digits.map { digitName($0) }.joined(separator: " ")
        }
        guard let n = Int(digits) else { return digits.map { digitName($0) }.joined(separator: " ") }
        var text: String
        if digits.count == 4, n >= 1100, n <= 1999, n % 100 != 0 {
            text = under1000(n / 100) + " hundred " + under1000(n % 100)
        } else {
            text = cardinal(n)
        }
        if ordinal { text += "th" }
        return text
    }

    static func under1000(_ n: Int) -> String {
        var parts = [String]()
        if n >= 100 { parts.append(ones[n / 100] + " hundred") }
        let r = n % 100
        if r >= 20 { parts.append(tens[r / 10] + (r % 10 > 0 ? " " + ones[r % 10] : "")) } else if r > 0 || parts.isEmpty { parts.append(ones[r]) }
        return parts.joined(separator: " ")
    }

    static func cardinal(_ n: Int) -> String {
        if n == 0 { return "zero" }
        var parts = [String]()
        var rest = n
        for (value, name) in [(1_000_000_000_000, "trillion"), (1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")] where rest >= value {
            parts.append(under1000(rest / value) + " " + name)
            rest %= value
        }
        if rest > 0 { parts.append(under1000(rest)) }
        return parts.joined(separator: " ")
    }

    static let digraphs: Set<String> = ["th", "sh", "ch", "ph", "wh", "ck", "ng", "gh", "qu", "ea", "ee", "oo", "ai", "ay", "oa",
                                        "ou", "ow", "ie", "ei", "ey", "au", "aw", "ew", "oi", "oy", "ue", "kn", "wr"]
    static let trigraphs: Set<String> = ["tch", "dge", "igh", "ough", "augh"].reduce(into: []) { $0.insert(String($1.prefix(3))) }

    /// s, z, x, and sh / ch counted once.
    static func sibilants(_ word: String) -> Int {
        let w = Array(word.lowercased())
        var count = 0
        var k = 0
        while k < w.count {
            if k + 1 < w.count, w[k + 1] == "h", w[k] == "s" || w[k] == "c" { count += 1; k += 2; continue }
            if w[k] == "s" || w[k] == "z" || w[k] == "x" { count += 1 }
            k += 1
        }
        return count
    }

    /// Letters, less one for each digraph or doubled letter and for a final silent e.
    static func phones(_ word: String) -> Int {
        let w = Array(word.lowercased().filter { $0.isLetter })
        guard !w.isEmpty else { return 0 }
        var count = 0
        var k = 0
        while k < w.count {
            if k + 2 < w.count, trigraphs.contains(String(w[k...k + 2])) { k += 3 } else if k + 1 < w.count, w[k] == w[k + 1] || digraphs.contains(String([w[k], w[k + 1]])) { k += 2 } else {
                if w[k] == "x" { count += 1 }   // /ks/
                k += 1
            }
            count += 1
        }
        if w.count > 2, w.last == "e", !"aeiouy".contains(w[w.count - 2]), !(w[w.count - 2] == "l" && !"aeiouy".contains(w[w.count - 3])) { count -= 1 }
        return max(1, count)
    }

    /// Syllables by vowel groups (y counts as a vowel after a consonant), a final silent e
    /// dropped (but not in "-le" after a consonant), at least one per word.
    static func syllables(_ word: String) -> Int {
        let w = Array(word.lowercased().filter { $0.isLetter })
        guard !w.isEmpty else { return 0 }
        func vowel(_ k: Int) -> Bool {
            let c = w[k]
            if "aeiou".contains(c) { return true }
            if c == "y" { return k > 0 && !"aeiou".contains(w[k - 1]) }
            // Accented vowels (café, naïve) count too.
            if !c.isASCII { return true }
            return false
        }
        var count = 0
        var previous = false
        for k in w.indices {
            let v = vowel(k)
            if v && !previous { count += 1 }
            previous = v
        }
        if w.count > 2, w.last == "e", !vowel(w.count - 2) {
            let consonantLe = w[w.count - 2] == "l" && w.count > 3 && !vowel(w.count - 3)
            if !consonantLe && count > 1 { count -= 1 }
        }
        if w.count > 3, w.suffix(2) == ["e", "d"], !"td".contains(w[w.count - 3]), count > 1 { count -= 1 }
        return max(1, count)
    }
}
