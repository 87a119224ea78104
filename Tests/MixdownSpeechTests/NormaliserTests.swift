import Foundation
import Testing
@testable import MixdownSpeech

/// Text normalisation (docs/normalisation.md): each case is written by hand as an announcer
/// would read it — input, voice language, expected spoken form.
@Suite struct NormaliserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String, language: String, expected: String
        init(_ input: String, _ language: String, _ expected: String) {
            self.input = input; self.language = language; self.expected = expected
        }
        var testDescription: String { "[\(language)] \(input)" }
    }

    // MARK: English

    static let englishNumbers: [Case] = [
        Case("I have 5 apples.", "en-us", "I have five apples."),
        Case("0", "en-us", "zero"),
        Case("13", "en-us", "thirteen"),
        Case("21 guests", "en-us", "twenty-one guests"),
        Case("40", "en-us", "forty"),
        Case("90", "en-us", "ninety"),
        Case("100", "en-us", "one hundred"),
        Case("123", "en-us", "one hundred twenty-three"),
        Case("123", "en-gb", "one hundred and twenty-three"),
        Case("Room 101", "en-gb", "Room one hundred and one"),
        Case("999", "en-us", "nine hundred ninety-nine"),
        Case("1,234", "en-us", "one thousand two hundred thirty-four"),
        Case("1,005", "en-gb", "one thousand and five"),
        Case("1000", "en-us", "one thousand"),
        Case("3000 people", "en-us", "three thousand people"),
        Case("10000", "en-us", "ten thousand"),
        Case("12345", "en-us", "twelve thousand three hundred forty-five"),
        Case("1,000,000", "en-us", "one million"),
        Case("2,500,000", "en-us", "two million five hundred thousand"),
        Case("3,000,000,000", "en-us", "three billion"),
        Case("1,234,567,890", "en-us",
             "one billion two hundred thirty-four million five hundred sixty-seven thousand eight hundred ninety"),
        Case("3.14", "en-us", "three point one four"),
        Case("0.5", "en-us", "zero point five"),
        Case("-5", "en-us", "minus five"),
        Case("It was -12.5 today", "en-us", "It was minus twelve point five today"),
        Case("version 2.0.1", "en-us", "version two point zero point one"),
        Case("1, 2, 3", "en-us", "one, two, three"),
        Case("a 3-year plan", "en-us", "a three-year plan"),
        Case("2.5 million", "en-us", "two point five million"),
        Case("MP3", "en-us", "MP three"),
        Case("Pi is 3.14159.", "en-gb", "Pi is three point one four one five nine."),
    ]

    static let englishOrdinals: [Case] = [
        Case("1st", "en-us", "first"),
        Case("2nd", "en-us", "second"),
        Case("3rd", "en-us", "third"),
        Case("4th", "en-us", "fourth"),
        Case("11th", "en-us", "eleventh"),
        Case("12th", "en-us", "twelfth"),
        Case("13th", "en-us", "thirteenth"),
        Case("21st", "en-us", "twenty-first"),
        Case("22nd", "en-us", "twenty-second"),
        Case("30th", "en-us", "thirtieth"),
        Case("53rd", "en-us", "fifty-third"),
        Case("90th", "en-us", "ninetieth"),
        Case("100th", "en-us", "one hundredth"),
        Case("101st", "en-us", "one hundred first"),
        Case("101st", "en-gb", "one hundred and first"),
        Case("the 5th time", "en-us", "the fifth time"),
        Case("She came 2nd.", "en-gb", "She came second."),
    ]

    static let englishYears: [Case] = [
        Case("1999", "en-us", "nineteen ninety-nine"),
        Case("2000", "en-us", "two thousand"),
        Case("2005", "en-us", "two thousand five"),
        Case("2005", "en-gb", "two thousand and five"),
        Case("2026", "en-us", "twenty twenty-six"),
        Case("1905", "en-us", "nineteen oh five"),
        Case("1900", "en-gb", "nineteen hundred"),
        Case("2010", "en-us", "twenty ten"),
        Case("1100", "en-us", "eleven hundred"),
        Case("2099", "en-us", "twenty ninety-nine"),
        Case("In 1492 Columbus sailed.", "en-us", "In fourteen ninety-two Columbus sailed."),
        Case("2000 km", "en-us", "two thousand kilometers"),
        Case("1990s", "en-us", "nineteen nineties"),
        Case("the 80s", "en-us", "the eighties"),
        Case("the '60s", "en-gb", "the sixties"),
        Case("2000s", "en-us", "two thousands"),
        Case("1900s", "en-us", "nineteen hundreds"),
        Case("2010s", "en-gb", "twenty tens"),
        Case("1980's", "en-us", "nineteen eighties"),
        Case("in his 30s", "en-us", "in his thirties"),
    ]

    static let englishMoney: [Case] = [
        Case("$5", "en-us", "five dollars"),
        Case("$5.99", "en-us", "five dollars and ninety-nine cents"),
        Case("$1", "en-us", "one dollar"),
        Case("$1.01", "en-us", "one dollar and one cent"),
        Case("$0.50", "en-us", "fifty cents"),
        Case("$5.00", "en-us", "five dollars"),
        Case("$19.95", "en-us", "nineteen dollars and ninety-five cents"),
        Case("$1,000", "en-us", "one thousand dollars"),
        Case("99¢", "en-us", "ninety-nine cents"),
        Case("£3.50", "en-gb", "three pounds fifty"),
        Case("£1", "en-gb", "one pound"),
        Case("£0.99", "en-gb", "ninety-nine pence"),
        Case("€20", "en-gb", "twenty euros"),
        Case("¥500", "en-us", "five hundred yen"),
        Case("$2.5 million", "en-us", "two point five million dollars"),
        Case("$1.2bn", "en-us", "one point two billion dollars"),
        Case("$3m", "en-gb", "three million dollars"),
        Case("$5k", "en-us", "five thousand dollars"),
        Case("$100 million", "en-us", "one hundred million dollars"),
        Case("USD 40", "en-us", "forty US dollars"),
        Case("50 EUR", "en-gb", "fifty euros"),
        Case("$10-20", "en-us", "ten to twenty dollars"),
        Case("It costs $2026.", "en-us", "It costs two thousand twenty-six dollars."),
        Case("5%", "en-us", "five percent"),
        Case("5%", "en-gb", "five per cent"),
        Case("12.5 %", "en-us", "twelve point five percent"),
        Case("100%", "en-us", "one hundred percent"),
        Case("-3%", "en-us", "minus three percent"),
        Case("5-10%", "en-us", "five to ten percent"),
        Case("0.5%", "en-gb", "zero point five per cent"),
    ]

    static let englishDates: [Case] = [
        Case("10/12/2026", "en-us", "October twelfth, twenty twenty-six"),
        Case("10/12/2026", "en-gb", "the tenth of December twenty twenty-six"),
        Case("10/12/2026", "en", "the tenth of December twenty twenty-six"),
        Case("10/12", "en-us", "October twelfth"),
        Case("10/12", "en_GB", "the tenth of December"),
        Case("2026-12-06", "en-us", "December sixth, twenty twenty-six"),
        Case("2026-12-06", "en-gb", "the sixth of December twenty twenty-six"),
        Case("Dec 6", "en-us", "December sixth"),
        Case("Dec 6", "en-gb", "December the sixth"),
        Case("December 6th, 2026", "en-us", "December sixth, twenty twenty-six"),
        Case("December 6th, 2026", "en-gb", "December the sixth, twenty twenty-six"),
        Case("6 December 2026", "en-gb", "the sixth of December twenty twenty-six"),
        Case("6 December 2026", "en-us", "the sixth of December twenty twenty-six"),
        Case("on the 6th of December", "en-gb", "on the sixth of December"),
        Case("the 6th December", "en-gb", "the sixth of December"),
        Case("on 3 March", "en-gb", "on the third of March"),
        Case("25/12/2026", "en-us", "December twenty-fifth, twenty twenty-six"),
        Case("12/25/2026", "en-gb", "the twenty-fifth of December twenty twenty-six"),
        Case("06/12/26", "en-gb", "the sixth of December twenty twenty-six"),
        Case("Jan. 1", "en-us", "January first"),
        Case("Sept. 11", "en-us", "September eleventh"),
        Case("May 5", "en-us", "May fifth"),
        Case("open Jan.–Dec. daily", "en-us", "open January to December daily"),
        Case("Back in Jan. we met.", "en-gb", "Back in January we met."),
        Case("about 1/2 of them", "en-us", "about one half of them"),
        Case("3/4", "en-gb", "three quarters"),
        Case("open 24/7", "en-us", "open twenty-four seven"),
    ]

    static let englishTimes: [Case] = [
        Case("10:30", "en-us", "ten thirty"),
        Case("10:30am", "en-us", "ten thirty a m"),
        Case("10:30 p.m. tonight", "en-us", "ten thirty p m tonight"),
        Case("14:00", "en-gb", "fourteen hundred"),
        Case("9am", "en-us", "nine a m"),
        Case("12:00 noon", "en-us", "twelve noon"),
        Case("10:05", "en-us", "ten oh five"),
        Case("10:00", "en-gb", "ten o'clock"),
        Case("7:45 PM", "en-us", "seven forty-five p m"),
        Case("We open at 9 a.m.", "en-us", "We open at nine a m."),
        Case("9 a.m. sharp", "en-us", "nine a m sharp"),
        Case("00:00", "en-gb", "midnight"),
        Case("23:59", "en-gb", "twenty-three fifty-nine"),
        Case("11pm", "en-gb", "eleven p m"),
        Case("12pm", "en-us", "twelve p m"),
        Case("08:15", "en-gb", "eight fifteen"),
    ]

    static let englishPhones: [Case] = [
        Case("555-0123", "en-us", "five five five, oh one two three"),
        Case("(555) 123-4567", "en-us", "five five five, one two three, four five six seven"),
        Case("+1 555 123 4567", "en-us", "plus one, five five five, one two three, four five six seven"),
        Case("0800 123 456", "en-gb", "oh eight oh oh, one two three, four five six"),
        Case("555-123-4567", "en-us", "five five five, one two three, four five six seven"),
        Case("1-800-555-0199", "en-us", "one, eight oh oh, five five five, oh one nine nine"),
        Case("+44 20 7946 0958", "en-gb", "plus four four, two oh, seven nine four six, oh nine five eight"),
        Case("Call 555-0123 now.", "en-us", "Call five five five, oh one two three now."),
    ]

    static let englishUnits: [Case] = [
        Case("1 km", "en-gb", "one kilometre"),
        Case("1 km", "en-us", "one kilometer"),
        Case("5 km", "en-us", "five kilometers"),
        Case("5 km", "en-gb", "five kilometres"),
        Case("5km", "en-us", "five kilometers"),
        Case("2.5 kg", "en-us", "two point five kilograms"),
        Case("1 kg", "en-us", "one kilogram"),
        Case("100 m", "en-us", "one hundred meters"),
        Case("30 cm", "en-gb", "thirty centimetres"),
        Case("5 mm", "en-us", "five millimeters"),
        Case("200 g", "en-us", "two hundred grams"),
        Case("50 mg", "en-us", "fifty milligrams"),
        Case("1 lb", "en-us", "one pound"),
        Case("10 lbs", "en-us", "ten pounds"),
        Case("8 oz", "en-us", "eight ounces"),
        Case("60 mph", "en-us", "sixty miles per hour"),
        Case("100 km/h", "en-gb", "one hundred kilometres per hour"),
        Case("80 kph", "en-us", "eighty kilometers per hour"),
        Case("25°C", "en-gb", "twenty-five degrees Celsius"),
        Case("-5 °C", "en-gb", "minus five degrees Celsius"),
        Case("1°C", "en-gb", "one degree Celsius"),
        Case("98.6°F", "en-us", "ninety-eight point six degrees Fahrenheit"),
        Case("500 ml", "en-gb", "five hundred millilitres"),
        Case("2 l", "en-us", "two liters"),
        Case("1.5 L", "en-gb", "one point five litres"),
        Case("16 GB", "en-us", "sixteen gigabytes"),
        Case("512 MB", "en-us", "five hundred twelve megabytes"),
        Case("64 kB", "en-us", "sixty-four kilobytes"),
        Case("2 TB", "en-us", "two terabytes"),
        Case("44.1 kHz", "en-us", "forty-four point one kilohertz"),
        Case("50 Hz", "en-gb", "fifty hertz"),
        Case("60 W", "en-us", "sixty watts"),
        Case("3 kW", "en-us", "three kilowatts"),
        Case("230 V", "en-gb", "two hundred and thirty volts"),
        Case("6 ft", "en-us", "six feet"),
        Case("1 ft", "en-us", "one foot"),
        Case("The screen is 12 in. wide", "en-us", "The screen is twelve inches wide"),
        Case("The screen is 12 in.", "en-us", "The screen is twelve inches."),
        Case("5 ft 11 in", "en-us", "five feet eleven inches"),
        Case("I was 5 in the queue", "en-gb", "I was five in the queue"),
        Case("in 5 minutes", "en-us", "in five minutes"),
    ]

    static let englishRanges: [Case] = [
        Case("10-12", "en-us", "ten to twelve"),
        Case("pages 5–7", "en-us", "pages five to seven"),
        Case("1990–1995", "en-us", "nineteen ninety to nineteen ninety-five"),
        Case("10 – 20", "en-gb", "ten to twenty"),
        Case("3-5 km", "en-us", "three to five kilometers"),
        Case("ages 18-25", "en-us", "ages eighteen to twenty-five"),
    ]

    static let englishWords: [Case] = [
        Case("Dr. Smith", "en-us", "Doctor Smith"),
        Case("Dr Who", "en-gb", "Doctor Who"),
        Case("Mr. Jones", "en-us", "Mister Jones"),
        Case("Mr Jones", "en-gb", "Mister Jones"),
        Case("Mrs. Brown", "en-us", "Missus Brown"),
        Case("Ms. Green", "en-us", "Miz Green"),
        Case("Prof. Brown", "en-gb", "Professor Brown"),
        Case("Mr. and Mrs. Smith", "en-us", "Mister and Missus Smith"),
        Case("St. Paul's Cathedral", "en-gb", "Saint Paul's Cathedral"),
        Case("Visit St. Ives", "en-gb", "Visit Saint Ives"),
        Case("the St. Lawrence river", "en-us", "the Saint Lawrence river"),
        Case("He lives on Baker St. in London.", "en-gb", "He lives on Baker Street in London."),
        Case("Meet me on Baker St.", "en-gb", "Meet me on Baker Street."),
        Case("St Andrews", "en-gb", "Saint Andrews"),
        Case("Drive to Mulholland Dr.", "en-us", "Drive to Mulholland Drive."),
        Case("on Fifth Ave. today", "en-us", "on Fifth Avenue today"),
        Case("Abbey Rd. studios", "en-gb", "Abbey Road studios"),
        Case("Martin Luther King Jr. Day", "en-us", "Martin Luther King Junior Day"),
        Case("Mt. Everest", "en-gb", "Mount Everest"),
        Case("fruit, e.g. apples", "en-us", "fruit, for example apples"),
        Case("the best, i.e. ours", "en-us", "the best, that is ours"),
        Case("cats vs. dogs", "en-us", "cats versus dogs"),
        Case("approx. 5 km", "en-us", "approximately five kilometers"),
        Case("pens, paper, etc.", "en-us", "pens, paper, et cetera."),
        Case("no. 5", "en-us", "number five"),
        Case("No. 10 Downing Street", "en-gb", "number ten Downing Street"),
        Case("No. I won't.", "en-gb", "No. I won't."),
        Case("Tom & Jerry", "en-us", "Tom and Jerry"),
        Case("R&D", "en-us", "R and D"),
        Case("AT&T", "en-us", "AT and T"),
        Case("#1", "en-us", "number one"),
        Case("the #5 hit", "en-us", "the number five hit"),
        Case("#hashtag", "en-us", "#hashtag"),
        Case("2 + 2", "en-us", "two plus two"),
        Case("Call 911.", "en-us", "Call nine one one."),
        Case("It ended 3:1.", "en-gb", "It ended three to one."),
        Case("2026/12/06", "en-gb", "the sixth of December twenty twenty-six"),
        Case("salt + pepper", "en-gb", "salt plus pepper"),
        Case("Henry VIII", "en-gb", "Henry the Eighth"),
        Case("Elizabeth II", "en-gb", "Elizabeth the Second"),
        Case("Chapter IV", "en-us", "Chapter four"),
        Case("Part III", "en-us", "Part three"),
        Case("World War II", "en-us", "World War two"),
    ]

    static let englishWeb: [Case] = [
        Case("www.mixdown.fm", "en-us", "w w w dot mixdown dot f m"),
        Case("https://example.com/offers", "en-us", "example dot com slash offers"),
        Case("Visit www.mixdown.fm.", "en-gb", "Visit w w w dot mixdown dot f m."),
        Case("http://www.bbc.co.uk", "en-gb", "w w w dot bbc dot co dot u k"),
        Case("example.com", "en-us", "example dot com"),
        Case("https://mixdown.fm/", "en-us", "mixdown dot f m"),
        Case("https://example.com/spring-sale", "en-us", "example dot com slash spring dash sale"),
        Case("hello@mixdown.fm", "en-us", "hello at mixdown dot f m"),
        Case("Write to info@example.com.", "en-gb", "Write to info at example dot com."),
        Case("first.last@example.org", "en-us", "first dot last at example dot org"),
    ]

    /// Prose with nothing to read differently comes back byte for byte.
    static let englishUnchanged: [Case] = [
        Case("The quick brown fox jumps over the lazy dog.", "en-us", "The quick brown fox jumps over the lazy dog."),
        Case("NASA and the BBC answered the FAQ.", "en-gb", "NASA and the BBC answered the FAQ."),
        Case("DIY tips, for you!", "en-us", "DIY tips, for you!"),
        Case("Is it raining? Yes, it is!", "en-us", "Is it raining? Yes, it is!"),
        Case("May I help?", "en-us", "May I help?"),
        Case("No, thanks.", "en-gb", "No, thanks."),
        Case("I am here; you are there.", "en-us", "I am here; you are there."),
        Case("He said: \"well-known\" — and left…", "en-us", "He said: \"well-known\" — and left…"),
    ]

    static let englishMixed: [Case] = [
        Case("On 10/12/2026 at 10:30am, 5% of 1,200 people paid $5.99.", "en-us",
             "On October twelfth, twenty twenty-six at ten thirty a m, five percent of one thousand two hundred people paid five dollars and ninety-nine cents."),
        Case("Doors open at 7pm; tickets cost £12.", "en-gb", "Doors open at seven p m; tickets cost twelve pounds."),
        Case("Call (555) 123-4567 or visit www.mixdown.fm today.", "en-us",
             "Call five five five, one two three, four five six seven or visit w w w dot mixdown dot f m today."),
        Case("It's 25°C in London.", "en-gb", "It's twenty-five degrees Celsius in London."),
        Case("Say [[h@'loU]] to 5 friends.", "en-us", "Say [[h@'loU]] to five friends."),
    ]

    static var english: [Case] {
        englishNumbers + englishOrdinals + englishYears + englishMoney + englishDates + englishTimes + englishPhones
            + englishUnits + englishRanges + englishWords + englishWeb + englishUnchanged + englishMixed
    }

    // MARK: German

    static let german: [Case] = [
        Case("5", "de-DE", "fünf"),
        Case("1", "de", "eins"),
        Case("21", "de", "einundzwanzig"),
        Case("101", "de", "einhunderteins"),
        Case("100", "de", "einhundert"),
        Case("1.234", "de", "eintausendzweihundertvierunddreißig"),
        Case("1.234,5", "de", "eintausendzweihundertvierunddreißig Komma fünf"),
        Case("10.000", "de", "zehntausend"),
        Case("3,14", "de", "drei Komma eins vier"),
        Case("1.000.000", "de", "eine Million"),
        Case("2.000.000", "de", "zwei Millionen"),
        Case("-7", "de", "minus sieben"),
        Case("1999", "de", "neunzehnhundertneunundneunzig"),
        Case("2026", "de", "zweitausendsechsundzwanzig"),
        Case("Im Jahr 1989 fiel die Mauer.", "de", "Im Jahr neunzehnhundertneunundachtzig fiel die Mauer."),
        Case("5 €", "de", "fünf Euro"),
        Case("5,99 €", "de", "fünf Euro neunundneunzig"),
        Case("€5", "de", "fünf Euro"),
        Case("$5", "de", "fünf Dollar"),
        Case("1 €", "de", "ein Euro"),
        Case("0,99 €", "de", "neunundneunzig Cent"),
        Case("£3", "de", "drei Pfund"),
        Case("5 %", "de", "fünf Prozent"),
        Case("12,5 %", "de", "zwölf Komma fünf Prozent"),
        Case("1 %", "de", "ein Prozent"),
        Case("am 3. Dezember", "de", "am dritten Dezember"),
        Case("der 1. Mai", "de", "der erste Mai"),
        Case("3. Dezember 2026", "de", "dritter Dezember zweitausendsechsundzwanzig"),
        Case("06.12.2026", "de", "sechster Dezember zweitausendsechsundzwanzig"),
        Case("am 06.12.2026", "de", "am sechsten Dezember zweitausendsechsundzwanzig"),
        Case("Am 24.12. ist Heiligabend.", "de", "Am vierundzwanzigsten Dezember ist Heiligabend."),
        Case("Der 2. Platz", "de", "Der zweite Platz"),
        Case("zum 3. Mal", "de", "zum dritten Mal"),
        Case("14:30", "de", "vierzehn Uhr dreißig"),
        Case("14:30 Uhr", "de", "vierzehn Uhr dreißig"),
        Case("um 14.30 Uhr", "de", "um vierzehn Uhr dreißig"),
        Case("1 Uhr", "de", "ein Uhr"),
        Case("9:05", "de", "neun Uhr fünf"),
        Case("14:00", "de", "vierzehn Uhr"),
        Case("5 km", "de", "fünf Kilometer"),
        Case("25 °C", "de", "fünfundzwanzig Grad Celsius"),
        Case("1 Stunde", "de", "eine Stunde"),
        Case("10-12", "de", "zehn bis zwölf"),
        Case("z.B. Äpfel", "de", "zum Beispiel Äpfel"),
        Case("Dr. Müller", "de", "Doktor Müller"),
        Case("Nr. 5", "de", "Nummer fünf"),
        Case("Tom & Jerry", "de", "Tom und Jerry"),
        Case("www.beispiel.de", "de", "w w w Punkt beispiel Punkt d e"),
        Case("info@beispiel.de", "de", "info ät beispiel Punkt d e"),
        Case("+49 30 1234567", "de", "plus vier neun, drei null, eins zwei drei vier fünf sechs sieben"),
        Case("Das Spiel endete 3:1.", "de", "Das Spiel endete drei zu eins."),
        Case("Die 90er", "de", "Die neunziger"),
        Case("1. FC Köln", "de", "1. FC Köln"),
        Case("Guten Morgen, wie geht es Ihnen?", "de", "Guten Morgen, wie geht es Ihnen?"),
    ]

    // MARK: French

    static let french: [Case] = [
        Case("5", "fr", "cinq"),
        Case("21", "fr", "vingt et un"),
        Case("71", "fr", "soixante et onze"),
        Case("80", "fr", "quatre-vingts"),
        Case("81", "fr", "quatre-vingt-un"),
        Case("99", "fr", "quatre-vingt-dix-neuf"),
        Case("200", "fr", "deux cents"),
        Case("201", "fr", "deux cent un"),
        Case("1 234,5", "fr", "mille deux cent trente-quatre virgule cinq"),
        Case("1\u{202F}234,5", "fr-FR", "mille deux cent trente-quatre virgule cinq"),
        Case("1\u{00A0}000", "fr", "mille"),
        Case("80 000", "fr", "quatre-vingt mille"),
        Case("2 000 000", "fr", "deux millions"),
        Case("1 000 000", "fr", "un million"),
        Case("3,14", "fr", "trois virgule quatorze"),
        Case("1999", "fr", "mille neuf cent quatre-vingt-dix-neuf"),
        Case("2026", "fr", "deux mille vingt-six"),
        Case("1er", "fr", "premier"),
        Case("1re", "fr", "première"),
        Case("2e", "fr", "deuxième"),
        Case("3ème", "fr", "troisième"),
        Case("21e", "fr", "vingt et unième"),
        Case("le 1er mai", "fr", "le premier mai"),
        Case("5 €", "fr", "cinq euros"),
        Case("5,99 €", "fr", "cinq euros quatre-vingt-dix-neuf"),
        Case("1 €", "fr", "un euro"),
        Case("€5", "fr", "cinq euros"),
        Case("$5", "fr", "cinq dollars"),
        Case("0,50 €", "fr", "cinquante centimes"),
        Case("5\u{00A0}%", "fr", "cinq pour cent"),
        Case("06/12/2026", "fr", "six décembre deux mille vingt-six"),
        Case("01/05/2026", "fr", "premier mai deux mille vingt-six"),
        Case("14h30", "fr", "quatorze heures trente"),
        Case("14:30", "fr", "quatorze heures trente"),
        Case("1h", "fr", "une heure"),
        Case("21h05", "fr", "vingt et une heures cinq"),
        Case("12h", "fr", "douze heures"),
        Case("-3", "fr", "moins trois"),
        Case("10-12", "fr", "dix à douze"),
        Case("5 km", "fr", "cinq kilomètres"),
        Case("1 km", "fr", "un kilomètre"),
        Case("1 heure", "fr", "une heure"),
        Case("M. Dupont", "fr", "Monsieur Dupont"),
        Case("Mme Martin", "fr", "Madame Martin"),
        Case("n° 5", "fr", "numéro cinq"),
        Case("06 12 34 56 78", "fr", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"),
        Case("Le XXe siècle", "fr", "Le vingtième siècle"),
        Case("François Ier", "fr", "François premier"),
        Case("Le chat de Me Dupont.", "fr", "Le chat de Me Dupont."),
        Case("Bonjour, comment allez-vous ?", "fr", "Bonjour, comment allez-vous ?"),
    ]

    // MARK: Spanish

    static let spanish: [Case] = [
        Case("5", "es", "cinco"),
        Case("1", "es", "uno"),
        Case("16", "es", "dieciséis"),
        Case("21", "es", "veintiuno"),
        Case("22", "es", "veintidós"),
        Case("31", "es", "treinta y uno"),
        Case("100", "es", "cien"),
        Case("101", "es", "ciento uno"),
        Case("500", "es", "quinientos"),
        Case("1.000", "es-ES", "mil"),
        Case("1.234,5", "es", "mil doscientos treinta y cuatro coma cinco"),
        Case("21.000", "es", "veintiún mil"),
        Case("1.000.000", "es", "un millón"),
        Case("2.000.000", "es", "dos millones"),
        Case("3,14", "es", "tres coma catorce"),
        Case("1999", "es", "mil novecientos noventa y nueve"),
        Case("2026", "es", "dos mil veintiséis"),
        Case("1º", "es", "primero"),
        Case("1ª", "es", "primera"),
        Case("2º", "es", "segundo"),
        Case("3ª", "es", "tercera"),
        Case("10º", "es", "décimo"),
        Case("el 1.º de mayo", "es", "el primero de mayo"),
        Case("21 años", "es", "veintiún años"),
        Case("1 persona", "es", "una persona"),
        Case("5 €", "es", "cinco euros"),
        Case("5,99 €", "es", "cinco euros con noventa y nueve"),
        Case("1 €", "es", "un euro"),
        Case("$5", "es", "cinco dólares"),
        Case("0,50 €", "es", "cincuenta céntimos"),
        Case("5 %", "es", "cinco por ciento"),
        Case("06/12/2026", "es", "seis de diciembre de dos mil veintiséis"),
        Case("14:30", "es", "catorce y treinta"),
        Case("a las 9:05", "es", "a las nueve y cinco"),
        Case("1:15", "es", "una y quince"),
        Case("14:00", "es", "catorce horas"),
        Case("-4", "es", "menos cuatro"),
        Case("10-12", "es", "diez a doce"),
        Case("5 km", "es", "cinco kilómetros"),
        Case("Sr. García", "es", "señor García"),
        Case("25 °C", "es", "veinticinco grados Celsius"),
        Case("nº 5", "es", "número cinco"),
        Case("¿Dónde está la estación?", "es", "¿Dónde está la estación?"),
    ]

    // MARK: Italian

    static let italian: [Case] = [
        Case("5", "it", "cinque"),
        Case("1", "it", "uno"),
        Case("21", "it", "ventuno"),
        Case("23", "it", "ventitré"),
        Case("28", "it", "ventotto"),
        Case("100", "it", "cento"),
        Case("108", "it", "centotto"),
        Case("1.000", "it", "mille"),
        Case("2.000", "it", "duemila"),
        Case("1.234,5", "it", "milleduecentotrentaquattro virgola cinque"),
        Case("1.000.000", "it", "un milione"),
        Case("3.000.000", "it", "tre milioni"),
        Case("3,14", "it", "tre virgola quattordici"),
        Case("1999", "it", "millenovecentonovantanove"),
        Case("2026", "it-IT", "duemilaventisei"),
        Case("1º", "it", "primo"),
        Case("1ª", "it", "prima"),
        Case("11º", "it", "undicesimo"),
        Case("23º", "it", "ventitreesimo"),
        Case("il 1° maggio", "it", "il primo maggio"),
        Case("1 gennaio", "it", "primo gennaio"),
        Case("5 €", "it", "cinque euro"),
        Case("5,99 €", "it", "cinque euro e novantanove"),
        Case("1 €", "it", "un euro"),
        Case("$5", "it", "cinque dollari"),
        Case("0,50 €", "it", "cinquanta centesimi"),
        Case("5 %", "it", "cinque per cento"),
        Case("06/12/2026", "it", "sei dicembre duemilaventisei"),
        Case("01/05/2026", "it", "primo maggio duemilaventisei"),
        Case("14:30", "it", "quattordici e trenta"),
        Case("alle 14.30", "it", "alle quattordici e trenta"),
        Case("9:05", "it", "nove e cinque"),
        Case("-2", "it", "meno due"),
        Case("5 km", "it", "cinque chilometri"),
        Case("1 km", "it", "un chilometro"),
        Case("1 settimana", "it", "una settimana"),
        Case("Sig. Rossi", "it", "signor Rossi"),
        Case("25 °C", "it", "venticinque gradi Celsius"),
        Case("pane, latte, ecc.", "it", "pane, latte, eccetera."),
        Case("Buongiorno, come sta?", "it", "Buongiorno, come sta?"),
    ]

    static var all: [Case] { english + german + french + spanish + italian }

    // MARK: Tables

    @Test(arguments: english) func englishReadings(_ c: Case) {
        #expect(TextNormaliser.normalise(c.input, language: c.language) == c.expected)
    }

    @Test(arguments: german) func germanReadings(_ c: Case) {
        #expect(TextNormaliser.normalise(c.input, language: c.language) == c.expected)
    }

    @Test(arguments: french) func frenchReadings(_ c: Case) {
        #expect(TextNormaliser.normalise(c.input, language: c.language) == c.expected)
    }

    @Test(arguments: spanish) func spanishReadings(_ c: Case) {
        #expect(TextNormaliser.normalise(c.input, language: c.language) == c.expected)
    }

    @Test(arguments: italian) func italianReadings(_ c: Case) {
        #expect(TextNormaliser.normalise(c.input, language: c.language) == c.expected)
    }

    @Test func tableSizes() {
        #expect(Self.english.count >= 200)
        for table in [Self.german, Self.french, Self.spanish, Self.italian] { #expect(table.count >= 30) }
    }

    // MARK: Invariants

    @Test func plainProseIsUnchanged() {
        let prose = """
            Once upon a time, in a small village by the sea, there lived an old fisherman and his wife. \
            Every morning he rowed out beyond the rocks; every evening she waited at the door, watching \
            the light fade over the water. "Will you come back?" she asked, as she always did. \
            He smiled — and said nothing at all.

            NASA, the BBC and the FAQ page agree: it's a DIY job (mostly).
            """
        for language in ["en-us", "en-gb", "en", "de", "fr", "es", "it"] {
            #expect(TextNormaliser.normalise(prose, language: language) == prose, "\(language)")
        }
    }

    @Test func otherLanguagesAreUnchanged() {
        let text = "Am 06.12.2026 um 14:30 kostet es 5,99 € (5%)."
        for language in ["nl", "pt-BR", "ja", "", "x"] {
            #expect(TextNormaliser.normalise(text, language: language) == text)
        }
    }

    @Test(arguments: all) func idempotent(_ c: Case) {
        let once = TextNormaliser.normalise(c.input, language: c.language)
        #expect(TextNormaliser.normalise(once, language: c.language) == once)
    }

    @Test func phonemeBlocksAreUntouched() {
        let text = "Pay $5 to [[5 dOl@z 10/12/2026 Dr. 3.14]] on 10/12 and [[unclosed 42"
        let out = TextNormaliser.normalise(text, language: "en-us")
        #expect(out == "Pay five dollars to [[5 dOl@z 10/12/2026 Dr. 3.14]] on October twelfth and [[unclosed 42")
        #expect(TextNormaliser.normalise("[[1 2 3]]", language: "de") == "[[1 2 3]]")
    }

    @Test func longMixedInputNormalisesQuickly() {
        var generator = SplitMix(seed: 20261206)
        let pieces = ["word", "the", "5", "3.14", "$5.99", "10/12/2026", "10:30am", "555-0123", "5 km", "1990s", "Dr.", "St.",
                      "e.g.", "www.mixdown.fm", "a@b.com", "&", "+", "-", "–", "#", "%", "1,234", "2026-12-06", "12", "(", ")",
                      "[[x]]", "[[", "]]", "°C", "¢", "€", "£", "'", ".", ",", "\n", "1st", "IV", "Henry", "0800", "+44", "1.2.3",
                      "9", "99", "1234567890123456789", "::", "//", "..", "-5", "Jan.", "Dec", "6th"]
        // 100 kB of pieces glued together a third of the time (no crash, linear time), and the
        // first 20 kB of them separated by spaces (also a fixed point).
        var glued = "", spaced = ""
        while glued.utf8.count < 100_000 {
            let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
            glued += piece + (generator.next() % 3 == 0 ? "" : " ")
            if spaced.utf8.count < 20_000 { spaced += piece + " " }
        }
        for language in ["en-us", "en-gb", "de", "fr", "es", "it"] {
            let start = ContinuousClock.now
            let out = TextNormaliser.normalise(glued, language: language)
            let elapsed = ContinuousClock.now - start
            #expect(!out.isEmpty)
            // A debug build; release builds are many times faster (docs/normalisation.md).
            #expect(elapsed < .seconds(10), "\(language): \(elapsed)")
            let once = TextNormaliser.normalise(spaced, language: language)
            #expect(TextNormaliser.normalise(once, language: language) == once, "\(language): not idempotent")
        }
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: say-as

    struct SayAsCase: CustomTestStringConvertible, Sendable {
        let text: String, interpretAs: String, format: String?, language: String, expected: String?
        init(_ text: String, _ interpretAs: String, _ format: String? = nil, _ language: String = "en-us", expect expected: String?) {
            self.text = text; self.interpretAs = interpretAs; self.format = format; self.language = language; self.expected = expected
        }
        var testDescription: String { "\(interpretAs)(\(format ?? "-")) [\(language)] \(text)" }
    }

    static let sayAsCases: [SayAsCase] = [
        SayAsCase("1999", "cardinal", expect: "one thousand nine hundred ninety-nine"),
        SayAsCase("1,234", "cardinal", expect: "one thousand two hundred thirty-four"),
        SayAsCase("-3", "cardinal", expect: "minus three"),
        SayAsCase("1.234,5", "cardinal", nil, "de", expect: "eintausendzweihundertvierunddreißig Komma fünf"),
        SayAsCase("3", "ordinal", expect: "third"),
        SayAsCase("21st", "ordinal", expect: "twenty-first"),
        SayAsCase("3", "ordinal", nil, "fr", expect: "troisième"),
        SayAsCase("1", "ordinal", nil, "it", expect: "primo"),
        SayAsCase("ABC", "characters", expect: "A B C"),
        SayAsCase("a1b", "characters", expect: "a one b"),
        SayAsCase("R2D2", "characters", nil, "de", expect: "R zwei D zwei"),
        SayAsCase("123", "digits", expect: "one two three"),
        SayAsCase("2026", "digits", nil, "fr", expect: "deux zéro deux six"),
        SayAsCase("007", "digits", nil, "en-gb", expect: "zero zero seven"),
        SayAsCase("555-0123", "telephone", expect: "five five five, oh one two three"),
        SayAsCase("+44 20 7946 0958", "telephone", nil, "en-gb", expect: "plus four four, two oh, seven nine four six, oh nine five eight"),
        SayAsCase("06 12 34 56 78", "telephone", nil, "fr", expect: "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"),
        SayAsCase("10/12/2026", "date", "mdy", "en-gb", expect: "the twelfth of October twenty twenty-six"),
        SayAsCase("10/12/2026", "date", "dmy", "en-us", expect: "December tenth, twenty twenty-six"),
        SayAsCase("2026-12-06", "date", "ymd", "en-us", expect: "December sixth, twenty twenty-six"),
        SayAsCase("12/2026", "date", "my", "en-us", expect: "December twenty twenty-six"),
        SayAsCase("1999", "date", "y", "en-us", expect: "nineteen ninety-nine"),
        SayAsCase("06.12.2026", "date", nil, "de", expect: "sechster Dezember zweitausendsechsundzwanzig"),
        SayAsCase("06/12", "date", "dm", "es", expect: "seis de diciembre"),
        SayAsCase("10:30", "time", expect: "ten thirty"),
        SayAsCase("10:30pm", "time", expect: "ten thirty p m"),
        SayAsCase("14h30", "time", nil, "fr", expect: "quatorze heures trente"),
        SayAsCase("10:30:15", "time", nil, "en-gb", expect: "ten thirty and fifteen seconds"),
        SayAsCase("$5.99", "currency", expect: "five dollars and ninety-nine cents"),
        SayAsCase("USD 40", "currency", expect: "forty US dollars"),
        SayAsCase("5,99 €", "currency", nil, "de", expect: "fünf Euro neunundneunzig"),
        SayAsCase("40 EUR", "currency", nil, "it", expect: "quaranta euro"),
        SayAsCase("hello", "expletive", expect: nil),
        SayAsCase("12", "fraction", expect: nil),
    ]

    @Test(arguments: sayAsCases) func sayAs(_ c: SayAsCase) {
        #expect(TextNormaliser.sayAs(c.text, interpretAs: c.interpretAs, format: c.format, detail: nil, language: c.language) == c.expected)
    }
}
