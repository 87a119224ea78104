import Foundation
import MixdownCore
import MixdownScript
import MixdownSpeech
import MixdownTestSupport
import Testing

/// Pronunciation lexicons: PLS files, matching words in text, and IPA ↔ espeak-ng mnemonics.
@Suite struct LexiconTests {
    let folder = TemporaryFolder()

    static let head = #"<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">"# + "\n"

    static let goodFile = """
        <?xml version="1.0" encoding="UTF-8"?>
        <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
                 alphabet="ipa" xml:lang="en-GB">
          <meta name="author" content="Mixdown"/>
          <!-- Names -->
          <lexeme>
            <grapheme>Nguyen</grapheme>
            <grapheme>Nguyễn</grapheme>
            <phoneme>ŋwiən</phoneme>
          </lexeme>
          <lexeme>
            <grapheme>Mixdown</grapheme>
            <alias>mix down</alias>
          </lexeme>
          <lexeme>
            <grapheme>tomato</grapheme>
            <phoneme alphabet="x-espeak">t@m'A:toU</phoneme>
            <phoneme prefer="true">təˈmɑːtəʊ</phoneme>
          </lexeme>
          <lexeme>
            <grapheme>R&amp;D</grapheme>
            <alias><![CDATA[research & development]]></alias>
          </lexeme>
        </lexicon>
        """

    // MARK: PLS

    @Test func aGoodFileGivesOneEntryPerGrapheme() throws {
        let entries = try PLSReader.entries(xml: Self.goodFile, origin: "names.pls")
        #expect(entries == [
            LexiconEntry(grapheme: "Nguyen", phoneme: "ŋwiən", alphabet: .ipa, language: "en-GB"),
            LexiconEntry(grapheme: "Nguyễn", phoneme: "ŋwiən", alphabet: .ipa, language: "en-GB"),
            LexiconEntry(grapheme: "Mixdown", alias: "mix down", language: "en-GB"),
            LexiconEntry(grapheme: "tomato", phoneme: "təˈmɑːtəʊ", alphabet: .ipa, language: "en-GB"),
            LexiconEntry(grapheme: "R&D", alias: "research & development", language: "en-GB"),
        ])
        // A phoneme element's own alphabet overrides the lexicon's.
        let espeak = try PLSReader.entries(xml: Self.head + """
              <lexeme><grapheme>tomato</grapheme><phoneme alphabet="x-espeak">t@m'eItoU</phoneme></lexeme>
            </lexicon>
            """, origin: "f.pls")
        #expect(espeak == [LexiconEntry(grapheme: "tomato", phoneme: "t@m'eItoU", alphabet: .espeak, language: "en-US")])
        #expect(try Lexicon(entries).entries.count == 5)
    }

    @Test func aFileIsReadFromDiskAndAMissingOneIsOneLine() throws {
        let path = folder.file("names.pls")
        try Self.goodFile.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PLSReader.read(path: path).count == 5)
        #expect(throws: MixdownError.badInput("pronunciation lexicon \(folder.file("none.pls")): no such file")) {
            try PLSReader.read(path: folder.file("none.pls"))
        }
        #expect(throws: MixdownError.badInput("pronunciation lexicon \(folder.path): is a directory, not a file")) {
            try PLSReader.read(path: folder.path)
        }
    }

    /// Each mistake is one line: origin:line:col (of the element's `<`, or where the XML parser
    /// stopped), then what is wrong.
    @Test(arguments: [
        (LexiconTests.head + "  <lexeme>\n    <phoneme>a</phoneme>\n  </lexeme>\n</lexicon>", "f.pls:2:3: <lexeme> without a <grapheme>"),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>x</grapheme>\n  </lexeme>\n</lexicon>", "f.pls:2:3: <lexeme> without a <phoneme> or <alias>"),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>x</grapheme>\n    <phoneme alphabet=\"x-sampa\">a</phoneme>\n  </lexeme>\n</lexicon>",
         "f.pls:4:5: alphabet 'x-sampa' is not supported (ipa or x-espeak)"),
        ("<lexicon version=\"1.0\" xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\" alphabet=\"sampa\">\n</lexicon>",
         "f.pls:1:1: alphabet 'sampa' is not supported (ipa or x-espeak)"),
        ("<?xml version=\"1.0\"?>\n<speak version=\"1.0\">\n</speak>", "f.pls:2:1: the root element is <speak>, not <lexicon>"),
        ("<lexicon version=\"2.0\" xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\">\n</lexicon>",
         "f.pls:1:1: PLS version '2.0' is not supported (only 1.0)"),
        ("<lexicon xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\">\n</lexicon>", "f.pls:1:1: <lexicon> needs version=\"1.0\""),
        ("<lexicon version=\"1.0\">\n</lexicon>",
         "f.pls:1:1: <lexicon> must be in the PLS namespace: xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\""),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>x</grapheme>\n    <phoneme>a</phonme>\n  </lexeme>\n</lexicon>",
         "f.pls:4:24: the closing tag does not match the open element"),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>x &nbsp; y</grapheme>\n    <phoneme>a</phoneme>\n  </lexeme>\n</lexicon>",
         "f.pls:3:23: an unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#…; are allowed)"),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>x</grapheme>\n    <phoneme>a</phoneme>\n  </lexeme>\n",
         "f.pls:5:12: the document ends inside <lexicon>, which is never closed"),
        (LexiconTests.head + "</lexicon>\n<lexicon/>", "f.pls:3:1: text after the root element (or the document is incomplete)"),
        ("", "f.pls:1:1: not a pronunciation lexicon: no root element"),
        ("hello", "f.pls:1:1: not XML: the document is empty or starts with something other than '<'"),
        ("<!DOCTYPE lexicon [<!ENTITY a 'b'>]>\n<lexicon/>",
         "f.pls:1:1: a document type declaration (<!DOCTYPE …>) is not allowed in a pronunciation lexicon"),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>  </grapheme>\n    <alias>a</alias>\n  </lexeme>\n</lexicon>", "f.pls:3:5: empty <grapheme>"),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>x</grapheme>\n    <alias></alias>\n  </lexeme>\n</lexicon>", "f.pls:4:5: empty <alias>"),
        (LexiconTests.head + "  <lexeme a='1' a='2'>\n    <grapheme>x</grapheme>\n    <alias>a</alias>\n  </lexeme>\n</lexicon>",
         "f.pls:2:22: an attribute is given twice"),
        (LexiconTests.head + "  <word>\n  </word>\n</lexicon>", "f.pls:2:3: unexpected element <word> in <lexicon>"),
        (LexiconTests.head + "  <lexeme>\n    <grapheme>x</grapheme>\n    <sound>a</sound>\n  </lexeme>\n</lexicon>",
         "f.pls:4:5: unexpected element <sound> in <lexeme>"),
    ])
    func aMalformedFileIsOneLine(xml: String, message: String) {
        #expect(throws: MixdownError(.badInput, message)) { try PLSReader.entries(xml: xml, origin: "f.pls") }
        do { _ = try PLSReader.entries(xml: xml, origin: "f.pls") } catch let e as MixdownError {
            #expect(e.message == message)
            #expect(e.code == .invalidProduction)
        } catch { Issue.record("not a MixdownError: \(error)") }
    }

    /// Windows line ends count one line each, as in the parser.
    @Test func crlfLineEndsCountOnce() {
        let xml = (Self.head + "  <lexeme>\n    <grapheme>a</grapheme>\n    <alias>b</alias>\n  </lexeme>\n  <lexeme>\n    <grapheme>x</grapheme>\n  </lexeme>\n</lexicon>")
            .replacingOccurrences(of: "\n", with: "\r\n")
        #expect(throws: MixdownError(.badInput, "f.pls:6:3: <lexeme> without a <phoneme> or <alias>")) {
            try PLSReader.entries(xml: xml, origin: "f.pls")
        }
    }

    /// Character references and CDATA are text like any other.
    @Test func referencesAndCDATAAreText() throws {
        let xml = Self.head + "<lexeme><grapheme>caf&#233; &#xE9;t&lt;&gt;&quot;&apos;</grapheme><alias><![CDATA[a & b]]></alias></lexeme></lexicon>"
        #expect(try PLSReader.entries(xml: xml, origin: "f") == [LexiconEntry(grapheme: "café ét<>\"'", alias: "a & b", language: "en-US")])
    }

    // MARK: Scoping

    @Test func aFileLanguageScopesItsEntriesToThatLanguagesVoices() throws {
        let british = try Lexicon(PLSReader.entries(xml: Self.goodFile, origin: "gb.pls"))
        #expect(british.applying(language: "en-gb", voice: "en-gb").entries.count == 5)
        #expect(british.applying(language: "en_GB", voice: "en-gb-x-rp").entries.count == 5)
        #expect(british.applying(language: "en-us", voice: "en-us").isEmpty)
        #expect(british.applying(language: "en", voice: "en").isEmpty)
        let german = try Lexicon(PLSReader.entries(xml: """
            <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="de">
              <lexeme><grapheme>Straße</grapheme><phoneme>ˈʃtʁaːsə</phoneme></lexeme>
            </lexicon>
            """, origin: "de.pls"))
        #expect(german.applying(language: "de-DE", voice: "de_DE-thorsten-medium").entries.count == 1)
        #expect(german.applying(language: "de", voice: "de").entries.count == 1)
        #expect(german.applying(language: "en-us", voice: "en-us").isEmpty)
        // A prefix counts at a subtag boundary only.
        let en = try Lexicon([LexiconEntry(grapheme: "a", alias: "b", language: "en")])
        #expect(!en.applying(language: "en-US", voice: "x").isEmpty)
        #expect(en.applying(language: "eng", voice: "x").isEmpty)
    }

    @Test func aVoiceEntryAppliesToThatVoiceOnly() throws {
        let lexicon = try Lexicon([
            LexiconEntry(grapheme: "Anna", alias: "Ahna", voice: "en_GB-alba-medium"),
            LexiconEntry(grapheme: "Bob", alias: "Robert"),
        ])
        let alba = lexicon.applying(language: "en-GB", voice: "en_GB-alba-medium")
        #expect(alba.apply(to: "Anna and Bob") == [.text("Ahna and Robert")])
        let other = lexicon.applying(language: "en-GB", voice: "en-gb")
        #expect(other.apply(to: "Anna and Bob") == [.text("Anna and Robert")])
    }

    // MARK: Matching

    @Test func onlyWholeWordsMatch() throws {
        let lexicon = try Lexicon([LexiconEntry(grapheme: "Mixdown", phoneme: "mˈɪksdaʊn")])
        func matches(_ text: String) -> Int { lexicon.apply(to: text).filter { if case .phoneme = $0 { true } else { false } }.count }
        #expect(matches("Mixdown") == 1)
        #expect(matches("(Mixdown), \"Mixdown\"; Mixdown-made Mixdown.") == 4)
        // Plurals, possessives and longer words are other words: they need entries of their own.
        #expect(matches("Mixdowns Mixdown's remixdown Mixdown2 2Mixdown MixdownX") == 0)
        // An apostrophe that is not inside a word is a boundary.
        #expect(matches("'Mixdown' Mixdown'") == 2)
    }

    @Test func theLongestGraphemeWinsAndWhitespaceIsAnyRun() throws {
        let lexicon = try Lexicon([
            LexiconEntry(grapheme: "New", alias: "Noo"),
            LexiconEntry(grapheme: "New York", phoneme: "nuː ˈjɔːk"),
            LexiconEntry(grapheme: "New York City", alias: "the Big Apple"),
        ])
        #expect(lexicon.apply(to: "New York, New\n  York City and New Jersey.") == [
            .phoneme(grapheme: "New York", phoneme: "nuː ˈjɔːk", alphabet: .ipa),
            .text(", the Big Apple and Noo Jersey."),
        ])
        // Grapheme whitespace is any run too, and the grapheme's own ends are trimmed.
        let spaced = try Lexicon([LexiconEntry(grapheme: "  New \t York ", alias: "NYC")])
        #expect(spaced.apply(to: "New York") == [.text("NYC")])
    }

    @Test func caseIsIgnoredUnlessTheEntryIsCaseSensitive() throws {
        let lexicon = try Lexicon([
            LexiconEntry(grapheme: "US", alias: "United States", caseSensitive: true),
            LexiconEntry(grapheme: "nasa", alias: "NASA space agency"),
        ])
        #expect(lexicon.apply(to: "us and the US, Nasa and NASA") == [.text("us and the United States, NASA space agency and NASA space agency")])
    }

    @Test func diacriticsMatterAndTheFirstListedEntryWins() throws {
        let lexicon = try Lexicon([
            LexiconEntry(grapheme: "café", alias: "caff-ay"),
            LexiconEntry(grapheme: "Café", alias: "second"),
            LexiconEntry(grapheme: "cafe", alias: "caff"),
        ])
        #expect(lexicon.apply(to: "CAFÉ cafe café") == [.text("caff-ay caff caff-ay")])
    }

    @Test func eachGraphemeOfALexemeMatches() throws {
        let lexicon = try Lexicon(PLSReader.entries(xml: Self.goodFile, origin: "gb.pls"))
        #expect(lexicon.apply(to: "Nguyen, Nguyễn; R&D at Mixdown.") == [
            .phoneme(grapheme: "Nguyen", phoneme: "ŋwiən", alphabet: .ipa), .text(", "),
            .phoneme(grapheme: "Nguyễn", phoneme: "ŋwiən", alphabet: .ipa),
            .text("; research & development at mix down."),
        ])
    }

    @Test func piecesGiveTheTextBack() throws {
        let lexicon = try Lexicon([
            LexiconEntry(grapheme: "New York", phoneme: "nuː ˈjɔːk"),
            LexiconEntry(grapheme: "tomato", phoneme: "t@m'eItoU", alphabet: .espeak),
            LexiconEntry(grapheme: "C++", phoneme: "siː plʌs plʌs"),
        ])
        var random = SplitMix(seed: 7)
        let words = ["tomato", "Tomato", "tomatoes", "New", "York", "new", " ", "  ", "\n", ",", "'", "’", "C++", "C", "+", "é", "🎧", "don't", "\t", "\r\n"]
        for _ in 0..<300 {
            let text = (0..<Int(random.nextBits() % 30)).map { _ in words[Int(random.nextBits() % UInt64(words.count))] }.joined()
            let back = lexicon.apply(to: text).map { piece -> String in
                switch piece {
                case .text(let t): t
                case .phoneme(let g, _, _): g
                }
            }.joined()
            #expect(back == text)
        }
        #expect(lexicon.apply(to: "") == [])
        #expect(try Lexicon([]).apply(to: "abc") == [.text("abc")])
    }

    @Test(arguments: [
        (LexiconEntry(grapheme: "  ", alias: "x"), "lexicon entry 1 ('  '): the grapheme is empty"),
        (LexiconEntry(grapheme: "a"), "lexicon entry 1 ('a'): needs an alias or a phoneme"),
        (LexiconEntry(grapheme: "a", alias: "b", phoneme: "c"), "lexicon entry 1 ('a'): has both an alias and a phoneme; give one"),
        (LexiconEntry(grapheme: "a", alias: " "), "lexicon entry 1 ('a'): the alias is empty"),
        (LexiconEntry(grapheme: "a", phoneme: ""), "lexicon entry 1 ('a'): the phoneme is empty"),
        (LexiconEntry(grapheme: "a", phoneme: "a☃"), "lexicon entry 1 ('a'): IPA 'a☃': no espeak-ng phoneme for '☃' (U+2603)"),
        (LexiconEntry(grapheme: "a", phoneme: "a]]b", alphabet: .espeak),
         "lexicon entry 1 ('a'): x-espeak phonemes are ASCII mnemonics without brackets; ']' is not one"),
    ])
    func anEntryIsChecked(entry: LexiconEntry, message: String) {
        #expect(throws: MixdownError(.badInput, message)) { try Lexicon([entry]) }
    }

    /// 10,000 entries over 1 MB of text: correctness asserted, the time printed (release
    /// figure in the report, not asserted).
    @Test func manyEntriesOverALongText() throws {
        var entries = [LexiconEntry]()
        for i in 0..<10_000 {
            entries.append(i % 2 == 0 ? LexiconEntry(grapheme: "word\(i)", alias: "w\(i)")
                                      : LexiconEntry(grapheme: "word\(i) phrase", phoneme: "wɜːd"))
        }
        var text = ""
        var expectedPhonemes = 0
        var n = 0
        while text.utf8.count < 1 << 20 {
            let k = (n * 7919) % 20_000
            text += k % 2 == 1 && k < 10_000 ? "word\(k) phrase, " : "word\(k) and other text here. "
            if k % 2 == 1 && k < 10_000 { expectedPhonemes += 1 }
            n += 1
        }
        let clock = ContinuousClock()
        let start = clock.now
        let lexicon = try Lexicon(entries)
        let compiled = clock.now
        let pieces = lexicon.apply(to: text)
        let end = clock.now
        print("lexicon: 10,000 entries compiled in \(compiled - start); \(text.utf8.count) bytes matched in \(end - compiled)")
        #expect(pieces.filter { if case .phoneme = $0 { true } else { false } }.count == expectedPhonemes)
        if case .some(.text(let first)) = pieces.first { #expect(first.hasPrefix("w0 and other text here. ")) } else { Issue.record("no text first") }
    }

    // MARK: Phoneme alphabets

    @Test func ipaBecomesEspeakMnemonics() throws {
        let cases: [(String, String?, String)] = [
            ("təˈmeɪtoʊ", "en-us", "t@'meItoU"),
            ("təˈmɑːtəʊ", "en-GB", "t@'mA:toU"),
            ("ˈnjuː ˈjɔːk", nil, "'nju: 'jO:k"),
            ("nuː ˈjɔːɹk", "en-us", "nu: 'jO@k"),
            ("bɜːd bɝd", "en-us", "b3:d b3:d"),
            ("ˈwɔːtɚ", "en-us", "'wO:t3"),
            ("ˈbʌʔn̩ ˈlɪɾl̩", "en-us", "'bV?n- 'lIt#l-"),
            ("t͡ʃɜːt͡ʃ dʒʌdʒ ʃɪp ˈmɛʒə θɪŋ ðɪs", "en", "tS3:tS dZVdZ SIp 'mEZ@ TIN DIs"),
            ("ˌjuːnɪˈvɜːsɪti", "en", ",ju:nI'v3:sIti"),
            ("ˈsɒri ˈsɑɹi", "en-us", "'s0ri 'sA:ri"),
            ("nɪə skweə kjʊə", "en-gb", "ni@ skwe@ kjU@"),
            ("nɪɹ skwɛɹ kjʊɹ", "en-us", "ni@3 skwe@ kjU@"),
            ("aɪ ɔɪ aʊ eɪ", "en", "aI OI aU eI"),
            ("ˈʃtʁaːsə ˈbʏçɐ ˈʃøːn ˈhœlə ɪç ˈpfɛʁt ˈtsaɪt", "de", "'StrA:s@ 'byC3 'SY:n 'hWl@ IC 'pFErt 'tsaIt"),
            ("bɔ̃ʒuʁ ɛ̃ œ̃ ɑ̃ pø pœʁ ɥit ɲ", "fr", "bO~Zur E~ W~ A~ pY pWr j.it n^"),
            ("ˈpero ˈpeɾo θjeˈlo ˈaɣwa ˈkaʎe ˈniɲo xaˈmon ˈβeðo", "es", "'peR2o 'pero Tje'lo 'aQwa 'kal^e 'nin^o xa'mon 'BeDo"),
            ("ˈpittsa ˈdzukkero ˈɡatːo ˈfiʎʎo ˈɲokki ˈrɔsso", "it", "'pittsa 'dzukkeRo 'gat:o 'fil^l^o 'n^okki 'ROs|so"),
            ("lˈeːrɜ", "de", "l'e:R|3"),
        ]
        for (ipa, language, espeak) in cases {
            #expect(try PhonemeAlphabet.espeak(fromIPA: ipa, language: language) == espeak, "\(ipa) (\(language ?? "nil"))")
        }
        #expect(try PhonemeAlphabet.espeak(fromIPA: "ŋwiən") == "Nwi@n")
        #expect(throws: MixdownError.badInput("IPA 'x☃y': no espeak-ng phoneme for '☃' (U+2603)")) {
            try PhonemeAlphabet.espeak(fromIPA: "x☃y")
        }
    }

    @Test func espeakMnemonicsBecomeIPA() throws {
        #expect(PhonemeAlphabet.ipa(fromEspeak: "t@m'eItoU", language: "en-us") == "təmˈeɪtoʊ")
        #expect(PhonemeAlphabet.ipa(fromEspeak: "n'u: j'O@k", language: "en-us") == "nˈuː jˈɔːɹk")
        #expect(PhonemeAlphabet.ipa(fromEspeak: "t@m'A:toU", language: "en-gb") == "təmˈɑːtəʊ")
        #expect(PhonemeAlphabet.ipa(fromEspeak: "Str'A:s@", language: "de") == "ʃtrˈɑːsə")
        #expect(PhonemeAlphabet.ipa(fromEspeak: "bO~Z'ur", language: "fr") == "bɔ̃ʒˈuʁ")
        #expect(PhonemeAlphabet.ipa("t@m'A:toU", alphabet: .espeak, language: "en-GB") == "təmˈɑːtəʊ")
        #expect(PhonemeAlphabet.ipa("təˈmɑːtəʊ", alphabet: .ipa, language: "en-GB") == "təˈmɑːtəʊ")
        #expect(try PhonemeAlphabet.espeak("təˈmɑːtəʊ", alphabet: .ipa, language: "en-GB") == "t@'mA:toU")
        #expect(try PhonemeAlphabet.espeak("t@m'A:toU", alphabet: .espeak, language: "en-GB") == "t@m'A:toU")
    }

    /// The strongest check of the tables: espeak-ng's own IPA for a word, turned into
    /// mnemonics, spoken back by espeak-ng as `[[…]]`, gives the same IPA.
    @Test(arguments: [
        ("en-us", LexiconTests.englishWords), ("en-gb", LexiconTests.englishWords), ("de", LexiconTests.germanWords),
        ("fr", LexiconTests.frenchWords), ("es", LexiconTests.spanishWords), ("it", LexiconTests.italianWords),
    ])
    func espeakRoundTrip(voice: String, words: String) throws {
        let list = words.split(whereSeparator: \.isWhitespace).map { $0.replacingOccurrences(of: "_", with: " ") }
        let ipa = try espeakIPA(list, voice: voice)
        let mnemonics = try ipa.map { try PhonemeAlphabet.espeak(fromIPA: $0, language: voice) }
        let back = try espeakIPA(mnemonics.map { "[[\($0)]]" }, voice: voice)
        var exact = 0, stressOnly = [String](), different = [String]()
        func unstressed(_ s: String) -> String { s.filter { $0 != "ˈ" && $0 != "ˌ" } }
        for k in list.indices {
            if ipa[k] == back[k] { exact += 1 } else if unstressed(ipa[k]) == unstressed(back[k]) {
                stressOnly.append("\(list[k]): \(ipa[k]) → \(mnemonics[k]) → \(back[k])")
            } else { different.append("\(list[k]): \(ipa[k]) → \(mnemonics[k]) → \(back[k])") }
        }
        print("espeak round trip \(voice): \(exact) of \(list.count) exact; stress only: \(stressOnly); different: \(different)")
        #expect(different.isEmpty, "\(different)")
        #expect(stressOnly.count * 50 <= list.count, "\(stressOnly)")
    }

    /// espeak-ng's IPA for each line (one sentence per line, so one line out per line in).
    func espeakIPA(_ lines: [String], voice: String) throws -> [String] {
        let input = folder.file("in-\(voice)-\(UUID().uuidString).txt")
        try lines.map { $0 + ".\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        let result = try Tools.run("espeak-ng", ["-q", "--ipa", "-v", voice, "-f", input])
        let out = result.stdout.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
        try #require(result.status == 0 && out.count == lines.count, "espeak-ng -v \(voice): \(result.stderr) \(out.count) lines for \(lines.count)")
        return out
    }

    static let englishWords = """
        tomato water thought bird butter hour cure near square nation church judge vision singing button little bottle
        cat bed sit see fun cup put food father lot cloth north force start nurse letter comma happy face price choice mouth goat
        thin this sing ship measure yes we red light hat zoo visit very have think beige orange hello world university
        beautiful computer phone telephone garden morning evening language music theatre center colour favourite schedule
        tomorrow yesterday family people government important question answer example different another because through
        although enough rhythm psychology knowledge island castle honest heir anxious luxury exit sugar ocean special
        machine chemistry character photograph photography economy economic mountain fountain curtain certain captain
        mirror hurry sorry borrow carry marry merry Mary weird fire flower tower lawyer employer player prayer mayor
        quiet science piano radio video studio area idea theory reality ability library february probably particularly
        squirrel girl whirl pearl earl oil boy joy toy noise voice coin point join poison royal loyal
        usual casual genre garage massage prestige treasure leisure azure division decision television
        thumb thermometer breathe bathe clothes months sixth twelfth strengths length width depth
        kitten written sudden cotton often listen fasten whistle uh-oh
        apple table middle battle metal medal petal pedal total
        better matter ladder shutter wedding writer rider latter New_York thank_you_very_much
        """
    static let germanWords = """
        ich auch Buch Bücher schön Hölle müde Mütter rot Straße Zeit Pferd Vater Mutter Kinder Wasser Tag Nacht Milch Apfel
        Häuser Leute Eier Wetter Sprache Mädchen Zug Jahr Lehrer Uhr Garten Fenster Tür Stadt Erde Vogel Fisch Brot Käse
        Fräulein Bäume Jäger schwer Büro Ärger über Öl China Chemie Pfennig Quatsch Yacht Regen König Brücke Mönch Löwe
        Tschüss Dschungel Bayern Europa heute Stühle lächeln
        """
    static let frenchWords = """
        bonjour merci pain vin un brun bon blanc chat rouge fille montagne oui huit lune peu peur fleur beurre deux jour
        garçon enfant maison château soleil travail champagne parler frère sœur œuf grenouille oiseau école cheval
        grand voiture bien gens juin lui parfum cœur nœud gagner hier pays fenêtre théâtre ville aujourd'hui Paris Renault Peugeot
        """
    static let spanishWords = """
        perro pero caro carro casa cielo zapato llave calle niño año jamón gente hijo agua dedo lago nada bueno cerveza
        ciudad corazón mañana España guitarra queso leche ocho fuego huevo rey hoy muy
        yo llamar gracias jugar reloj Xavier México cuatro cinco siete azul verde feliz caballo ayer playa Valencia
        """
    static let italianWords = """
        ciao grazie gnocchi figlio famiglia pizza zucchero mezzo casa rosso bello cane gatto chiesa giorno gelato sciarpa
        pesce luce notte buono piede uomo tre sole cuore acqua ragazzo vino strada perché
        gli sbagliato sci ghiaccio aiuola Giuseppe quattro zio chiave sugo gnomo aglio cappuccino spaghetti Roma Firenze
        """
}
