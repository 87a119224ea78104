import Foundation

/// A number as written: its integer digits, its decimal digits (if any) and how they were separated.
struct WrittenNumber: Sendable, Equatable {
    var integer: String
    var fraction: String?
    /// The decimal separator was "." in a language whose separator is "," (read with "Punkt"/"point"/"punto").
    var dotDecimal = false
    var grouped = false

    var value: UInt64? {
        integer.count <= 15 ? UInt64(integer) : nil
    }
    /// Exactly one, no decimals: the singular ("1 km" → "one kilometre").
    var isOne: Bool { fraction == nil && value == 1 }
    var isWhole: Bool { fraction == nil }
}

enum Currency: Sendable { case dollar, usDollar, euro, pound, yen, franc, cent }

/// The words of one language: numbers, money, dates, times, units.
struct Speaker: Sendable {
    let lang: NormLanguage

    var british: Bool { lang == .english(us: false) }

    // MARK: Numbers

    func cardinal(_ n: UInt64) -> String {
        if n > NumberWords.maxWords { return digits(String(n)) }
        switch lang {
        case .english: return NumberWords.english(n, british: british)
        case .german: return NumberWords.german(n)
        case .french: return NumberWords.french(n)
        case .spanish: return NumberWords.spanish(n)
        case .italian: return NumberWords.italian(n)
        }
    }

    var digitWords: [String] {
        switch lang {
        case .english: return NumberWords.enOnes
        case .german: return NumberWords.deOnes
        case .french: return NumberWords.frOnes
        case .spanish: return NumberWords.esSmall
        case .italian: return NumberWords.itOnes
        }
    }

    /// Each digit as a word; with `oh`, English 0 is "oh" (telephone numbers).
    func digits<S: StringProtocol>(_ s: S, oh: Bool = false) -> String {
        s.compactMap { c -> String? in
            guard let d = c.wholeNumberValue, c.isASCII else { return nil }
            return d == 0 && oh && lang.isEnglish ? "oh" : digitWords[d]
        }.joined(separator: " ")
    }

    /// A string of digits as a cardinal; leading zeros and very long strings digit by digit.
    func cardinal(digits s: String) -> String {
        if s.count > 1 && s.hasPrefix("0") { return digits(s) }
        guard s.count <= 15, let n = UInt64(s) else { return digits(s) }
        return cardinal(n)
    }

    var pointWord: String {
        switch lang {
        case .english: return "point"
        case .german: return "Komma"
        case .french: return "virgule"
        case .spanish: return "coma"
        case .italian: return "virgola"
        }
    }

    var dotWord: String {
        switch lang {
        case .english: return "point"
        case .german: return "Punkt"
        case .french: return "point"
        case .spanish, .italian: return "punto"
        }
    }

    var minusWord: String {
        switch lang {
        case .english: return "minus"
        case .german: return "minus"
        case .french: return "moins"
        case .spanish: return "menos"
        case .italian: return "meno"
        }
    }

    var plusWord: String {
        switch lang {
        case .english, .german, .french: return "plus"
        case .spanish: return "más"
        case .italian: return "più"
        }
    }

    var percentWord: String {
        switch lang {
        case .english(let us): return us ? "percent" : "per cent"
        case .german: return "Prozent"
        case .french: return "pour cent"
        case .spanish: return "por ciento"
        case .italian: return "per cento"
        }
    }

    var andWord: String {
        switch lang {
        case .english: return "and"
        case .german: return "und"
        case .french: return "et"
        case .spanish: return "y"
        case .italian: return "e"
        }
    }

    var toWord: String {
        switch lang {
        case .english: return "to"
        case .german: return "bis"
        case .french: return "à"
        case .spanish, .italian: return "a"
        }
    }

    var numberWord: String {
        switch lang {
        case .english: return "number"
        case .german: return "Nummer"
        case .french: return "numéro"
        case .spanish: return "número"
        case .italian: return "numero"
        }
    }

    /// Integer part, then the decimals: digit by digit in English and German ("three point one
    /// four", "drei Komma eins vier"), as a number in French, Spanish and Italian ("trois virgule
    /// quatorze"), leading zeros read as zeros.
    func number(_ v: WrittenNumber) -> String {
        let whole = cardinal(digits: v.integer)
        guard let frac = v.fraction else { return whole }
        if v.dotDecimal || lang.isEnglish || lang == .german {
            return whole + " " + (v.dotDecimal ? dotWord : pointWord) + " " + digits(frac)
        }
        let zeros = frac.prefix(while: { $0 == "0" })
        let rest = frac.dropFirst(zeros.count)
        var parts = zeros.map { _ in digitWords[0] }
        if !rest.isEmpty { parts.append(rest.count <= 3 ? cardinal(digits: String(rest)) : digits(rest)) }
        return whole + " " + pointWord + " " + parts.joined(separator: " ")
    }

    /// A number before a noun: agreement of "one" ("ein"/"eine", "un"/"une", "un"/"una", "un"/"una").
    func number(_ v: WrittenNumber, beforeNounFeminine feminine: Bool) -> String {
        let s = number(v)
        guard v.isWhole else { return s }
        switch lang {
        case .english: return s
        case .german: return v.isOne ? (feminine ? "eine" : "ein") : s
        case .french: return feminine ? NumberWords.frenchFeminine(s) : s
        case .spanish: return feminine ? NumberWords.spanishFeminine(s) : NumberWords.spanishApocope(s)
        case .italian: return NumberWords.italianBeforeNoun(s, feminine: feminine)
        }
    }

    /// Ordinal of a day or a written ordinal; German gets the ending `germanEnding` ("", "n", "r").
    func ordinal(_ n: UInt64, feminine: Bool = false, germanEnding: String = "r") -> String {
        switch lang {
        case .english: return NumberWords.englishOrdinal(n, british: british)
        case .german: return NumberWords.germanOrdinalStem(n) + germanEnding
        case .french: return NumberWords.frenchOrdinal(n, feminine: feminine)
        case .spanish: return NumberWords.spanishOrdinal(n, feminine: feminine)
        case .italian: return NumberWords.italianOrdinal(n, feminine: feminine)
        }
    }

    func year(_ y: Int) -> String {
        switch lang {
        case .english:
            return y >= 1100 && y < 2100 ? NumberWords.englishYear(y, british: british) : cardinal(UInt64(max(0, y)))
        case .german: return NumberWords.germanYear(y)
        default: return cardinal(UInt64(max(0, y)))
        }
    }

    /// Whether a lone four-digit number is read as a year (English and German only differ).
    func readsAsYear(_ v: WrittenNumber) -> Bool {
        guard v.isWhole, !v.grouped, v.integer.count == 4, !v.integer.hasPrefix("0"), let n = v.value else { return false }
        switch lang {
        case .english: return n >= 1100 && n <= 2099
        case .german: return n >= 1100 && n <= 1999
        default: return false
        }
    }

    // MARK: Dates

    var months: [String] {
        switch lang {
        case .english: return Speaker.englishMonths
        case .german: return Speaker.germanMonths
        case .french: return Speaker.frenchMonths
        case .spanish: return Speaker.spanishMonths
        case .italian: return Speaker.italianMonths
        }
    }

    static let englishMonths: [String] = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                               "October", "November", "December"]
    static let germanMonths: [String] = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                              "November", "Dezember"]
    static let frenchMonths: [String] = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                              "novembre", "décembre"]
    static let spanishMonths: [String] = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                               "octubre", "noviembre", "diciembre"]
    static let italianMonths: [String] = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                               "ottobre", "novembre", "dicembre"]
    static let monthIndex: [String: Int] = {
        var index: [String: Int] = [:]
        for table in [germanMonths, frenchMonths, spanishMonths, italianMonths] {
            for (k, m) in table.enumerated() { index[m.lowercased()] = k + 1 }
        }
        return index
    }()

    /// A full month name (any case for de/fr/es/it; capitalised in English) → 1…12.
    func month(named word: String) -> Int? {
        switch lang {
        case .english: return months.firstIndex(of: word).map { $0 + 1 }
        default:
            guard word.count >= 3 && word.count <= 9, let m = Speaker.monthIndex[word.lowercased()],
                  months[m - 1].lowercased() == word.lowercased() else { return nil }
            return m
        }
    }

    /// Abbreviated month names, read in full ("Dec" → "December"); English and German.
    func month(abbreviated word: String) -> Int? {
        switch lang {
        case .english:
            let abbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            if word == "Sept" { return 9 }
            return abbreviations.firstIndex(of: word).map { $0 + 1 }
        case .german:
            let abbreviations = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]
            if word == "Sept" { return 9 }
            return abbreviations.firstIndex(of: word).map { $0 + 1 }
        default: return nil
        }
    }

    /// German ordinal endings in dates: "am sechsten", "der sechste", "sechster".
    static func germanEnding(after previous: String?) -> String {
        guard let p = previous?.lowercased() else { return "r" }
        if ["am", "vom", "zum", "beim", "im", "dem", "den", "ab", "bis", "seit", "des"].contains(p) { return "n" }
        if ["der", "die", "das"].contains(p) { return "" }
        return "r"
    }

    /// A date in the order the language says it. Any part may be missing (say-as formats).
    func date(day: Int?, month: Int?, year: Int?, previous: String? = nil) -> String {
        let monthName = month.map { months[$0 - 1] }
        let yearWords = year.map { self.year($0) }
        switch lang {
        case .english(let us):
            let dayWords = day.map { NumberWords.englishOrdinal(UInt64($0), british: !us) }
            switch (dayWords, monthName) {
            case let (d?, m?):
                if us { return m + " " + d + (yearWords.map { ", " + $0 } ?? "") }
                return "the " + d + " of " + m + (yearWords.map { " " + $0 } ?? "")
            case let (d?, nil): return "the " + d + (yearWords.map { ", " + $0 } ?? "")
            case let (nil, m?): return m + (yearWords.map { " " + $0 } ?? "")
            case (nil, nil): return yearWords ?? ""
            }
        case .german:
            let ending = Speaker.germanEnding(after: previous)
            return [day.map { ordinal(UInt64($0), germanEnding: ending) }, monthName, yearWords].compactMap { $0 }.joined(separator: " ")
        case .french:
            return [day.map { $0 == 1 ? "premier" : cardinal(UInt64($0)) }, monthName, yearWords].compactMap { $0 }.joined(separator: " ")
        case .spanish:
            return [day.map { cardinal(UInt64($0)) }, monthName, yearWords].compactMap { $0 }.joined(separator: " de ")
        case .italian:
            return [day.map { $0 == 1 ? "primo" : cardinal(UInt64($0)) }, monthName, yearWords].compactMap { $0 }.joined(separator: " ")
        }
    }

    // MARK: Times

    /// A clock time. `pm`: nil for a 24-hour time, false for a.m., true for p.m. (English only).
    func time(hour h: Int, minute m: Int, pm: Bool? = nil) -> String {
        let hh = UInt64(h), mm = UInt64(m)
        switch lang {
        case .english:
            let minutes = m == 0 ? "" : m < 10 ? " oh " + cardinal(mm) : " " + cardinal(mm)
            if let pm {
                let twelve = h == 0 ? 12 : h > 12 ? h - 12 : h
                return cardinal(UInt64(twelve)) + minutes + (pm ? " p m" : " a m")
            }
            if m == 0 {
                if h == 0 || h == 24 { return "midnight" }
                return cardinal(hh) + (h <= 12 ? " o'clock" : " hundred")
            }
            return cardinal(hh) + minutes
        case .german:
            return (h == 1 ? "ein" : cardinal(hh)) + " Uhr" + (m > 0 ? " " + cardinal(mm) : "")
        case .french:
            let hours = NumberWords.frenchFeminine(cardinal(hh)) + (h <= 1 ? " heure" : " heures")
            return hours + (m > 0 ? " " + NumberWords.frenchFeminine(cardinal(mm)) : "")
        case .spanish:
            let hours = NumberWords.spanishFeminine(cardinal(hh))
            if m == 0 { return h == 1 ? "una en punto" : hours + " horas" }
            return hours + " y " + cardinal(mm)
        case .italian:
            if h == 0 && m == 0 { return "mezzanotte" }
            let hours = h == 1 ? "una" : cardinal(hh)
            return m == 0 ? hours : hours + " e " + cardinal(mm)
        }
    }

    // MARK: Money

    struct Money { let one, many: String; let sub: (one: String, many: String)?; var feminine = false }

    func money(_ c: Currency) -> Money {
        switch lang {
        case .english:
            switch c {
            case .dollar, .cent: return Money(one: "dollar", many: "dollars", sub: ("cent", "cents"))
            case .usDollar: return Money(one: "US dollar", many: "US dollars", sub: ("cent", "cents"))
            case .euro: return Money(one: "euro", many: "euros", sub: ("cent", "cents"))
            case .pound: return Money(one: "pound", many: "pounds", sub: ("penny", "pence"))
            case .yen: return Money(one: "yen", many: "yen", sub: nil)
            case .franc: return Money(one: "Swiss franc", many: "Swiss francs", sub: ("centime", "centimes"))
            }
        case .german:
            switch c {
            case .dollar, .cent: return Money(one: "Dollar", many: "Dollar", sub: ("Cent", "Cent"))
            case .usDollar: return Money(one: "US-Dollar", many: "US-Dollar", sub: ("Cent", "Cent"))
            case .euro: return Money(one: "Euro", many: "Euro", sub: ("Cent", "Cent"))
            case .pound: return Money(one: "Pfund", many: "Pfund", sub: ("Penny", "Pence"))
            case .yen: return Money(one: "Yen", many: "Yen", sub: nil)
            case .franc: return Money(one: "Franken", many: "Franken", sub: ("Rappen", "Rappen"))
            }
        case .french:
            switch c {
            case .dollar, .cent: return Money(one: "dollar", many: "dollars", sub: ("cent", "cents"))
            case .usDollar: return Money(one: "dollar américain", many: "dollars américains", sub: ("cent", "cents"))
            case .euro: return Money(one: "euro", many: "euros", sub: ("centime", "centimes"))
            case .pound: return Money(one: "livre", many: "livres", sub: ("penny", "pence"), feminine: true)
            case .yen: return Money(one: "yen", many: "yens", sub: nil)
            case .franc: return Money(one: "franc suisse", many: "francs suisses", sub: ("centime", "centimes"))
            }
        case .spanish:
            switch c {
            case .dollar, .cent: return Money(one: "dólar", many: "dólares", sub: ("centavo", "centavos"))
            case .usDollar: return Money(one: "dólar estadounidense", many: "dólares estadounidenses", sub: ("centavo", "centavos"))
            case .euro: return Money(one: "euro", many: "euros", sub: ("céntimo", "céntimos"))
            case .pound: return Money(one: "libra", many: "libras", sub: ("penique", "peniques"), feminine: true)
            case .yen: return Money(one: "yen", many: "yenes", sub: nil)
            case .franc: return Money(one: "franco suizo", many: "francos suizos", sub: ("céntimo", "céntimos"))
            }
        case .italian:
            switch c {
            case .dollar, .cent: return Money(one: "dollaro", many: "dollari", sub: ("centesimo", "centesimi"))
            case .usDollar: return Money(one: "dollaro statunitense", many: "dollari statunitensi", sub: ("centesimo", "centesimi"))
            case .euro: return Money(one: "euro", many: "euro", sub: ("centesimo", "centesimi"))
            case .pound: return Money(one: "sterlina", many: "sterline", sub: ("penny", "pence"), feminine: true)
            case .yen: return Money(one: "yen", many: "yen", sub: nil)
            case .franc: return Money(one: "franco svizzero", many: "franchi svizzeri", sub: ("centesimo", "centesimi"))
            }
        }
    }

    /// "five dollars and ninety-nine cents", "fünf Euro neunundneunzig", "cinq euros quatre-vingt-dix-neuf",
    /// "cinco euros con noventa y nueve", "cinque euro e novantanove"; with a scale word (English):
    /// "two point five million dollars".
    func money(_ v: WrittenNumber, _ c: Currency, scale: String? = nil) -> String {
        let m = money(c)
        if c == .cent {
            let sub = m.sub ?? ("cent", "cents")
            return number(v, beforeNounFeminine: false) + " " + (v.isOne ? sub.one : sub.many)
        }
        if let scale {
            return number(v) + " " + scale + " " + m.many
        }
        let units = { (n: WrittenNumber) -> String in
            self.number(n, beforeNounFeminine: m.feminine) + " " + (n.isOne ? m.one : m.many)
        }
        guard let frac = v.fraction, frac.count <= 2, !v.dotDecimal || lang.isEnglish, let sub = m.sub,
              let centsRaw = UInt64(frac) else {
            if v.fraction != nil { return number(v) + " " + m.many }
            return units(v)
        }
        let cents = frac.count == 1 ? centsRaw * 10 : centsRaw
        let whole = WrittenNumber(integer: v.integer, grouped: v.grouped)
        if cents == 0 { return units(whole) }
        let centsNumber = WrittenNumber(integer: String(cents))
        if whole.value == 0 {
            return number(centsNumber, beforeNounFeminine: false) + " " + (cents == 1 ? sub.one : sub.many)
        }
        switch lang {
        case .english:
            // "three pounds fifty", as British announcers say it; other currencies name their cents.
            if c == .pound { return units(whole) + " " + cardinal(cents) }
            return units(whole) + " and " + cardinal(cents) + " " + (cents == 1 ? sub.one : sub.many)
        case .german, .french: return units(whole) + " " + cardinal(cents)
        case .spanish: return units(whole) + " con " + cardinal(cents)
        case .italian: return units(whole) + " e " + cardinal(cents)
        }
    }

    static func currency(symbol c: Character) -> Currency? {
        switch c {
        case "$": return .dollar
        case "€": return .euro
        case "£": return .pound
        case "¥": return .yen
        case "¢": return .cent
        default: return nil
        }
    }

    static func currency(code: String) -> Currency? {
        switch code {
        case "USD": return .usDollar
        case "EUR": return .euro
        case "GBP": return .pound
        case "JPY": return .yen
        case "CHF": return .franc
        default: return nil
        }
    }

    // MARK: Units

    struct Unit { let one, many: String; var feminine = false }

    func unit(_ key: String) -> Unit? {
        switch lang {
        case .english(let us):
            let re = { (stem: String) -> String in us ? stem + "er" : stem + "re" }
            let table: [String: (String, String)] = [
                "km": (re("kilomet"), re("kilomet") + "s"), "m": (re("met"), re("met") + "s"),
                "cm": (re("centimet"), re("centimet") + "s"), "mm": (re("millimet"), re("millimet") + "s"),
                "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
                "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
                "mph": ("mile per hour", "miles per hour"), "km/h": (re("kilomet") + " per hour", re("kilomet") + "s per hour"),
                "kph": (re("kilomet") + " per hour", re("kilomet") + "s per hour"),
                "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"), "°": ("degree", "degrees"),
                "ml": (re("millilit"), re("millilit") + "s"), "mL": (re("millilit"), re("millilit") + "s"),
                "l": (re("lit"), re("lit") + "s"), "L": (re("lit"), re("lit") + "s"),
                "GB": ("gigabyte", "gigabytes"), "MB": ("megabyte", "megabytes"), "kB": ("kilobyte", "kilobytes"),
                "KB": ("kilobyte", "kilobytes"), "TB": ("terabyte", "terabytes"),
                "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
                "Hz": ("hertz", "hertz"), "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
                "V": ("volt", "volts"), "ft": ("foot", "feet"), "in": ("inch", "inches"), "mi": ("mile", "miles"),
                "min": ("minute", "minutes"), "ms": ("millisecond", "milliseconds"),
            ]
            return table[key].map { Unit(one: $0.0, many: $0.1) }
        case .german:
            let table: [String: (String, String, Bool)] = [
                "km": ("Kilometer", "Kilometer", false), "m": ("Meter", "Meter", false), "cm": ("Zentimeter", "Zentimeter", false),
                "mm": ("Millimeter", "Millimeter", false), "kg": ("Kilogramm", "Kilogramm", false), "g": ("Gramm", "Gramm", false),
                "mg": ("Milligramm", "Milligramm", false), "km/h": ("Kilometer pro Stunde", "Kilometer pro Stunde", false),
                "°C": ("Grad Celsius", "Grad Celsius", false), "°F": ("Grad Fahrenheit", "Grad Fahrenheit", false), "°": ("Grad", "Grad", false),
                "ml": ("Milliliter", "Milliliter", false), "l": ("Liter", "Liter", false), "L": ("Liter", "Liter", false),
                "GB": ("Gigabyte", "Gigabyte", false), "MB": ("Megabyte", "Megabyte", false), "kB": ("Kilobyte", "Kilobyte", false),
                "TB": ("Terabyte", "Terabyte", false), "kHz": ("Kilohertz", "Kilohertz", false), "Hz": ("Hertz", "Hertz", false),
                "W": ("Watt", "Watt", false), "kW": ("Kilowatt", "Kilowatt", false), "V": ("Volt", "Volt", false),
                "min": ("Minute", "Minuten", true), "Std": ("Stunde", "Stunden", true),
            ]
            return table[key].map { Unit(one: $0.0, many: $0.1, feminine: $0.2) }
        case .french:
            let table: [String: (String, String, Bool)] = [
                "km": ("kilomètre", "kilomètres", false), "m": ("mètre", "mètres", false), "cm": ("centimètre", "centimètres", false),
                "mm": ("millimètre", "millimètres", false), "kg": ("kilogramme", "kilogrammes", false), "g": ("gramme", "grammes", false),
                "mg": ("milligramme", "milligrammes", false), "km/h": ("kilomètre heure", "kilomètres heure", false),
                "°C": ("degré Celsius", "degrés Celsius", false), "°F": ("degré Fahrenheit", "degrés Fahrenheit", false), "°": ("degré", "degrés", false),
                "ml": ("millilitre", "millilitres", false), "l": ("litre", "litres", false), "L": ("litre", "litres", false),
                "Go": ("gigaoctet", "gigaoctets", false), "Mo": ("mégaoctet", "mégaoctets", false), "Ko": ("kilooctet", "kilooctets", false),
                "To": ("téraoctet", "téraoctets", false), "kHz": ("kilohertz", "kilohertz", false), "Hz": ("hertz", "hertz", false),
                "W": ("watt", "watts", false), "kW": ("kilowatt", "kilowatts", false), "V": ("volt", "volts", false),
                "min": ("minute", "minutes", true),
            ]
            return table[key].map { Unit(one: $0.0, many: $0.1, feminine: $0.2) }
        case .spanish:
            let table: [String: (String, String, Bool)] = [
                "km": ("kilómetro", "kilómetros", false), "m": ("metro", "metros", false), "cm": ("centímetro", "centímetros", false),
                "mm": ("milímetro", "milímetros", false), "kg": ("kilogramo", "kilogramos", false), "g": ("gramo", "gramos", false),
                "mg": ("miligramo", "miligramos", false), "km/h": ("kilómetro por hora", "kilómetros por hora", false),
                "°C": ("grado Celsius", "grados Celsius", false), "°F": ("grado Fahrenheit", "grados Fahrenheit", false), "°": ("grado", "grados", false),
                "ml": ("mililitro", "mililitros", false), "l": ("litro", "litros", false), "L": ("litro", "litros", false),
                "GB": ("gigabyte", "gigabytes", false), "MB": ("megabyte", "megabytes", false), "kB": ("kilobyte", "kilobytes", false),
                "TB": ("terabyte", "terabytes", false), "kHz": ("kilohercio", "kilohercios", false), "Hz": ("hercio", "hercios", false),
                "W": ("vatio", "vatios", false), "kW": ("kilovatio", "kilovatios", false), "V": ("voltio", "voltios", false),
                "min": ("minuto", "minutos", false),
            ]
            return table[key].map { Unit(one: $0.0, many: $0.1, feminine: $0.2) }
        case .italian:
            let table: [String: (String, String, Bool)] = [
                "km": ("chilometro", "chilometri", false), "m": ("metro", "metri", false), "cm": ("centimetro", "centimetri", false),
                "mm": ("millimetro", "millimetri", false), "kg": ("chilogrammo", "chilogrammi", false), "g": ("grammo", "grammi", false),
                "mg": ("milligrammo", "milligrammi", false), "km/h": ("chilometro orario", "chilometri orari", false),
                "°C": ("grado Celsius", "gradi Celsius", false), "°F": ("grado Fahrenheit", "gradi Fahrenheit", false), "°": ("grado", "gradi", false),
                "ml": ("millilitro", "millilitri", false), "l": ("litro", "litri", false), "L": ("litro", "litri", false),
                "GB": ("gigabyte", "gigabyte", false), "MB": ("megabyte", "megabyte", false), "kB": ("kilobyte", "kilobyte", false),
                "TB": ("terabyte", "terabyte", false), "kHz": ("kilohertz", "kilohertz", false), "Hz": ("hertz", "hertz", false),
                "W": ("watt", "watt", false), "kW": ("kilowatt", "kilowatt", false), "V": ("volt", "volt", false),
                "min": ("minuto", "minuti", false),
            ]
            return table[key].map { Unit(one: $0.0, many: $0.1, feminine: $0.2) }
        }
    }

    /// Fractions that are never dates: 1/2, 1/3, 2/3, 1/4, 3/4.
    func fraction(_ a: Int, _ b: Int) -> String? {
        let key = "\(a)/\(b)"
        let table: [String: String]
        switch lang {
        case .english: table = ["1/2": "one half", "1/3": "one third", "2/3": "two thirds", "1/4": "one quarter", "3/4": "three quarters"]
        case .german: table = ["1/2": "ein halb", "1/3": "ein Drittel", "2/3": "zwei Drittel", "1/4": "ein Viertel", "3/4": "drei Viertel"]
        case .french: table = ["1/2": "un demi", "1/3": "un tiers", "2/3": "deux tiers", "1/4": "un quart", "3/4": "trois quarts"]
        case .spanish: table = ["1/2": "un medio", "1/3": "un tercio", "2/3": "dos tercios", "1/4": "un cuarto", "3/4": "tres cuartos"]
        case .italian: table = ["1/2": "un mezzo", "1/3": "un terzo", "2/3": "due terzi", "1/4": "un quarto", "3/4": "tre quarti"]
        }
        return table[key]
    }

    /// Nouns after "1" that take the feminine ("eine Stunde", "une heure", "una hora", "una settimana").
    func isFeminineNoun(_ word: String) -> Bool {
        let lower = word.lowercased()
        switch lang {
        case .english: return false
        case .german: return ["stunde", "minute", "sekunde", "woche", "nacht", "person", "frau", "million", "milliarde",
                              "meile", "tonne", "seite", "flasche", "tasse", "folge", "runde"].contains(lower)
        case .french: return ["heure", "minute", "seconde", "semaine", "nuit", "personne", "femme", "fois", "livre", "page",
                              "tonne", "bouteille", "tasse", "année", "journée", "fille", "chose"].contains(lower)
        case .spanish: return ["hora", "semana", "noche", "persona", "mujer", "vez", "libra", "página", "tonelada", "botella",
                               "taza", "casa", "cosa", "milla", "pulgada"].contains(lower)
        case .italian: return ["ora", "settimana", "notte", "persona", "donna", "volta", "sterlina", "pagina", "tonnellata",
                               "bottiglia", "tazza", "casa", "cosa", "libbra", "giornata"].contains(lower)
        }
    }
}
