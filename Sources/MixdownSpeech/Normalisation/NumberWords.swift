import Foundation

/// Whole numbers as words in each language: cardinals, ordinals and years (docs/normalisation.md).
/// Numbers up to 999 999 999 999 999 are read as words; longer digit strings digit by digit.
enum NumberWords {
    static let maxWords: UInt64 = 999_999_999_999_999

    // MARK: English

    static let enOnes = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    static let enTens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    static func enBelow100(_ n: Int) -> String {
        n < 20 ? enOnes[n] : enTens[n / 10] + (n % 10 > 0 ? "-" + enOnes[n % 10] : "")
    }

    static func enBelow1000(_ n: Int, british: Bool) -> String {
        let h = n / 100, r = n % 100
        guard h > 0 else { return enBelow100(r) }
        var s = enOnes[h] + " hundred"
        if r > 0 { s += (british ? " and " : " ") + enBelow100(r) }
        return s
    }

    /// "one thousand two hundred thirty-four" (US) / "one thousand two hundred and thirty-four" (British).
    static func english(_ n: UInt64, british: Bool) -> String {
        if n == 0 { return "zero" }
        let scales = ["", " thousand", " million", " billion", " trillion"]
        var groups: [Int] = []
        var m = n
        while m > 0 { groups.append(Int(m % 1000)); m /= 1000 }
        var parts: [String] = []
        for k in stride(from: groups.count - 1, through: 0, by: -1) where groups[k] > 0 {
            let g = groups[k]
            if k == 0, british, g < 100, groups.count > 1 {
                parts.append("and " + enBelow100(g))
            } else {
                parts.append(enBelow1000(g, british: british) + scales[k])
            }
        }
        return parts.joined(separator: " ")
    }

    /// "twenty-first", "one hundred and first": the cardinal's last word made ordinal.
    static func englishOrdinal(_ n: UInt64, british: Bool) -> String {
        englishOrdinalWords(english(n, british: british))
    }

    static func englishOrdinalWords(_ cardinal: String) -> String {
        let cut = cardinal.lastIndex(where: { $0 == " " || $0 == "-" }).map { cardinal.index(after: $0) } ?? cardinal.startIndex
        let head = cardinal[..<cut], last = String(cardinal[cut...])
        let irregular = ["one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                         "nine": "ninth", "twelve": "twelfth"]
        if let o = irregular[last] { return head + o }
        if last.hasSuffix("y") { return head + last.dropLast() + "ieth" }
        return head + last + "th"
    }

    /// Years: "nineteen ninety-nine", "nineteen oh five", "nineteen hundred", "two thousand (and) five", "twenty twenty-six".
    static func englishYear(_ y: Int, british: Bool) -> String {
        let hi = y / 100, lo = y % 100
        if y >= 2000 && y < 2010 { return english(UInt64(y), british: british) }
        if lo == 0 { return enBelow100(hi) + " hundred" }
        if lo < 10 { return enBelow100(hi) + " oh " + enOnes[lo] }
        return enBelow100(hi) + " " + enBelow100(lo)
    }

    /// "nineties", "twenties", "hundreds", "thousands", "sixes", "ones".
    static func englishPlural(_ words: String) -> String {
        if words.hasSuffix("y") { return words.dropLast() + "ies" }
        if words.hasSuffix("x") { return words + "es" }
        return words + "s"
    }

    // MARK: German

    static let deOnes = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
                         "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn"]
    static let deTens = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"]

    static func deBelow100(_ n: Int, final: Bool) -> String {
        if n == 1 { return final ? "eins" : "ein" }
        if n < 20 { return deOnes[n] }
        let u = n % 10
        if u == 0 { return deTens[n / 10] }
        return (u == 1 ? "ein" : deOnes[u]) + "und" + deTens[n / 10]
    }

    static func deBelow1000(_ n: Int, final: Bool) -> String {
        let h = n / 100, r = n % 100
        let hundred = h > 0 ? (h == 1 ? "ein" : deOnes[h]) + "hundert" : ""
        return hundred + (r > 0 ? deBelow100(r, final: final) : "")
    }

    /// "eintausendzweihundertvierunddreißig", "zwei Millionen fünfhunderttausend".
    static func german(_ n: UInt64) -> String {
        if n == 0 { return "null" }
        var parts: [String] = []
        let big: [(UInt64, String, String)] = [(1_000_000_000_000, "eine Billion", "Billionen"),
                                               (1_000_000_000, "eine Milliarde", "Milliarden"),
                                               (1_000_000, "eine Million", "Millionen")]
        var m = n
        for (size, one, many) in big {
            let g = Int(m / size)
            m %= size
            if g == 1 { parts.append(one) } else if g > 1 { parts.append(germanSmall(UInt64(g), final: false) + " " + many) }
        }
        if m > 0 { parts.append(germanSmall(m, final: true)) }
        return parts.joined(separator: " ")
    }

    /// Below a million, one word.
    static func germanSmall(_ n: UInt64, final: Bool) -> String {
        let t = Int(n / 1000), r = Int(n % 1000)
        var s = ""
        if t > 0 { s += deBelow1000(t, final: false) + "tausend" }
        if r > 0 { s += deBelow1000(r, final: final) }
        return s
    }

    /// Years 1100–1999 in hundreds ("neunzehnhundertneunundneunzig"); others as the cardinal.
    static func germanYear(_ y: Int) -> String {
        guard y >= 1100 && y < 2000 else { return german(UInt64(max(0, y))) }
        return deBelow100(y / 100, final: false) + "hundert" + (y % 100 > 0 ? deBelow100(y % 100, final: true) : "")
    }

    /// The ordinal stem ending in -te ("erste", "dritte", "zwanzigste"); the caller adds the case ending.
    static func germanOrdinalStem(_ n: UInt64) -> String {
        let c = german(n)
        let tail = n % 100
        if tail == 0 || tail >= 20 { return c + "ste" }
        if c.hasSuffix("eins") { return c.dropLast(4) + "erste" }
        if c.hasSuffix("drei") { return c.dropLast(4) + "dritte" }
        if c.hasSuffix("sieben") { return c.dropLast(6) + "siebte" }
        if c.hasSuffix("acht") { return c + "e" }
        return c + "te"
    }

    // MARK: French

    static let frOnes = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
                         "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
    static let frTens = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante"]

    static func frBelow100(_ n: Int, final: Bool) -> String {
        if n < 20 { return frOnes[n] }
        let t = n / 10, u = n % 10
        switch t {
        case 2...6: return u == 0 ? frTens[t] : frTens[t] + (u == 1 ? " et un" : "-" + frOnes[u])
        case 7: return u == 1 ? "soixante et onze" : "soixante-" + frOnes[10 + u]
        case 8: return u == 0 ? (final ? "quatre-vingts" : "quatre-vingt") : "quatre-vingt-" + frOnes[u]
        default: return "quatre-vingt-" + frOnes[10 + u]
        }
    }

    static func frBelow1000(_ n: Int, final: Bool) -> String {
        let h = n / 100, r = n % 100
        guard h > 0 else { return frBelow100(r, final: final) }
        var s = h == 1 ? "cent" : frOnes[h] + " cent" + (r == 0 && final ? "s" : "")
        if r > 0 { s += " " + frBelow100(r, final: final) }
        return s
    }

    /// "mille deux cent trente-quatre", "deux millions", "quatre-vingt mille".
    static func french(_ n: UInt64) -> String {
        if n == 0 { return "zéro" }
        var parts: [String] = []
        let big: [(UInt64, String, String)] = [(1_000_000_000_000, "un billion", "billions"),
                                               (1_000_000_000, "un milliard", "milliards"),
                                               (1_000_000, "un million", "millions")]
        var m = n
        for (size, one, many) in big {
            let g = Int(m / size)
            m %= size
            if g == 1 { parts.append(one) } else if g > 1 { parts.append(frenchSmall(UInt64(g), final: true) + " " + many) }
        }
        if m > 0 { parts.append(frenchSmall(m, final: true)) }
        return parts.joined(separator: " ")
    }

    static func frenchSmall(_ n: UInt64, final: Bool) -> String {
        let t = Int(n / 1000), r = Int(n % 1000)
        var parts: [String] = []
        if t == 1 { parts.append("mille") } else if t > 1 { parts.append(frBelow1000(t, final: false) + " mille") }
        if r > 0 { parts.append(frBelow1000(r, final: final)) }
        return parts.joined(separator: " ")
    }

    /// "premier"/"première", "deuxième", "vingt et unième", "cinquième", "neuvième".
    static func frenchOrdinal(_ n: UInt64, feminine: Bool) -> String {
        if n == 1 { return feminine ? "première" : "premier" }
        var c = french(n)
        if c.hasSuffix("vingts") || c.hasSuffix("cents") { c.removeLast() }
        if c.hasSuffix("cinq") { return c + "uième" }
        if c.hasSuffix("neuf") { return c.dropLast() + "vième" }
        if c.hasSuffix("e") { return c.dropLast() + "ième" }
        return c + "ième"
    }

    /// The feminine of a French cardinal: a final "un" becomes "une" ("vingt et une").
    static func frenchFeminine(_ words: String) -> String {
        words == "un" || words.hasSuffix(" un") || words.hasSuffix("-un") ? words + "e" : words
    }

    // MARK: Spanish

    static let esSmall = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
                          "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve",
                          "veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis",
                          "veintisiete", "veintiocho", "veintinueve"]
    static let esTens = ["", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"]
    static let esHundreds = ["", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos",
                             "setecientos", "ochocientos", "novecientos"]

    static func esBelow100(_ n: Int) -> String {
        n < 30 ? esSmall[n] : esTens[n / 10] + (n % 10 > 0 ? " y " + esSmall[n % 10] : "")
    }

    static func esBelow1000(_ n: Int) -> String {
        let h = n / 100, r = n % 100
        if h == 1 && r == 0 { return "cien" }
        guard h > 0 else { return esBelow100(r) }
        return esHundreds[h] + (r > 0 ? " " + esBelow100(r) : "")
    }

    /// "mil doscientos treinta y cuatro", "veintiún mil", "dos millones", "mil millones".
    static func spanish(_ n: UInt64) -> String {
        if n == 0 { return "cero" }
        var parts: [String] = []
        let billions = n / 1_000_000_000_000, millions = (n / 1_000_000) % 1_000_000, rest = n % 1_000_000
        if billions == 1 { parts.append("un billón") } else if billions > 1 { parts.append(spanishApocope(spanishSmall(billions)) + " billones") }
        if millions == 1 { parts.append("un millón") } else if millions > 1 { parts.append(spanishApocope(spanishSmall(millions)) + " millones") }
        if rest > 0 { parts.append(spanishSmall(rest)) }
        return parts.joined(separator: " ")
    }

    static func spanishSmall(_ n: UInt64) -> String {
        let t = Int(n / 1000), r = Int(n % 1000)
        var parts: [String] = []
        if t == 1 { parts.append("mil") } else if t > 1 { parts.append(spanishApocope(esBelow1000(t)) + " mil") }
        if r > 0 { parts.append(esBelow1000(r)) }
        return parts.joined(separator: " ")
    }

    /// "uno" → "un", "veintiuno" → "veintiún" before a noun or "mil"/"millones".
    static func spanishApocope(_ words: String) -> String {
        if words.hasSuffix("veintiuno") { return words.dropLast(9) + "veintiún" }
        if words.hasSuffix("uno") { return String(words.dropLast()) }
        return words
    }

    /// "una", "veintiuna", "treinta y una" before a feminine noun.
    static func spanishFeminine(_ words: String) -> String {
        words.hasSuffix("uno") ? words.dropLast() + "a" : words
    }

    /// 1–100 as ordinals ("primero", "vigésimo primero", "decimotercero"); beyond, the cardinal.
    static func spanishOrdinal(_ n: UInt64, feminine: Bool) -> String {
        let units = ["", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno"]
        let tens = ["", "décimo", "vigésimo", "trigésimo", "cuadragésimo", "quincuagésimo", "sexagésimo", "septuagésimo",
                    "octogésimo", "nonagésimo"]
        let s: String
        switch n {
        case 0: s = "cero"
        case 1...9: s = units[Int(n)]
        case 11: s = "undécimo"
        case 12: s = "duodécimo"
        case 13...19: s = "decimo" + (n == 18 ? "ctavo" : units[Int(n) - 10])
        case 10...99: s = tens[Int(n) / 10] + (n % 10 > 0 ? " " + units[Int(n) % 10] : "")
        case 100: s = "centésimo"
        default: return spanish(n)
        }
        guard feminine else { return s }
        return s.split(separator: " ").map { $0.hasSuffix("o") ? $0.dropLast() + "a" : String($0) }.joined(separator: " ")
    }

    // MARK: Italian

    static let itOnes = ["zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci",
                         "undici", "dodici", "tredici", "quattordici", "quindici", "sedici", "diciassette", "diciotto", "diciannove"]
    static let itTens = ["", "", "venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta"]

    static func itBelow100(_ n: Int, final: Bool) -> String {
        if n < 20 { return itOnes[n] }
        let t = itTens[n / 10], u = n % 10
        switch u {
        case 0: return t
        case 1, 8: return t.dropLast() + itOnes[u]
        case 3: return t + (final ? "tré" : "tre")
        default: return t + itOnes[u]
        }
    }

    static func itBelow1000(_ n: Int, final: Bool) -> String {
        let h = n / 100, r = n % 100
        guard h > 0 else { return itBelow100(r, final: final) }
        let hundred = h == 1 ? "cento" : itOnes[h] + "cento"
        if r == 0 { return hundred }
        if r == 3 { return hundred + (final ? "tré" : "tre") }
        let rest = itBelow100(r, final: final)
        return (rest.hasPrefix("ott") ? String(hundred.dropLast()) : hundred) + rest
    }

    /// "milleduecentotrentaquattro", "due milioni trecentomila", "ventitré".
    static func italian(_ n: UInt64) -> String {
        if n == 0 { return "zero" }
        var parts: [String] = []
        let big: [(UInt64, String, String)] = [(1_000_000_000_000, "un bilione", "bilioni"),
                                               (1_000_000_000, "un miliardo", "miliardi"),
                                               (1_000_000, "un milione", "milioni")]
        var m = n
        for (size, one, many) in big {
            let g = Int(m / size)
            m %= size
            if g == 1 { parts.append(one) } else if g > 1 { parts.append(italianSmall(UInt64(g)) + " " + many) }
        }
        if m > 0 { parts.append(italianSmall(m)) }
        return parts.joined(separator: " ")
    }

    static func italianSmall(_ n: UInt64) -> String {
        let t = Int(n / 1000), r = Int(n % 1000)
        var s = ""
        if t == 1 { s = "mille" } else if t > 1 { s = itBelow1000(t, final: false) + "mila" }
        if r > 0 { s += itBelow1000(r, final: true) }
        return s
    }

    /// "primo"/"prima", "undicesimo", "ventitreesimo", "ventiseiesimo", "millesimo".
    static func italianOrdinal(_ n: UInt64, feminine: Bool) -> String {
        let small = ["zero", "primo", "secondo", "terzo", "quarto", "quinto", "sesto", "settimo", "ottavo", "nono", "decimo"]
        var s: String
        if n <= 10 {
            s = small[Int(n)]
        } else {
            let c = italian(n)
            if c.hasSuffix("tré") { s = c.dropLast() + "eesimo" }
            else if c.hasSuffix("sei") { s = c + "esimo" }
            else { s = c.dropLast() + "esimo" }
        }
        if feminine && s.hasSuffix("o") { s = s.dropLast() + "a" }
        return s
    }

    /// "una" for a final "uno" before a feminine noun; "un" before a masculine one.
    static func italianBeforeNoun(_ words: String, feminine: Bool) -> String {
        if words == "uno" { return feminine ? "una" : "un" }
        return words
    }
}
