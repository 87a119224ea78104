import Foundation
import MixdownCore
import Testing
@testable import MixdownScript
@testable import MixdownSpeech

/// A speech item's SSML as runs (SpeechMarkup), the lexicon and normaliser over them
/// (SpokenForm), and the text and SSML each kind of engine is given (DirectedEngine).
@Suite struct SpeechMarkupTests {
    /// The markup as the script parser writes it for this script text.
    static func markup(_ script: String) throws -> (text: String, markup: String?) {
        let parsed = try ScriptParser.parse(ScriptSource(text: script, origin: "t"), variables: [:])
        guard case .speech(let text, _, _, _) = parsed.sections[0].items[0].kind else { throw MixdownError.failure("no speech") }
        return (text, parsed.sections[0].items[0].markup)
    }

    static func runs(_ script: String, lexicon: [LexiconEntry] = [], normalise: Bool = true, language: String = "en-us") throws -> SpokenForm.Prepared {
        let (text, markup) = try markup(script)
        return SpokenForm.prepare(text: text, markup: markup, language: language, lexicon: try Lexicon(lexicon), normalise: normalise)
    }

    @Test func plainTextIsOneNeutralRun() throws {
        let p = try Self.runs("Hello there, friend.")
        #expect(p.runs == [SpeechRun(pieces: [.text("Hello there, friend.")])])
        #expect(p.ignored.isEmpty)
    }

    @Test func prosodyMakesRunsWithRelativeSettings() throws {
        let p = try Self.runs(#"Hello <prosody rate="80%" pitch="+20%" volume="+6dB">there</prosody> friend <emphasis level="strong">now</emphasis>."#)
        #expect(p.runs.count == 4)   // the full stop joins the emphasis before it
        #expect(p.runs[1].prosody == Prosody(rate: 0.8, pitch: 1.2, volumeDb: 6))
        #expect(p.runs[3].prosody == Prosody(rate: 0.88, pitch: 1.06, volumeDb: 3))
        #expect(p.runs.map(\.graphemeText).joined().split(separator: " ").joined(separator: " ") == "Hello there friend now.")
        #expect(SpokenForm.spokenText(p.runs, input: nil) == "Hello there friend now.")
    }

    @Test("prosody values", arguments: [
        ("x-slow", 0.6), ("slow", 0.8), ("fast", 1.25), ("80%", 0.8), ("+10%", 1.1), ("-25%", 0.75), ("1.5", 1.5),
    ])
    func rates(value: String, rate: Double) {
        #expect(SpeechMarkup.rate(value).map { abs($0 - rate) < 1e-9 } == true)
    }

    @Test func pitchesAndVolumes() {
        #expect(SpeechMarkup.pitch("+2st").map { abs($0 - pow(2, 2.0 / 12)) < 1e-9 } == true)
        #expect(SpeechMarkup.pitch("x-high") == 1.2)
        #expect(SpeechMarkup.pitch("+300%") == nil)
        #expect(SpeechMarkup.volume("-3dB") == -3 && SpeechMarkup.volume("loud") == 4 && SpeechMarkup.volume("+90dB") == nil)
    }

    @Test func whatCannotBeHonouredIsNamedAndSpokenAsWritten() throws {
        let p = try Self.runs(#"Call <say-as interpret-as="vxml:number">12</say-as> at <prosody rate="warp">once</prosody>."#)
        #expect(p.ignored == [#"say-as interpret-as="vxml:number""#, #"prosody rate="warp""#])
        #expect(SpokenForm.spokenText(p.runs, input: nil) == "Call twelve at once.")
    }

    @Test func sayAsSubAndPhonemeBecomeWordsAndPhonemes() throws {
        let p = try Self.runs(#"Dial <say-as interpret-as="telephone">555-0123</say-as>, ask for <sub alias="Doctor Smith">Dr S</sub>, say <phoneme alphabet="ipa" ph="təˈmɑːtoʊ">tomato</phoneme>."#)
        #expect(p.ignored.isEmpty)
        let text = SpokenForm.spokenText(p.runs, input: .ipa)
        #expect(text == "Dial five five five, oh one two three, ask for Doctor Smith, say [[təˈmɑːtoʊ]].", "\(text)")
        // An engine without phoneme input says the word as written.
        #expect(SpokenForm.spokenText(p.runs, input: nil).hasSuffix("say tomato."))
        #expect(SpokenForm.engineText(p.runs[0], input: nil).unhonoured)
        // espeak-ng gets its own mnemonics.
        let espeak = SpokenForm.spokenText(p.runs, input: .espeak)
        #expect(espeak.hasSuffix("say [[\(try PhonemeAlphabet.espeak(fromIPA: "təˈmɑːtoʊ"))]]."), "\(espeak)")
    }

    @Test func theLexiconAppliesBeforeTheNormaliser() throws {
        let entries = [LexiconEntry(grapheme: "3M", alias: "three M"), LexiconEntry(grapheme: "Nguyen", phoneme: "ŋwiən")]
        let p = try Self.runs("3M pays $5 to Nguyen.", lexicon: entries)
        #expect(SpokenForm.spokenText(p.runs, input: .ipa) == "three M pays five dollars to [[ŋwiən]].", "\(SpokenForm.spokenText(p.runs, input: .ipa))")
        let off = try Self.runs("3M pays $5 to Nguyen.", lexicon: entries, normalise: false)
        #expect(SpokenForm.spokenText(off.runs, input: nil) == "three M pays $5 to Nguyen.")
    }

    /// Lexicon entries and the normaliser reach inside personalised values: a name from the
    /// audience is taught like any word of the script.
    @Test func theLexiconAppliesInsidePersonalisedValues() throws {
        let parsed = try ScriptParser.parse(ScriptSource(text: "Hello {{name}}, you saved {{amount}}.", origin: "t"),
                                            variables: ["name": "Nguyen", "amount": "$5"])
        guard case .speech(let text, _, _, _) = parsed.sections[0].items[0].kind else { throw MixdownError.failure("no speech") }
        let p = SpokenForm.prepare(text: text, markup: parsed.sections[0].items[0].markup, language: "en-us",
                                   lexicon: try Lexicon([LexiconEntry(grapheme: "Nguyen", phoneme: "ŋwiən")]), normalise: true)
        #expect(SpokenForm.spokenText(p.runs, input: .ipa) == "Hello [[ŋwiən]], you saved five dollars.", "\(SpokenForm.spokenText(p.runs, input: .ipa))")
    }

    /// espeak-ng reads the runs back as SSML: relative prosody in percentages, text escaped.
    @Test func ssmlForEngineThatReadIt() throws {
        let p = try Self.runs(#"Fish & chips <prosody rate="slow" volume="+6dB">today</prosody>."#)
        let relative = p.runs.map(\.prosody)
        let ssml = DirectedEngine.ssml(p.runs, relative: relative, input: .espeak)
        #expect(ssml == #"Fish and chips <prosody rate="80%" volume="200%">today.</prosody>"#, "\(ssml)")
    }

    @Test("voice languages", arguments: [
        ("en-us", "en-us"), ("en-us+f3", "en-us"), ("en-gb-x-rp", "en-gb"), ("en_US-joe-medium", "en-US"), ("de", "de"),
        ("pico-de-DE", "de-DE"), ("hibari-heart", "en-US"),
    ])
    func languages(voice: String, language: String) {
        #expect(SpokenForm.language(ofVoice: voice) == language)
    }

    /// Words reported for phoneme brackets take the grapheme back.
    @Test func phonemeWordsKeepTheirGrapheme() {
        let runs = [SpeechRun(pieces: [.text("Ask for "), .phoneme(grapheme: "Nguyen", phoneme: "ŋwiən", alphabet: .ipa), .text(" today.")])]
        let words = [SpeechClip.Word(text: "Ask", start: 0, end: 1), .init(text: "for", start: 1, end: 2), .init(text: "[[ŋwiən]]", start: 2, end: 3),
                     .init(text: "today.", start: 3, end: 4)]
        #expect(DirectedEngine.graphemes(words, runs: runs).map(\.text) == ["Ask", "for", "Nguyen", "today."])
    }
}
