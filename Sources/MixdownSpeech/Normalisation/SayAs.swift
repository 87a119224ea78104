import Foundation

/// SSML `<say-as>`: the reading the markup asks for, whatever the text alone would suggest.
enum SayAs {
    static func spoken(_ text: String, interpretAs: String, format: String?, detail: String?, language: String) -> String? {
        let kind = interpretAs.lowercased()
        guard ["cardinal", "number", "ordinal", "characters", "spell-out", "digits", "telephone", "date", "time", "currency"]
                .contains(kind) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let lang = NormLanguage(tag: language) else { return trimmed }
        let sp = Speaker(lang: lang)
        let fallback = { TextNormaliser.normalise(trimmed, language: language) }
        switch kind {
        case "cardinal", "number":
            let negative = trimmed.hasPrefix("-") || trimmed.hasPrefix("−")
            return number(trimmed, lang, sp).map { (negative ? sp.minusWord + " " : "") + sp.number($0) } ?? fallback()
        case "ordinal":
            let digits = trimmed.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 15, let n = UInt64(digits) else { return fallback() }
            let rest = trimmed.dropFirst(digits.count)
            let feminine = rest.contains("ª") || rest == "re" || rest == "ère"
            return sp.ordinal(n, feminine: feminine, germanEnding: "r")
        case "characters", "spell-out":
            return trimmed.compactMap { c -> String? in
                if c.isASCII, let d = c.wholeNumberValue { return sp.digitWords[d] }
                if c.isLetter { return String(c) }
                return nil
            }.joined(separator: " ")
        case "digits":
            let d = sp.digits(trimmed)
            return d.isEmpty ? fallback() : d
        case "telephone":
            return telephone(trimmed, lang, sp)
        case "date":
            return date(trimmed, format: format, lang, sp) ?? fallback()
        case "time":
            return time(trimmed, lang, sp) ?? fallback()
        case "currency":
            return currency(trimmed, lang, sp) ?? fallback()
        default:
            return nil
        }
    }

    /// The whole text as one number in the language's notation (sign, groups, decimals).
    static func number(_ text: String, _ lang: NormLanguage, _ sp: Speaker) -> WrittenNumber? {
        var s = Substring(text)
        if s.first == "-" || s.first == "−" { s = s.dropFirst() }
        let group: Set<Character>, decimal: Character
        switch lang {
        case .english: group = [","]; decimal = "."
        case .french: group = [" ", "\u{A0}", "\u{202F}", "."]; decimal = ","
        default: group = [".", " ", "\u{A0}", "\u{202F}"]; decimal = ","
        }
        var integer = "", fraction: String?
        for c in s {
            if c.isASCII && c.isNumber {
                if fraction != nil { fraction?.append(c) } else { integer.append(c) }
            } else if c == decimal && fraction == nil {
                fraction = ""
            } else if group.contains(c) && fraction == nil {
                continue
            } else {
                return nil
            }
        }
        guard !integer.isEmpty, fraction.map({ !$0.isEmpty }) ?? true else { return nil }
        return WrittenNumber(integer: integer, fraction: fraction)
    }

    static func telephone(_ text: String, _ lang: NormLanguage, _ sp: Speaker) -> String {
        var parts: [String] = []
        var group = ""
        var plus = false
        func flush() {
            guard !group.isEmpty else { return }
            if lang == .french && group.count == 2 {
                parts.append(group.hasPrefix("0") ? sp.digits(group) : sp.cardinal(digits: group))
            } else {
                parts.append(sp.digits(group, oh: true))
            }
            group = ""
        }
        for c in text {
            if c.isASCII && c.isNumber { group.append(c) } else { flush(); if c == "+" && parts.isEmpty { plus = true } }
        }
        flush()
        return (plus ? sp.plusWord + " " : "") + parts.joined(separator: ", ")
    }

    /// Numeric fields in the order `format` names them ("mdy", "dmy", "ymd", "md", "dm", "ym", "my", "y", "d", "m").
    static func date(_ text: String, format: String?, _ lang: NormLanguage, _ sp: Speaker) -> String? {
        var fields: [String] = []
        var current = ""
        var monthByName: Int?
        var word = ""
        for c in text + " " {
            if c.isASCII && c.isNumber { current.append(c); continue }
            if !current.isEmpty { fields.append(current); current = "" }
            if c.isLetter { word.append(c); continue }
            if !word.isEmpty {
                if let m = sp.month(named: word) ?? sp.month(abbreviated: word) ?? sp.month(named: word.capitalized) { monthByName = m }
                word = ""
            }
        }
        var order = format?.lowercased() ?? ""
        if order.isEmpty {
            if fields.first?.count == 4 { order = "ymd" } else { order = lang.isUS ? "mdy" : "dmy" }
            if monthByName != nil { order = order.replacingOccurrences(of: "m", with: "") }
        } else if monthByName != nil {
            order = order.replacingOccurrences(of: "m", with: "")
        }
        guard order.count == fields.count, !order.isEmpty || monthByName != nil,
              order.allSatisfy({ "dmy".contains($0) }) else { return nil }
        var day: Int?, month = monthByName, year: Int?
        for (f, field) in zip(order, fields) {
            guard let v = Int(field) else { return nil }
            switch f {
            case "d": guard v >= 1 && v <= 31 else { return nil }; day = v
            case "m": guard v >= 1 && v <= 12 else { return nil }; month = v
            default: year = field.count == 2 ? (v < 70 ? 2000 + v : 1900 + v) : v
            }
        }
        return sp.date(day: day, month: month, year: year)
    }

    /// "10:30", "10:30pm", "10:30 p.m.", "14h30", "9am".
    static func time(_ text: String, _ lang: NormLanguage, _ sp: Speaker) -> String? {
        var numbers: [Int] = []
        var current = ""
        var letters = ""
        for c in text + " " {
            if c.isASCII && c.isNumber { current.append(c); continue }
            if !current.isEmpty { guard let v = Int(current) else { return nil }; numbers.append(v); current = "" }
            if c.isLetter { letters.append(Character(c.lowercased())) }
        }
        guard let h = numbers.first, h <= 24, numbers.count <= 3 else { return nil }
        let m = numbers.count > 1 ? numbers[1] : 0
        guard m < 60 else { return nil }
        var pm: Bool?
        if lang.isEnglish {
            if letters == "am" { pm = false } else if letters == "pm" { pm = true }
        }
        var out = sp.time(hour: h, minute: m, pm: pm)
        if numbers.count == 3 {
            let s = numbers[2]
            guard s < 60 else { return nil }
            let seconds: String
            switch lang {
            case .english: seconds = "and " + sp.cardinal(UInt64(s)) + (s == 1 ? " second" : " seconds")
            case .german: seconds = "und " + (s == 1 ? "eine Sekunde" : sp.cardinal(UInt64(s)) + " Sekunden")
            case .french: seconds = "et " + NumberWords.frenchFeminine(sp.cardinal(UInt64(s))) + (s <= 1 ? " seconde" : " secondes")
            case .spanish: seconds = "y " + NumberWords.spanishFeminine(sp.cardinal(UInt64(s))) + (s == 1 ? " segundo" : " segundos")
            case .italian: seconds = "e " + (s == 1 ? "un secondo" : sp.cardinal(UInt64(s)) + " secondi")
            }
            out += " " + seconds
        }
        return out
    }

    /// "$5.99", "5,99 €", "USD 40", "40 EUR", "£3.50".
    static func currency(_ text: String, _ lang: NormLanguage, _ sp: Speaker) -> String? {
        var cur: Currency?
        var amount = ""
        var letters = ""
        for c in text {
            if let x = Speaker.currency(symbol: c) { cur = x; continue }
            if c.isLetter { letters.append(c); continue }
            amount.append(c)
        }
        if cur == nil { cur = Speaker.currency(code: letters.uppercased()) }
        guard let cur, let v = number(amount.trimmingCharacters(in: .whitespaces), lang, sp) else { return nil }
        return sp.money(v, cur)
    }
}
