import Foundation
import MixdownCore
import MixdownIO
import MixdownSpeech
import MixdownTestSupport
import Testing

/// Directing speech on every engine, through the CLI (docs/speech.md "Directing speech",
/// docs/lexicons.md, docs/normalisation.md): lexicon aliases and phonemes, SSML prosody and
/// breaks, normalisation, a cast of speakers, voices that are not installed. Every case checks
/// in the report that the engine asked for is the engine that spoke: a fallback fails it.
@Suite(.serialized) struct DirectionTests {
    let folder = TemporaryFolder()

    /// The engines, each with a voice `make deps` installs, and the engine name the report gives.
    static let voices: [(voice: String, engine: String)] = [
        ("en-us", "espeak-ng"), ("en_US-joe-medium", "piper"), ("hibari-heart", "hibari"), ("pico-en-US", "pico"),
    ]
    static let engines = voices + [("pico-de-DE", "pico")]
    static let voiceIDs = voices.map(\.voice)
    static func engine(of voice: String) -> String { engines.first { $0.voice == voice }?.engine ?? "espeak-ng" }

    struct Rendered {
        var run: Tools.Result
        var report: [String: Any]
        var speech: [Float]
        var items: [[String: Any]] {
            (report["sections"] as? [[String: Any]] ?? []).flatMap { $0["items"] as? [[String: Any]] ?? [] }
        }
        var speechItems: [[String: Any]] { items.filter { $0["kind"] as? String == "speech" } }
        var warnings: [[String: Any]] { report["warnings"] as? [[String: Any]] ?? [] }
        func length(_ item: [String: Any]) -> Int { (item["endSample"] as? Int ?? 0) - (item["startSample"] as? Int ?? 0) }
        func audio(_ item: [String: Any]) -> ArraySlice<Float> {
            let s = item["startSample"] as? Int ?? 0, e = min(item["endSample"] as? Int ?? 0, speech.count)
            return speech[min(s, e)..<e]
        }
    }

    /// Renders a production (the script and keys given) and reads its report and speech stem.
    func render(_ name: String, script: String, _ keys: [String: Any] = [:], expectSuccess: Bool = true, extra: [String] = []) throws -> Rendered {
        var production = keys
        production["scriptText"] = script
        production["endFormat"] = ["wav"]
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: folder.file("\(name).json")))
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("\(name).json"), "-o", folder.file("\(name).wav"), "--report", folder.file("\(name)-r.json"),
                                                "--stems", folder.file("\(name)-stems")] + extra,
                                environment: ["MIXDOWN_CACHE": folder.file("cache")])
        guard expectSuccess else { return Rendered(run: run, report: [:], speech: []) }
        try #require(run.status == 0, "\(name): \(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("\(name)-r.json")))) as? [String: Any] ?? [:]
        let speech = try AudioFileReader.read(folder.file("\(name)-stems/speech.wav")).audio.channels[0]
        let rendered = Rendered(run: run, report: report, speech: speech)
        return rendered
    }

    /// Every speech item was spoken by the engine of `voice`, with that voice.
    func expectSpokenBy(_ r: Rendered, _ voice: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for item in r.speechItems {
            #expect(item["voice"] as? String == voice && item["engine"] as? String == Self.engine(of: voice),
                    "\(item["voice"] ?? "-") by \(item["engine"] ?? "-"), not \(voice) by \(Self.engine(of: voice))", sourceLocation: sourceLocation)
        }
    }

    @Test("an alias changes the spoken words and their timings", arguments: voiceIDs)
    func aliasChangesTheWords(voice: String) throws {
        let script = "<<sectionName::a>>Welcome to Mixdown."
        let plain = try render("plain", script: script, ["voice": voice])
        let taught = try render("alias", script: script, ["voice": voice, "lexicon": [["grapheme": "mixdown", "alias": "the mix down studio"]]])
        expectSpokenBy(plain, voice)
        expectSpokenBy(taught, voice)
        let item = try #require(taught.speechItems.first)
        #expect(item["text"] as? String == "Welcome to Mixdown.")
        #expect(item["spokenText"] as? String == "Welcome to the mix down studio.", "\(item["spokenText"] ?? "-")")
        let words = (item["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(words.count == 6, "\(words)")
        #expect((plain.speechItems.first?["words"] as? [[String: Any]])?.count == 3)
        // Three more words take time.
        #expect(Double(taught.length(item)) > Double(plain.length(plain.speechItems[0])) * 1.25)
    }

    /// An IPA entry reaches espeak-ng as its own mnemonics and Piper as IPA, in the text each
    /// engine is given (the report's spokenText), and changes what is heard.
    @Test("an IPA entry reaches the engine as phonemes", arguments: ["en-us", "en_US-joe-medium"])
    func ipaReachesTheEngine(voice: String) throws {
        let script = "<<sectionName::a>>Ask for Nguyen today."
        let ipa = "ŋwiən"
        let plain = try render("plain", script: script, ["voice": voice])
        let taught = try render("ipa", script: script, ["voice": voice, "lexicon": [["grapheme": "Nguyen", "phoneme": ipa, "alphabet": "ipa"]]])
        expectSpokenBy(taught, voice)
        let spoken = try #require(taught.speechItems.first?["spokenText"] as? String)
        let expected = voice == "en-us" ? try PhonemeAlphabet.espeak(fromIPA: ipa) : ipa
        #expect(spoken == "Ask for [[\(expected)]] today.", "\(spoken)")
        // The word keeps its written form in the timings.
        let words = (taught.speechItems.first?["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(words.contains("Nguyen"), "\(words)")
        #expect(PiperTests.difference(Array(plain.speech), Array(taught.speech)) > 0.3)
    }

    /// A PLS file whose lexicon is `xml:lang="en-GB"` applies to a British voice only.
    @Test func aPLSFileAppliesOnlyToItsLanguage() throws {
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-GB">
          <lexeme><grapheme>Mixdown</grapheme><alias>the mix down studio</alias></lexeme>
        </lexicon>
        """.write(toFile: folder.file("brand.pls"), atomically: true, encoding: .utf8)
        for (voice, applies) in [("en-gb", true), ("en-us", false)] {
            let r = try render("pls-\(voice)", script: "<<sectionName::a>>Welcome to Mixdown.", ["voice": voice, "lexicon": [folder.file("brand.pls")]])
            let spoken = r.speechItems.first?["spokenText"] as? String
            #expect(spoken == (applies ? "Welcome to the mix down studio." : "Welcome to Mixdown."), "\(voice): \(spoken ?? "-")")
        }
    }

    static let sentence = "Fresh coffee and warm bread, every single morning of the week."

    @Test("prosody rate 0.8 lengthens the span by 15 to 30 %", arguments: voiceIDs)
    func rateLengthens(voice: String) throws {
        let plain = try render("r1", script: "<<sectionName::a>>\(Self.sentence)", ["voice": voice])
        let slow = try render("r08", script: "<<sectionName::a>><prosody rate=\"80%\">\(Self.sentence)</prosody>", ["voice": voice])
        expectSpokenBy(slow, voice)
        let ratio = Double(slow.length(slow.speechItems[0])) / Double(plain.length(plain.speechItems[0]))
        #expect(ratio >= 1.15 && ratio <= 1.30, "\(voice): rate 0.8 made the span \(ratio)x as long")
        #expect(!slow.warnings.contains { $0["code"] as? String == "ssmlIgnored" })
    }

    @Test("prosody pitch +20 % raises the f0 by 10 to 30 % at the same length", arguments: voiceIDs)
    func pitchRaises(voice: String) throws {
        let plain = try render("p1", script: "<<sectionName::a>>\(Self.sentence)", ["voice": voice])
        let high = try render("p12", script: "<<sectionName::a>><prosody pitch=\"+20%\">\(Self.sentence)</prosody>", ["voice": voice])
        expectSpokenBy(high, voice)
        let f0 = try #require(Pitch.median(plain.audio(plain.speechItems[0]))), raised = try #require(Pitch.median(high.audio(high.speechItems[0])))
        #expect(raised / f0 >= 1.10 && raised / f0 <= 1.30, "\(voice): f0 \(f0) → \(raised) Hz")
        // The two are separate syntheses, and a Piper voice's durations vary from one to the
        // next (its duration predictor samples noise): 6 % was seen between two plain runs'
        // worth of variation, so 8 % bounds what pitch itself may add (nothing, by design).
        let lengths = Double(high.length(high.speechItems[0])) / Double(plain.length(plain.speechItems[0]))
        #expect(abs(lengths - 1) <= 0.08, "\(voice): pitch changed the length by \(lengths)x")
    }

    /// A break is exactly its time in the speech stem: silence between the two clips, which end
    /// and start on it.
    @Test("a 700 ms break is 700 ms in the stem", arguments: voiceIDs)
    func breakIsExact(voice: String) throws {
        let r = try render("b", script: "<<sectionName::a>>First we grind. <break time=\"700ms\"/> Then we brew.", ["voice": voice])
        expectSpokenBy(r, voice)
        let items = r.items
        try #require(items.count == 3)
        #expect(items[1]["kind"] as? String == "break" && r.length(items[1]) == 33_600)
        #expect(items[0]["endSample"] as? Int == items[1]["startSample"] as? Int && items[1]["endSample"] as? Int == items[2]["startSample"] as? Int)
        let gap = r.audio(items[1])
        // Only the speech chain's filters ring on from the clip before: under −50 dBFS, and gone
        // (under −100 dBFS) after 50 ms.
        #expect(gap.count == 33_600 && gap.allSatisfy { abs($0) < 0.003 }, "loudest in the break: \(gap.map { abs($0) }.max() ?? 0)")
        #expect(gap.dropFirst(2_400).allSatisfy { abs($0) < 1e-5 }, "loudest after 50 ms: \(gap.dropFirst(2_400).map { abs($0) }.max() ?? 0)")
        // Speech right up to it: the clips' own edges (10 ms margins) are all that is quiet.
        let before = r.audio(items[0]).suffix(1_440), after = r.audio(items[2]).prefix(1_440)
        #expect(before.contains { abs($0) > 1e-3 } && after.contains { abs($0) > 1e-3 })
    }

    @Test func normalisationIsReportedAndCanBeTurnedOff() throws {
        let script = "<<sectionName::a>>Only $5.99 until 10/12, call 555-0123."
        let on = try render("n1", script: script)
        #expect(on.speechItems.first?["spokenText"] as? String == "Only five dollars and ninety-nine cents until October twelfth, call five five five, oh one two three.",
                "\(on.speechItems.first?["spokenText"] ?? "-")")
        // The engine spoke the normalised words: its word timings are those words.
        let words = (on.speechItems.first?["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(words.count == 17 && words.prefix(4) == ["Only", "five", "dollars", "and"], "\(words)")
        let off = try render("n0", script: script, ["normalise": false])
        #expect(off.speechItems.first?["spokenText"] as? String == "Only $5.99 until 10/12, call 555-0123.")
        #expect(PiperTests.difference(on.speech, off.speech) > 0.3)
    }

    /// A German voice gets German readings and the entries scoped to German, not the English ones.
    @Test func aGermanVoiceGetsGermanReadingsAndEntries() throws {
        let r = try render("de", script: "<<sectionName::a>>Nur 5,99 € bis zum 24.12.2026, ab 9:30 Uhr. Mixdown sagt danke.",
                           ["voice": "pico-de-DE", "lexicon": [["grapheme": "Mixdown", "alias": "Mix Daun", "language": "de"],
                                                               ["grapheme": "Mixdown", "alias": "the mix down studio", "language": "en"]]])
        expectSpokenBy(r, "pico-de-DE")
        #expect(r.speechItems.first?["spokenText"] as? String
                == "Nur fünf Euro neunundneunzig bis zum vierundzwanzigsten Dezember zweitausendsechsundzwanzig, ab neun Uhr dreißig. Mix Daun sagt danke.",
                "\(r.speechItems.first?["spokenText"] ?? "-")")
    }

    /// A two-speaker script alternates voices line by line: each line's f0 and spectral
    /// centroid are its speaker's.
    @Test func aCastAlternatesVoices() throws {
        let script = """
        <<sectionName::talk>><<speaker::host>>Welcome back to the show.
        <<speaker::guest>>Thanks for having me here today.
        <<speaker::host>>So tell us about the new bakery.
        <<speaker::guest>>It opens on Monday morning at eight.
        """
        let r = try render("cast", script: script, ["cast": ["host": ["voice": "en_US-joe-medium"], "guest": ["voice": "hibari-heart"]]])
        let items = r.speechItems
        try #require(items.count == 4, "\(items.count) speech items")
        var f0 = [Double](), centroid = [Double]()
        for (i, item) in items.enumerated() {
            let host = i % 2 == 0
            #expect(item["speaker"] as? String == (host ? "host" : "guest"))
            #expect(item["voice"] as? String == (host ? "en_US-joe-medium" : "hibari-heart"))
            #expect(item["engine"] as? String == (host ? "piper" : "hibari"))
            f0.append(try #require(Pitch.median(r.audio(item))))
            centroid.append(Self.centroid(r.audio(item)))
        }
        for i in [0, 2] {
            #expect(f0[i + 1] > f0[i] * 1.3, "line \(i + 1): guest f0 \(f0[i + 1]) Hz against host \(f0[i]) Hz")
            #expect(centroid[i + 1] - centroid[i] > 300, "line \(i + 1): centroids \(centroid[i]) / \(centroid[i + 1]) Hz")
        }
        // An unknown speaker is an error at its tag.
        let bad = try render("cast-bad", script: "<<sectionName::a>><<speaker::hots>>Hello.", ["cast": ["host": ["voice": "en-us"]]], expectSuccess: false)
        #expect(bad.run.status == 1 && bad.run.stderrLines.count == 1 && bad.run.stderr.contains("1:19: unknown speaker 'hots' (did you mean 'host'?) (cast: host)"), "\(bad.run.stderr)")
    }

    /// The spectral centroid (Hz) of a stretch of speech, weighted by magnitude (RMS over
    /// frames), so that the bands over 1 kHz that tell voices apart count.
    static func centroid(_ x: ArraySlice<Float>) -> Double {
        let magnitude = Spectrum.power([Array(x)], frame: 4_096).map { $0.squareRoot() }
        let bin = 48_000.0 / 4_096
        let total = magnitude.reduce(0, +)
        return total > 0 ? magnitude.enumerated().reduce(0) { $0 + Double($1.offset) * bin * $1.element } / total : 0
    }

    /// A voice that is not installed: exit 1 naming the install step, nothing written; with
    /// `voiceFallback`, a warning and the fallback speaks; strictly, refused.
    @Test func aMissingVoiceIsAnErrorUnlessAFallbackIsListed() throws {
        let script = "<<sectionName::a>>Hello there."
        let missing = try render("m", script: script, ["voice": "en_GB-nobody-medium"], expectSuccess: false)
        #expect(missing.run.status == 1 && missing.run.stderrLines.count == 1 && missing.run.stderr.contains("voice 'en_GB-nobody-medium' is not installed"),
                "\(missing.run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("m.wav")))
        let fallback = try render("f", script: script, ["voice": "en_GB-nobody-medium", "voiceFallback": ["en-gb"]])
        expectSpokenBy(fallback, "en-gb")
        #expect(fallback.warnings.contains { $0["code"] as? String == "voiceFallback" && ($0["message"] as? String ?? "").contains("'en_GB-nobody-medium'") })
        #expect(fallback.run.stderr.contains("warning: voice 'en_GB-nobody-medium' is not installed here: spoken with 'en-gb' (voiceFallback)"), "\(fallback.run.stderr)")
        let strict = try render("s", script: script, ["voice": "en_GB-nobody-medium", "voiceFallback": ["en-gb"], "strict": true], expectSuccess: false)
        #expect(strict.run.status == 1 && strict.run.stderr.contains("strict: voice 'en_GB-nobody-medium' is not installed here"), "\(strict.run.stderr)")
    }

    /// SSML no engine reads (an unknown say-as) is spoken as written, with a warning.
    @Test func unhonouredMarkupIsAWarning() throws {
        let r = try render("u", script: "<<sectionName::a>>Call <say-as interpret-as=\"vxml:number\">12</say-as> now.")
        #expect(r.warnings.contains { $0["code"] as? String == "ssmlIgnored" && ($0["message"] as? String ?? "").contains("say-as interpret-as=\"vxml:number\"") },
                "\(r.warnings)")
        #expect(r.speechItems.first?["spokenText"] as? String == "Call twelve now.")
    }

    /// A command engine gets SSML in `{text}` only when its spec says `"ssml": true`; otherwise
    /// plain text, run by run (each call's text is what it was given).
    @Test func aCommandEngineGetsSSMLOnlyWhenItSaysSo() throws {
        let script = #"<<sectionName::a>>Fresh bread <prosody rate="80%">every morning</prosody>."#
        for ssml in [true, false] {
            let log = folder.file("calls-\(ssml).txt")
            let engine: [String: Any] = ["command": ["sh", "-c", #"printf '%s\n' "$1" >> "$2"; exec espeak-ng -m --stdout "$1""#, "sh", "{text}", log], "ssml": ssml]
            let r = try render("cmd-\(ssml)", script: script, ["speechEngine": engine])
            #expect(r.speechItems.first?["engine"] as? String == "command:sh")
            let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
            if ssml {
                #expect(calls == [#"<speak>Fresh bread <prosody rate="80%">every morning.</prosody></speak>"#], "\(calls)")
            } else {
                #expect(calls == ["Fresh bread", "every morning."], "\(calls)")
            }
        }
    }

    /// The example spot with every English neural voice: exactly 30.000 s as decoded from its
    /// MP3, at the streaming target (−14 LUFS) under its ceiling as ffmpeg measures it.
    @Test("the spot with each English neural voice", arguments: ["en_US-joe-medium", "hibari-heart"])
    func theSpotWithEachNeuralVoice(voice: String) throws {
        let spot = PiperTests.root.appendingPathComponent("Examples/spot30").path
        var production = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spot + "/spot.json"))) as? [String: Any] ?? [:]
        production["voice"] = voice
        production["scriptFile"] = spot + "/spot.txt"
        try JSONSerialization.data(withJSONObject: production).write(to: URL(fileURLWithPath: folder.file("spot.json")))
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("spot.json"), "-o", folder.file("spot.mp3"), "--report", folder.file("spot-r.json")],
                                environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("spot-r.json")))) as? [String: Any] ?? [:]
        let items = (report["sections"] as? [[String: Any]] ?? []).flatMap { $0["items"] as? [[String: Any]] ?? [] }.filter { $0["kind"] as? String == "speech" }
        #expect(!items.isEmpty && items.allSatisfy { $0["voice"] as? String == voice && $0["engine"] as? String == Self.engine(of: voice) })
        let mp3 = try Tools.ffmpegDecode(folder.file("spot.mp3"))
        #expect(mp3.frames == 30 * mp3.sampleRate, "\(mp3.frames) frames at \(mp3.sampleRate) Hz")
        let loudness = try Tools.ffmpegLoudness(folder.file("spot.mp3"))
        #expect(abs(loudness.integrated + 14) <= 0.5 && loudness.truePeak <= -0.9, "\(voice): \(loudness.integrated) LUFS, \(loudness.truePeak) dBTP")
    }
}
