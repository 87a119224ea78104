import Foundation

/// One pass over the tokens of a text (outside phoneme blocks): at each token the patterns that
/// can start there are tried in a fixed order, each looking a bounded number of tokens ahead;
/// the first that matches replaces the tokens it covers with words, otherwise the token is
/// copied as written. Linear in the number of tokens.
struct Normaliser {
    struct Hit { let text: String; let end: Int }

    let toks: [NormToken]
    let lang: NormLanguage
    let sp: Speaker

    init(text: Substring, language: NormLanguage) {
        lang = language
        sp = Speaker(lang: language)
        toks = Tokeniser.tokens(text, language: language)
    }

    /// Characters that would join an address to its neighbour in a second pass.
    static func joins(_ c: Character) -> Bool { alnum(c) || "@_-/".contains(c) }

    func run() -> String {
        var out = ""
        var lastSpoken = false, lastAddress = false
        /// Spoken words never run into letters or digits; a read-out address stands apart from
        /// letters, digits and the signs addresses are made of (so a second pass finds the same words).
        func append(_ s: String, spoken: Bool, address: Bool = false) {
            guard let first = s.first else { return }
            if let last = out.last, !last.isWhitespace, !first.isWhitespace {
                if (address && Normaliser.joins(last)) || (lastAddress && Normaliser.joins(first))
                    || ((spoken || lastSpoken) && Normaliser.alnum(last) && Normaliser.alnum(first)) {
                    out.append(" ")
                }
            }
            out += s
            lastSpoken = spoken
            lastAddress = address
        }
        var i = 0
        while i < toks.count {
            var wordBefore = false
            if toks[i].char == "+" {
                let tail = hspace(i - 1) ? out.dropLast(toks[i - 1].text.count) : out[...]
                wordBefore = tail.last.map(Normaliser.alnum) ?? false
            }
            if let hit = match(i, wordBefore: wordBefore), hit.end > i {
                append(hit.text, spoken: true, address: toks[i].kind == .spoken)
                i = hit.end
            } else {
                append(toks[i].text, spoken: false)
                i += 1
            }
        }
        return out
    }

    static func alnum(_ c: Character) -> Bool { c.isLetter || c.isNumber }

    // MARK: Token access

    func tok(_ i: Int) -> NormToken? { i >= 0 && i < toks.count ? toks[i] : nil }
    func p(_ i: Int) -> Character? { tok(i)?.char }
    func isP(_ i: Int, _ c: Character) -> Bool { p(i) == c }
    func word(_ i: Int) -> String? { tok(i).flatMap { $0.kind == .word ? $0.text : nil } }
    func num(_ i: Int) -> String? { tok(i).flatMap { $0.kind == .number ? $0.text : nil } }
    /// A space that does not break the line.
    func hspace(_ i: Int) -> Bool { tok(i).map { $0.kind == .space && !$0.newline } ?? false }
    func skip(_ i: Int) -> Int { hspace(i) ? i + 1 : i }
    func isDash(_ c: Character?) -> Bool { c == "–" || c == "—" }

    /// The word before token `i`, across one space.
    func previousWord(_ i: Int) -> String? { hspace(i - 1) ? word(i - 2) : nil }

    /// Whether a full stop at the end of what was replaced also ends the sentence: the text ends,
    /// the line breaks, or a capitalised word follows.
    func sentenceEnds(at k: Int) -> Bool {
        guard let t = tok(k) else { return true }
        guard t.isSpace else { return false }
        if t.newline { return true }
        guard let next = tok(k + 1) else { return true }
        return next.startsUpper
    }

    /// Whether the word at `i` starts a sentence (so its capital says nothing about a name).
    func sentenceInitial(_ i: Int) -> Bool {
        guard let before = tok(i - 1) else { return true }
        if before.isSpace {
            if before.newline { return true }
            guard let c = p(i - 2) else { return tok(i - 2) == nil }
            return ".!?:\"“(".contains(c)
        }
        return before.char.map { "\"“(".contains($0) } ?? false
    }

    /// `wordBefore`: the text written out so far ends in a letter or digit (before one space).
    func match(_ i: Int, wordBefore: Bool = false) -> Hit? {
        let t = toks[i]
        switch t.kind {
        case .spoken: return Hit(text: t.text, end: i + 1)
        case .number: return numberHit(i)
        case .word: return wordHit(i)
        case .punct: return punctHit(i, wordBefore: wordBefore)
        case .space: return nil
        }
    }

    // MARK: Numbers

    /// The number written from token `i`: digits with the language's thousands groups and decimals.
    func parseNumber(_ i: Int) -> (WrittenNumber, Int)? {
        guard let first = num(i) else { return nil }
        var v = WrittenNumber(integer: first)
        var j = i + 1
        switch lang {
        case .english:
            if first.count <= 3 {
                while isP(j, ","), let g = num(j + 1), g.count == 3 { v.integer += g; v.grouped = true; j += 2 }
            }
            if isP(j, "."), let f = num(j + 1), !(isP(j + 2, ".") && num(j + 3) != nil) { v.fraction = f; j += 2 }
        case .german, .spanish, .italian, .french:
            if first.count <= 3 {
                if lang == .french {
                    while let t = tok(j), t.isSpace, t.text.count == 1, !t.newline, let g = num(j + 1), g.count == 3,
                          !(isP(j + 2, ":") || word(j + 2) == "h") {
                        v.integer += g; v.grouped = true; j += 2
                    }
                } else {
                    while isP(j, "."), let g = num(j + 1), g.count == 3 {
                        v.integer += g; v.grouped = true; j += 2
                    }
                }
            }
            if isP(j, ","), let f = num(j + 1) {
                v.fraction = f; j += 2
            } else if !v.grouped, isP(j, "."), let f = num(j + 1), !(isP(j + 2, ".") && num(j + 3) != nil) {
                v.fraction = f; v.dotDecimal = true; j += 2
            }
        }
        return (v, j)
    }

    func numberHit(_ i: Int) -> Hit? {
        if let h = phone(i) { return h }
        if let h = isoDate(i) { return h }
        if let h = slashDate(i) { return h }
        if lang == .german, let h = dottedDate(i) { return h }
        if let h = clock(i) { return h }
        if let h = ratio(i) { return h }
        guard let (v, j) = parseNumber(i) else { return nil }
        if isP(j, "."), num(j + 1) != nil, let h = version(i) { return h }
        if lang.isEnglish, ["911", "999", "112"].contains(v.integer), v.isWhole,
           let prev = previousWord(i)?.lowercased(), ["call", "dial", "dialled", "dialed", "calling", "dialling", "dialing"].contains(prev) {
            return Hit(text: sp.digits(v.integer), end: j)
        }
        return afterNumber(v, start: i, end: j)
    }

    /// What follows a number decides how it is read.
    func afterNumber(_ v: WrittenNumber, start i: Int, end j: Int) -> Hit? {
        if let h = ordinal(v, start: i, end: j) { return h }
        if lang == .german, v.isWhole {
            // "90er", "1990er-Jahre", "80ern": the decade word, one word with its ending.
            if let w = word(j), w.hasPrefix("er"), let n = v.value {
                let base = v.integer.count == 4 ? sp.year(Int(n)) : sp.number(v)
                return Hit(text: base + w, end: j + 1)
            }
            // "1. FC Köln", "Ich habe 2. Dann …": an ordinal or a sentence end, undecidable; left as written.
            if isP(j, "."), hspace(j + 1), tok(j + 2)?.startsUpper == true, v.integer.count <= 3 {
                return Hit(text: v.integer, end: j)
            }
        }
        if lang.isEnglish, v.isWhole, let h = englishPlural(v, end: j) { return h }
        if v.isWhole, let h = hourOnly(v, end: j) { return h }
        if let (s, k) = suffix(after: j) { return Hit(text: reading(v, s), end: k) }
        if let h = range(v, start: i, end: j) { return h }
        if v.isWhole, let n = v.value {
            if lang.isEnglish, n >= 1 && n <= 31, v.integer.count <= 2, hspace(j), let m = monthAt(j + 1) {
                let the = previousWord(i)?.lowercased() == "the" ? "" : "the "
                return Hit(text: the + sp.ordinal(n) + " of " + sp.months[m.month - 1], end: m.end)
            }
            if n == 1, lang == .french || lang == .italian, hspace(j), let w = word(j + 1), sp.month(named: w) != nil {
                return Hit(text: lang == .french ? "premier" : "primo", end: j)
            }
        }
        if sp.readsAsYear(v) { return Hit(text: sp.year(Int(v.value ?? 0)), end: j) }
        if v.isWhole, !lang.isEnglish, hspace(j), let w = word(j + 1) {
            return Hit(text: agreeing(v, before: w), end: j)
        }
        return Hit(text: sp.number(v), end: j)
    }

    /// Words after which a Spanish or Italian "1" stays "uno" (prepositions, articles, verbs).
    static let stopWords: Set<String> = ["de", "del", "y", "o", "a", "al", "en", "por", "para", "con", "que", "e", "di", "da",
                                         "in", "per", "su", "che", "et", "ou", "à", "au", "des", "du", "sur", "la", "le",
                                         "les", "el", "los", "las", "il", "lo", "gli", "un", "una", "une", "es", "est", "è", "sono",
                                         "son", "sont", "ha", "según", "sobre", "entre", "hasta", "desde", "tra", "fra"]

    /// "1" before a noun: "ein Euro"/"eine Stunde", "une heure", "un año"/"una hora", "un anno"/"una notte".
    func agreeing(_ v: WrittenNumber, before w: String) -> String {
        let feminine = sp.isFeminineNoun(w)
        switch lang {
        case .german:
            guard v.isOne, w.first?.isUppercase == true else { return sp.number(v) }
            return sp.number(v, beforeNounFeminine: feminine)
        case .french:
            return feminine ? sp.number(v, beforeNounFeminine: true) : sp.number(v)
        case .spanish, .italian:
            guard w.first?.isLowercase == true, !Normaliser.stopWords.contains(w) else { return sp.number(v) }
            return sp.number(v, beforeNounFeminine: feminine)
        case .english:
            return sp.number(v)
        }
    }

    enum Suffix { case percent, currency(Currency), unit(Speaker.Unit) }

    /// A percent sign, a currency or a unit right after a number (a space between allowed).
    func suffix(after j: Int) -> (Suffix, Int)? {
        let k = skip(j)
        guard let t = tok(k) else { return nil }
        if let c = t.char {
            if c == "%" { return (.percent, k + 1) }
            if let cur = Speaker.currency(symbol: c) { return (.currency(cur), k + 1) }
            if c == "°" {
                if let w = word(k + 1), w == "C" || w == "F", let u = sp.unit("°" + w) { return (.unit(u), k + 2) }
                if let u = sp.unit("°") { return (.unit(u), k + 1) }
            }
            return nil
        }
        guard t.isWord else { return nil }
        if let cur = Speaker.currency(code: t.text) { return (.currency(cur), k + 1) }
        if t.text == "km", isP(k + 1, "/"), word(k + 2) == "h", let u = sp.unit("km/h") { return (.unit(u), k + 3) }
        guard let u = sp.unit(t.text) else { return nil }
        if lang.isEnglish && t.text == "in" && k != j {
            // "in" is inches only where it cannot be the preposition: before a full stop, comma,
            // bracket or the end, or before another number ("5 ft 11 in").
            guard tok(k + 1) == nil || p(k + 1).map({ ".,;:!?)".contains($0) }) == true
                    || (hspace(k + 1) && num(k + 2) != nil) else { return nil }
        }
        // "12 in. wide": an abbreviation's full stop inside a sentence is not read.
        if isP(k + 1, "."), hspace(k + 2), tok(k + 3)?.text.first?.isLowercase == true { return (.unit(u), k + 2) }
        return (.unit(u), k + 1)
    }

    func reading(_ v: WrittenNumber, _ s: Suffix) -> String {
        switch s {
        case .percent: return (lang == .german ? sp.number(v, beforeNounFeminine: false) : sp.number(v)) + " " + sp.percentWord
        case .currency(let c): return sp.money(v, c)
        case .unit(let u): return sp.number(v, beforeNounFeminine: u.feminine) + " " + (v.isOne ? u.one : u.many)
        }
    }

    /// "10-12" → "ten to twelve", "pages 5–7", "1990–1995", "5-10%".
    func range(_ v: WrittenNumber, start i: Int, end j: Int) -> Hit? {
        var k: Int
        if isP(j, "-"), num(j + 1) != nil {
            k = j + 1
        } else {
            let d = skip(j)
            guard isDash(p(d)) else { return nil }
            k = skip(d + 1)
            guard num(k) != nil else { return nil }
        }
        guard let (w, e) = parseNumber(k) else { return nil }
        if (isP(e, "-") || isDash(p(e))) && num(e + 1) != nil { return nil }
        let years = sp.readsAsYear(v) && sp.readsAsYear(w)
        let a = years ? sp.year(Int(v.value ?? 0)) : sp.number(v)
        if let (s, end) = suffix(after: e) {
            return Hit(text: a + " " + sp.toWord + " " + reading(w, s), end: end)
        }
        let b = years ? sp.year(Int(w.value ?? 0)) : sp.number(w)
        return Hit(text: a + " " + sp.toWord + " " + b, end: e)
    }

    /// Ordinals as each language writes them: 1st 2nd 3rd 4th; 3. Dezember; 1er 2e 3ème; 1º 2ª; 1° maggio.
    func ordinal(_ v: WrittenNumber, start i: Int, end j: Int) -> Hit? {
        guard v.isWhole, let n = v.value else { return nil }
        switch lang {
        case .english:
            guard let w = word(j), ["st", "nd", "rd", "th"].contains(w.lowercased()) else { return nil }
            if n >= 1 && n <= 31 && v.integer.count <= 2, hspace(j + 1), let m = monthAt(j + 2) {
                let the = previousWord(i)?.lowercased() == "the" ? "" : "the "
                return Hit(text: the + sp.ordinal(n) + " of " + sp.months[m.month - 1], end: m.end)
            }
            return Hit(text: sp.ordinal(n), end: j + 1)
        case .german:
            guard isP(j, "."), hspace(j + 1) else { return nil }
            if let m = monthAt(j + 2), n >= 1 && n <= 31 {
                let ending = Speaker.germanEnding(after: previousWord(i))
                return Hit(text: sp.ordinal(n, germanEnding: ending) + " " + sp.months[m.month - 1], end: m.end)
            }
            // "der 2. Platz", "zum 3. Mal": after an article or a contracted preposition, before a noun.
            guard let prev = previousWord(i)?.lowercased(), v.integer.count <= 3, tok(j + 2)?.startsUpper == true else { return nil }
            if ["der", "die", "das"].contains(prev) { return Hit(text: sp.ordinal(n, germanEnding: ""), end: j + 1) }
            if ["den", "dem", "des", "am", "im", "zum", "zur", "vom", "beim"].contains(prev) {
                return Hit(text: sp.ordinal(n, germanEnding: "n"), end: j + 1)
            }
            return nil
        case .french:
            guard let w = word(j) else { return nil }
            switch w {
            case "er": return n == 1 ? Hit(text: "premier", end: j + 1) : nil
            case "re", "ère": return n == 1 ? Hit(text: "première", end: j + 1) : nil
            case "e", "è", "ème", "eme", "ième": return n >= 2 ? Hit(text: sp.ordinal(n), end: j + 1) : nil
            case "ers", "res", "ères": return n == 1 ? Hit(text: w == "ers" ? "premiers" : "premières", end: j + 1) : nil
            case "es", "èmes", "ièmes": return n >= 2 ? Hit(text: sp.ordinal(n) + "s", end: j + 1) : nil
            default: return nil
            }
        case .spanish, .italian:
            var k = j
            if isP(k, "."), let w = word(k + 1), w == "º" || w == "ª" { k += 1 }
            if let w = word(k), w == "º" || w == "ª" {
                return Hit(text: sp.ordinal(n, feminine: w == "ª"), end: k + 1)
            }
            if lang == .spanish, word(j) == "er", n == 1 || n == 3 { return Hit(text: n == 1 ? "primer" : "tercer", end: j + 1) }
            if isP(j, "°"), hspace(j + 1), let w = word(j + 2), w.first?.isLowercase == true {
                return Hit(text: sp.ordinal(n), end: j + 1)
            }
            return nil
        }
    }

    /// A month name (or English/German abbreviation, with its full stop) at `k`.
    func monthAt(_ k: Int) -> (month: Int, end: Int)? {
        guard let w = word(k) else { return nil }
        if let m = sp.month(named: w) { return (m, k + 1) }
        if let m = sp.month(abbreviated: w) { return (m, isP(k + 1, ".") ? k + 2 : k + 1) }
        return nil
    }

    /// English "1990s", "80s", "1990's", "the 1s and 0s".
    func englishPlural(_ v: WrittenNumber, end j: Int) -> Hit? {
        var k = j
        if isP(k, "'") || isP(k, "’") { k += 1 }
        guard word(k) == "s", let n = v.value else { return nil }
        let base: String
        if v.integer.count == 4, n % 10 == 0, sp.readsAsYear(v) { base = sp.year(Int(n)) }
        else { base = sp.number(v) }
        return Hit(text: NumberWords.englishPlural(base), end: k + 1)
    }

    /// A whole hour: "9am", "9 p.m.", "14 Uhr", "14h".
    func hourOnly(_ v: WrittenNumber, end j: Int) -> Hit? {
        guard let h = v.value, v.integer.count <= 2, h <= 24 else { return nil }
        switch lang {
        case .english:
            guard h >= 1 && h <= 12, let (pm, e, dot) = ampm(j) else { return nil }
            return Hit(text: sp.time(hour: Int(h), minute: 0, pm: pm) + (dot && sentenceEnds(at: e) ? "." : ""), end: e)
        case .german:
            guard hspace(j), word(j + 1) == "Uhr" else { return nil }
            return Hit(text: sp.time(hour: Int(h), minute: 0), end: j + 2)
        case .french:
            let k = skip(j)
            guard word(k) == "h" else { return nil }
            if k == j, let ms = num(k + 1), ms.count == 2, let m = Int(ms), m < 60 {
                return Hit(text: sp.time(hour: Int(h), minute: m), end: k + 2)
            }
            if k != j, hspace(k + 1), let ms = num(k + 2), ms.count == 2, let m = Int(ms), m < 60 {
                return Hit(text: sp.time(hour: Int(h), minute: m), end: k + 3)
            }
            return Hit(text: sp.time(hour: Int(h), minute: 0), end: k + 1)
        case .spanish, .italian:
            return nil
        }
    }

    /// "am", "pm", "a.m.", "P.M." after a time: (pm, end, ended with a full stop).
    func ampm(_ j: Int) -> (Bool, Int, Bool)? {
        let k = skip(j)
        guard let w = word(k) else { return nil }
        switch w {
        case "am", "AM": return (false, k + 1, false)
        case "pm", "PM": return (true, k + 1, false)
        case "a", "A", "p", "P":
            guard isP(k + 1, "."), let m = word(k + 2), m == "m" || m == "M" else { return nil }
            let pm = w == "p" || w == "P"
            return isP(k + 3, ".") ? (pm, k + 4, true) : (pm, k + 3, false)
        default: return nil
        }
    }

    /// "10:30", "10:30am", "10:30 p.m.", "14:00", "12:00 noon"; "14:30 Uhr", "14.30 Uhr"; Italian "alle 14.30".
    func clock(_ i: Int) -> Hit? {
        guard let hs = num(i), hs.count <= 2, let h = Int(hs), h <= 24 else { return nil }
        let colon = isP(i + 1, ":")
        guard colon || isP(i + 1, "."), let ms = num(i + 2), ms.count == 2, let m = Int(ms), m < 60 else { return nil }
        if isP(i + 3, ":") || isP(i + 3, "."), num(i + 4) != nil { return nil }
        var end = i + 3
        if !colon {
            switch lang {
            case .german: guard hspace(end), word(end + 1) == "Uhr" else { return nil }
            case .italian:
                guard let prev = previousWord(i)?.lowercased(), ["alle", "ore", "dalle", "delle", "le"].contains(prev) else { return nil }
            default: return nil
            }
        }
        switch lang {
        case .english:
            if h <= 12, let (pm, e, dot) = ampm(end) {
                return Hit(text: sp.time(hour: h, minute: m, pm: pm) + (dot && sentenceEnds(at: e) ? "." : ""), end: e)
            }
            if h == 12 && m == 0, hspace(end), let w = word(end + 1), w == "noon" || w == "midnight" {
                return Hit(text: "twelve " + w, end: end + 2)
            }
        case .german:
            if hspace(end), word(end + 1) == "Uhr" { end += 2 }
        default: break
        }
        return Hit(text: sp.time(hour: h, minute: m), end: end)
    }

    /// "3:1" → "three to one" (a score or a ratio: no two-digit minutes, so not a clock time).
    func ratio(_ i: Int) -> Hit? {
        guard let a = num(i), isP(i + 1, ":"), let b = num(i + 2), b.count == 1 || a.count > 2,
              !(isP(i + 3, ":") && num(i + 4) != nil) else { return nil }
        let word: String
        switch lang {
        case .english: word = "to"
        case .german: word = "zu"
        case .french: word = "à"
        case .spanish, .italian: word = "a"
        }
        return Hit(text: sp.cardinal(digits: a) + " " + word + " " + sp.cardinal(digits: b), end: i + 3)
    }

    /// Numbers joined by full stops that are neither a date nor a grouped number: "2.0.1" →
    /// "two point zero point one", "zwei Punkt null Punkt eins".
    func version(_ i: Int) -> Hit? {
        var parts: [String] = []
        var k = i
        while let n = num(k) {
            parts.append(sp.cardinal(digits: n))
            guard isP(k + 1, "."), num(k + 2) != nil else { k += 1; break }
            k += 2
        }
        guard parts.count >= 2 else { return nil }
        return Hit(text: parts.joined(separator: " " + sp.dotWord + " "), end: k)
    }

    // MARK: Dates

    func validDate(day d: Int, month m: Int) -> Bool {
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return m >= 1 && m <= 12 && d >= 1 && d <= lengths[m - 1]
    }

    func fullYear(_ s: String) -> Int? {
        guard let y = Int(s) else { return nil }
        if s.count == 2 { return y < 70 ? 2000 + y : 1900 + y }
        return s.count == 4 ? y : nil
    }

    /// "2026-12-06".
    func isoDate(_ i: Int) -> Hit? {
        guard let ys = num(i), ys.count == 4, isP(i + 1, "-"), let ms = num(i + 2), ms.count == 2, isP(i + 3, "-"),
              let ds = num(i + 4), ds.count == 2, let y = Int(ys), let m = Int(ms), let d = Int(ds),
              validDate(day: d, month: m) else { return nil }
        if isP(i + 5, "-") && num(i + 6) != nil { return nil }
        return Hit(text: sp.date(day: d, month: m, year: y, previous: previousWord(i)), end: i + 5)
    }

    /// "2026/12/06"; "10/12/2026", "10/12", "6/12/26": month first in US English, day first elsewhere (swapped
    /// when only the other order is a date); 1/2, 1/3, 2/3, 1/4, 3/4 are fractions; 24/7.
    func slashDate(_ i: Int) -> Hit? {
        // "2026/12/06": year first.
        if let y = num(i), y.count == 4, isP(i + 1, "/"), let ms = num(i + 2), ms.count <= 2, isP(i + 3, "/"),
           let ds = num(i + 4), ds.count <= 2, let year = Int(y), let m = Int(ms), let d = Int(ds), validDate(day: d, month: m),
           !isP(i + 5, "/") {
            return Hit(text: sp.date(day: d, month: m, year: year, previous: previousWord(i)), end: i + 5)
        }
        guard let a = num(i), a.count <= 2, isP(i + 1, "/"), let b = num(i + 2), b.count <= 2,
              let ai = Int(a), let bi = Int(b) else { return nil }
        var end = i + 3
        var year: Int?
        if isP(end, "/"), let c = num(end + 1) {
            guard let y = fullYear(c) else { return nil }
            year = y
            end += 2
        }
        if isP(end, "/") || ((isP(end, ".") || isP(end, ",")) && num(end + 1) != nil) { return nil }
        if year == nil {
            if let f = sp.fraction(ai, bi) { return Hit(text: f, end: end) }
            if lang.isEnglish && ai == 24 && bi == 7 { return Hit(text: "twenty-four seven", end: end) }
        }
        var (d, m) = lang.isUS ? (bi, ai) : (ai, bi)
        if m > 12 && d <= 12 { swap(&d, &m) }
        guard validDate(day: d, month: m) else { return nil }
        return Hit(text: sp.date(day: d, month: m, year: year, previous: previousWord(i)), end: end)
    }

    /// German "06.12.2026", "6.12.26", "6.12." (a trailing full stop when there is no year).
    func dottedDate(_ i: Int) -> Hit? {
        guard let a = num(i), a.count <= 2, isP(i + 1, "."), let b = num(i + 2), b.count <= 2, isP(i + 3, "."),
              let d = Int(a), let m = Int(b), validDate(day: d, month: m) else { return nil }
        var year: Int?
        var end = i + 4
        if let c = num(i + 4) {
            guard let y = fullYear(c) else { return nil }
            year = y
            end = i + 5
        }
        if year != nil, isP(end, "."), num(end + 1) != nil { return nil }
        var text = sp.date(day: d, month: m, year: year, previous: previousWord(i))
        if year == nil && sentenceEnds(at: end) { text += "." }
        return Hit(text: text, end: end)
    }

    // MARK: Telephone numbers

    /// Numbers separated by one `sep` from token `i`: the groups and the end.
    func groups(_ i: Int, separatedBy sep: Character) -> ([String], Int) {
        var gs: [String] = []
        var k = i
        while let n = num(k) {
            gs.append(n)
            guard isP(k + 1, sep), num(k + 2) != nil else { k += 1; break }
            k += 2
        }
        return (gs, k)
    }

    /// Numbers separated by single spaces (or hyphens, for `hyphens`).
    func spacedGroups(_ i: Int, hyphens: Bool) -> ([String], Int) {
        var gs: [String] = []
        var k = i
        while let n = num(k) {
            gs.append(n)
            if (hspace(k + 1) || (hyphens && isP(k + 1, "-"))) && num(k + 2) != nil { k += 2 } else { k += 1; break }
        }
        return (gs, k)
    }

    func phoneReading(_ gs: [String]) -> String {
        gs.map { g -> String in
            if lang == .french && g.count == 2 {
                return g.hasPrefix("0") ? sp.digits(g) : sp.cardinal(digits: g)
            }
            return sp.digits(g, oh: true)
        }.joined(separator: ", ")
    }

    /// 555-0123, 555-123-4567, 1-800-555-0199, 555.123.4567 (English); 0800 123 456, 030 12345678 (any language).
    func phone(_ i: Int) -> Hit? {
        if lang.isEnglish {
            for sep: Character in ["-", "."] {
                let (gs, end) = groups(i, separatedBy: sep)
                let lengths = gs.map(\.count)
                if (sep == "-" && (lengths == [3, 4] || lengths == [1, 3, 3, 4])) || lengths == [3, 3, 4] {
                    if isP(end, sep) || isDash(p(end)) { return nil }
                    return Hit(text: phoneReading(gs), end: end)
                }
            }
        }
        let (gs, end) = spacedGroups(i, hyphens: false)
        let total = gs.reduce(0) { $0 + $1.count }
        if gs.count >= 2, let first = gs.first, first.hasPrefix("0"), first.count >= 2 && first.count <= 5,
           gs.dropFirst().allSatisfy({ $0.count >= 2 && $0.count <= 8 }), total >= 9 && total <= 12 {
            return Hit(text: phoneReading(gs), end: end)
        }
        return nil
    }

    /// "+1 555 123 4567", "+44 20 7946 0958", "+4930123456".
    func internationalPhone(_ i: Int) -> Hit? {
        guard num(i + 1) != nil else { return nil }
        let (gs, end) = spacedGroups(i + 1, hyphens: true)
        let total = gs.reduce(0) { $0 + $1.count }
        guard total >= 8 && total <= 15, let cc = gs.first, gs.count == 1 || cc.count <= 3 else { return nil }
        return Hit(text: sp.plusWord + " " + phoneReading(gs), end: end)
    }

    /// "(555) 123-4567" (English).
    func bracketPhone(_ i: Int) -> Hit? {
        guard lang.isEnglish, let area = num(i + 1), area.count == 3, isP(i + 2, ")") else { return nil }
        let k = skip(i + 3)
        let (gs, end) = groups(k, separatedBy: "-")
        guard gs.map(\.count) == [3, 4] else { return nil }
        return Hit(text: phoneReading([area] + gs), end: end)
    }

    // MARK: Signs

    func punctHit(_ i: Int, wordBefore: Bool) -> Hit? {
        guard let c = p(i) else { return nil }
        switch c {
        case "$", "£", "€", "¥": return currencyPrefix(i)
        case "#":
            guard let (v, e) = parseNumber(i + 1) else { return nil }
            return Hit(text: sp.numberWord + " " + sp.number(v), end: e)
        case "&":
            return Hit(text: sp.andWord, end: i + 1)
        case "+":
            let before = tok(i - 1)
            if num(i + 1) != nil, before == nil || before?.isSpace == true || p(i - 1) == "(" {
                if let h = internationalPhone(i) { return h }
                if let h = numberHit(i + 1) { return Hit(text: sp.plusWord + " " + h.text, end: h.end) }
            }
            // Between words: the left side as already written out (so a second pass agrees), the
            // right side a word, a number, or a sign that starts one.
            let left = hspace(i - 1), right = hspace(i + 1)
            guard left == right, wordBefore, let b = tok(right ? i + 2 : i + 1) else { return nil }
            let r = right ? i + 2 : i + 1
            var spokenRight = b.isWord || b.isNumber || b.kind == .spoken
            if !spokenRight, let c = b.char {
                if c == "+" { spokenRight = num(r + 1) != nil } else { spokenRight = match(r)?.text.first.map(Normaliser.alnum) ?? false }
            }
            guard spokenRight else { return nil }
            return Hit(text: sp.plusWord, end: i + 1)
        case "-", "−":
            guard num(i + 1) != nil else { return nil }
            if let before = tok(i - 1), !(before.isSpace || before.char.map({ "([{/:=".contains($0) }) == true) { return nil }
            guard let h = numberHit(i + 1) else { return nil }
            return Hit(text: sp.minusWord + " " + h.text, end: h.end)
        case "(":
            return bracketPhone(i)
        case "'", "’":
            guard lang.isEnglish, tok(i - 1).map({ $0.isSpace || $0.kind == .punct }) ?? true,
                  let n = num(i + 1), n.count == 2, word(i + 2) == "s", let v = UInt64(n), v % 10 == 0 else { return nil }
            return Hit(text: NumberWords.englishPlural(sp.cardinal(v)), end: i + 3)
        default:
            return nil
        }
    }

    /// "$5.99", "£3.50", "€ 20", "$2.5 million", "$1.2bn", "$10-20".
    func currencyPrefix(_ i: Int) -> Hit? {
        guard let c = p(i), let cur = Speaker.currency(symbol: c) else { return nil }
        let k = skip(i + 1)
        guard let (v, e) = parseNumber(k) else { return nil }
        var end = e
        var scale: String?
        if lang.isEnglish {
            let short: [String: String] = ["k": "thousand", "K": "thousand", "m": "million", "M": "million", "mn": "million",
                                           "bn": "billion", "b": "billion", "B": "billion", "tn": "trillion", "T": "trillion"]
            if let w = word(end), let s = short[w] {
                scale = s; end += 1
            } else if hspace(end), let w = word(end + 1), ["thousand", "million", "billion", "trillion"].contains(w) {
                scale = w; end += 2
            }
        }
        if scale == nil, isP(end, "-") || isDash(p(end)) {
            var r = end + 1
            if p(r) == c { r += 1 }
            if let (w, e2) = parseNumber(r) {
                return Hit(text: sp.number(v) + " " + sp.toWord + " " + sp.money(w, cur), end: e2)
            }
        }
        return Hit(text: sp.money(v, cur, scale: scale), end: end)
    }

    // MARK: Words

    func wordHit(_ i: Int) -> Hit? {
        guard let w = word(i) else { return nil }
        if let cur = Speaker.currency(code: w), hspace(i + 1), let (v, e) = parseNumber(i + 2) {
            return Hit(text: sp.money(v, cur), end: e)
        }
        if let h = monthWord(i) { return h }
        // "nº 5", "n° 5", "Nº 5": number.
        if w == "nº" || w == "Nº" || ((w == "n" || w == "N") && isP(i + 1, "°")) {
            let k = skip(w.count == 2 ? i + 1 : i + 2)
            if let (v, e) = parseNumber(k) { return Hit(text: sp.numberWord + " " + sp.number(v), end: e) }
        }
        if lang == .french, let h = frenchRoman(i) { return h }
        if let h = letterAbbreviation(i) { return h }
        if let h = abbreviation(i) { return h }
        if lang.isEnglish, let h = roman(i) { return h }
        return nil
    }

    /// English "Dec 6", "December 6th" → "December sixth" (US) / "December the sixth"; "Jan." →
    /// "January"; "Jan.–Dec." → "January to December". German "Dez." → "Dezember".
    func monthWord(_ i: Int) -> Hit? {
        guard let w = word(i) else { return nil }
        let full = sp.month(named: w)
        guard let m = full ?? sp.month(abbreviated: w) else { return nil }
        if lang.isEnglish && full == nil && !(w.first?.isUppercase ?? false) { return nil }
        var k = i + 1
        let dotted = full == nil && isP(k, ".")
        if dotted { k += 1 }
        if lang.isEnglish, hspace(k), let ds = num(k + 1), ds.count <= 2, let d = Int(ds), d >= 1 && d <= 31,
           !isP(k + 2, ":"), !(isP(k + 2, ".") && num(k + 3) != nil), !(isP(k + 2, ",") && num(k + 3)?.count == 3),
           !isP(k + 2, "/"), !isP(k + 2, "-") {
            var e = k + 2
            if let s = word(e), ["st", "nd", "rd", "th"].contains(s.lowercased()) { e += 1 }
            if suffix(after: e) == nil {
                let day = sp.ordinal(UInt64(d))
                return Hit(text: sp.months[m - 1] + (lang.isUS ? " " : " the ") + day, end: e)
            }
        }
        guard dotted else { return nil }
        if isDash(p(k)) || isP(k, "-"), let w2 = word(k + 1), let m2 = sp.month(abbreviated: w2) ?? sp.month(named: w2) {
            var e = k + 2
            let dotted2 = isP(e, ".")
            if dotted2 { e += 1 }
            let text = sp.months[m - 1] + " " + sp.toWord + " " + sp.months[m2 - 1]
            return Hit(text: text + (dotted2 && sentenceEnds(at: e) ? "." : ""), end: e)
        }
        return Hit(text: sp.months[m - 1] + (sentenceEnds(at: k) ? "." : ""), end: k)
    }

    /// "e.g." "i.e." (English), "z.B." "d.h." "u.a." (German).
    func letterAbbreviation(_ i: Int) -> Hit? {
        guard let a = word(i), a.count == 1, isP(i + 1, "."), let b = word(i + 2), b.count == 1, isP(i + 3, ".") else { return nil }
        let table: [String: String]
        switch lang {
        case .english: table = ["eg": "for example", "ie": "that is", "Eg": "For example", "Ie": "That is"]
        case .german: table = ["zB": "zum Beispiel", "dh": "das heißt", "ua": "unter anderem", "ZB": "Zum Beispiel", "Dh": "Das heißt"]
        default: table = [:]
        }
        guard let text = table[a + b] else { return nil }
        return Hit(text: text, end: i + 4)
    }

    enum AbbreviationKind { case title, always, beforeNumber }
    struct Abbreviation { let text: String; let kind: AbbreviationKind; let needsDot: Bool; var needsName = false }

    func abbreviations(_ w: String) -> Abbreviation? {
        switch lang {
        case .english: return Normaliser.englishAbbreviations[w]
        case .german: return Normaliser.germanAbbreviations[w]
        case .french: return Normaliser.frenchAbbreviations[w]
        case .spanish: return Normaliser.spanishAbbreviations[w]
        case .italian: return Normaliser.italianAbbreviations[w]
        }
    }

    static let englishAbbreviations: [String: Abbreviation] = [
            "Mr": .init(text: "Mister", kind: .title, needsDot: false), "Mrs": .init(text: "Missus", kind: .title, needsDot: false),
            "Ms": .init(text: "Miz", kind: .title, needsDot: false), "Prof": .init(text: "Professor", kind: .title, needsDot: true),
            "Mt": .init(text: "Mount", kind: .title, needsDot: true),
            "Ave": .init(text: "Avenue", kind: .always, needsDot: true), "Rd": .init(text: "Road", kind: .always, needsDot: true),
            "Blvd": .init(text: "Boulevard", kind: .always, needsDot: true), "Jr": .init(text: "Junior", kind: .title, needsDot: true),
            "Sr": .init(text: "Senior", kind: .title, needsDot: true), "approx": .init(text: "approximately", kind: .always, needsDot: true),
            "Approx": .init(text: "Approximately", kind: .always, needsDot: true), "vs": .init(text: "versus", kind: .always, needsDot: false),
            "etc": .init(text: "et cetera", kind: .always, needsDot: true), "dept": .init(text: "department", kind: .always, needsDot: true),
            "Dept": .init(text: "Department", kind: .always, needsDot: true),
            "no": .init(text: "number", kind: .beforeNumber, needsDot: true), "No": .init(text: "number", kind: .beforeNumber, needsDot: true),
            "nos": .init(text: "numbers", kind: .beforeNumber, needsDot: true), "Nos": .init(text: "numbers", kind: .beforeNumber, needsDot: true),
        ]

    static let germanAbbreviations: [String: Abbreviation] = [
            "Dr": .init(text: "Doktor", kind: .title, needsDot: true), "Prof": .init(text: "Professor", kind: .title, needsDot: true),
            "Hr": .init(text: "Herr", kind: .title, needsDot: true), "Nr": .init(text: "Nummer", kind: .beforeNumber, needsDot: true),
            "Str": .init(text: "Straße", kind: .always, needsDot: true), "ca": .init(text: "circa", kind: .always, needsDot: true),
            "usw": .init(text: "und so weiter", kind: .always, needsDot: true),
            "bzw": .init(text: "beziehungsweise", kind: .always, needsDot: true),
            "evtl": .init(text: "eventuell", kind: .always, needsDot: true), "ggf": .init(text: "gegebenenfalls", kind: .always, needsDot: true),
            "inkl": .init(text: "inklusive", kind: .always, needsDot: true), "vgl": .init(text: "vergleiche", kind: .always, needsDot: true),
        ]

    static let frenchAbbreviations: [String: Abbreviation] = [
            "M": .init(text: "Monsieur", kind: .title, needsDot: true, needsName: true),
            "Mme": .init(text: "Madame", kind: .title, needsDot: false, needsName: true),
            "Mlle": .init(text: "Mademoiselle", kind: .title, needsDot: false, needsName: true),
            "Dr": .init(text: "Docteur", kind: .title, needsDot: false, needsName: true),
            "etc": .init(text: "et cetera", kind: .always, needsDot: true), "env": .init(text: "environ", kind: .always, needsDot: true),
            "av": .init(text: "avenue", kind: .always, needsDot: true),
        ]

    static let spanishAbbreviations: [String: Abbreviation] = [
            "Sr": .init(text: "señor", kind: .title, needsDot: true), "Sra": .init(text: "señora", kind: .title, needsDot: true),
            "Srta": .init(text: "señorita", kind: .title, needsDot: true), "Dr": .init(text: "doctor", kind: .title, needsDot: true),
            "Dra": .init(text: "doctora", kind: .title, needsDot: true), "etc": .init(text: "etcétera", kind: .always, needsDot: true),
            "Ud": .init(text: "usted", kind: .always, needsDot: true), "Uds": .init(text: "ustedes", kind: .always, needsDot: true),
            "aprox": .init(text: "aproximadamente", kind: .always, needsDot: true),
            "Avda": .init(text: "avenida", kind: .always, needsDot: true), "núm": .init(text: "número", kind: .beforeNumber, needsDot: true),
        ]

    static let italianAbbreviations: [String: Abbreviation] = [
            "Sig": .init(text: "signor", kind: .title, needsDot: true), "Dott": .init(text: "dottor", kind: .title, needsDot: true),
            "Dr": .init(text: "dottor", kind: .title, needsDot: true), "Prof": .init(text: "professor", kind: .title, needsDot: true),
            "ecc": .init(text: "eccetera", kind: .always, needsDot: true), "pag": .init(text: "pagina", kind: .beforeNumber, needsDot: true),
            "n": .init(text: "numero", kind: .beforeNumber, needsDot: true),
        ]

    func nextIsName(_ k: Int) -> Bool { hspace(k) && (tok(k + 1)?.startsUpper ?? false) }
    func previousIsName(_ i: Int) -> Bool {
        hspace(i - 1) && (tok(i - 2)?.startsUpper ?? false) && !sentenceInitial(i - 2)
    }

    func abbreviation(_ i: Int) -> Hit? {
        guard let w = word(i) else { return nil }
        let dotted = isP(i + 1, ".")
        let after = dotted ? i + 2 : i + 1
        if lang.isEnglish && (w == "St" || w == "Dr") {
            // St.: Street after a name ("Baker St."), Saint before one ("St. Paul's"); Dr.: Drive
            // after a name and before none, Doctor otherwise.
            let before = previousIsName(i), next = nextIsName(after)
            let text: String
            if w == "St" {
                if before { text = "Street" } else if next { text = "Saint" } else if dotted { text = "Street" } else { return nil }
            } else {
                if before && !next && dotted { text = "Drive" } else if next || dotted { text = "Doctor" } else { return nil }
            }
            let keep = dotted && (text == "Street" || text == "Drive") && sentenceEnds(at: after)
            return Hit(text: text + (keep ? "." : ""), end: after)
        }
        guard let a = abbreviations(w), dotted || !a.needsDot else { return nil }
        switch a.kind {
        case .title:
            guard nextIsName(after) || (dotted && !a.needsName) else { return nil }
            let last = dotted && (tok(after) == nil || tok(after)?.newline == true)
            return Hit(text: a.text + (last ? "." : ""), end: after)
        case .always:
            return Hit(text: a.text + (dotted && sentenceEnds(at: after) ? "." : ""), end: after)
        case .beforeNumber:
            guard hspace(after), let (v, e) = parseNumber(after + 1) else { return nil }
            return Hit(text: a.text + " " + sp.number(v), end: e)
        }
    }

    /// "Henry VIII" → "Henry the Eighth", "Chapter IV" → "Chapter four", "World War II" (English).
    func roman(_ i: Int) -> Hit? {
        guard let w = word(i), w.count <= 15, w.allSatisfy({ "IVXLCDM".contains($0) }), let prev = previousWord(i),
              let n = Normaliser.romanValue(w) else { return nil }
        guard Normaliser.countedNames.contains(prev) || Normaliser.regnalNames.contains(prev) else { return nil }
        if Normaliser.countedNames.contains(prev) { return Hit(text: sp.cardinal(UInt64(n)), end: i + 1) }
        if w != "I" {
            let o = sp.ordinal(UInt64(n))
            return Hit(text: "the " + o.prefix(1).uppercased() + o.dropFirst(), end: i + 1)
        }
        return nil
    }

    static let countedNames: Set<String> = ["Chapter", "Part", "Volume", "Book", "Act", "Scene", "Section", "Phase", "Episode", "Season",
                                    "War", "Level", "Round", "Stage", "Vol", "Apollo", "Bowl", "Article", "Title", "Psalm"]
    static let regnalNames: Set<String> = ["Henry", "Edward", "George", "William", "Richard", "Elizabeth", "Charles", "James", "Louis",
                                   "John", "Paul", "Pius", "Leo", "Benedict", "Gregory", "Mary", "Philip", "Frederick",
                                   "Alexander", "Peter", "Catherine", "Napoleon", "Ramesses", "Innocent", "Clement", "Urban",
                                   "Boniface", "Francis", "Victor", "Felipe", "Juan", "Carlos", "Ludwig", "Wilhelm", "Friedrich"]

    /// French "XXe siècle" → "vingtième siècle", "François Ier" → "François premier".
    func frenchRoman(_ i: Int) -> Hit? {
        guard let w = word(i), w.count >= 2, w.first?.isUppercase == true else { return nil }
        for suffix in ["ème", "er", "e"] where w.hasSuffix(suffix) {
            let r = String(w.dropLast(suffix.count))
            // One letter only for V and X ("Le", "De", "Ce", "Me" are words) and I before "er".
            guard r.count >= 2 || r == "V" || r == "X" || (r == "I" && suffix == "er"),
                  r.allSatisfy({ "IVXLCDM".contains($0) }), let n = Normaliser.romanValue(r) else { continue }
            if suffix == "er" { return n == 1 ? Hit(text: "premier", end: i + 1) : nil }
            return n >= 2 ? Hit(text: sp.ordinal(UInt64(n)), end: i + 1) : nil
        }
        return nil
    }

    static func romanValue(_ s: String) -> Int? {
        let values: [Character: Int] = ["I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000]
        guard !s.isEmpty, s.count <= 15 else { return nil }
        var total = 0, previous = 0
        for c in s.reversed() {
            guard let v = values[c] else { return nil }
            if v < previous { total -= v } else { total += v; previous = v }
        }
        guard total > 0 && total < 4000, romanString(total) == s else { return nil }
        return total
    }

    static func romanString(_ n: Int) -> String {
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                                      (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var n = n, s = ""
        for (v, r) in table { while n >= v { s += r; n -= v } }
        return s
    }
}
