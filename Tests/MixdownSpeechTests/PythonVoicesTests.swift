import Foundation
import MixdownCore
import MixdownDSP
import MixdownSpeech
import MixdownTestSupport
import Testing

/// hibari (`hibari-heart`) and SVOX Pico (`pico-LANG`) as `make deps` installs them into
/// .venv: each really speaks (its own engine, no fallback), at a plausible length, slower at
/// speed 0.8, higher at pitch 1.2 with the length kept, one word timing per word; and what a
/// missing package or an unknown id says. The derived word timings measured against Piper's
/// true alignments (docs/speech.md).
@Suite(.serialized) struct PythonVoicesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv/bin/python").path
    static let library = VoiceLibrary(piper: PiperLibrary(host: PythonHost(.piper, python: python),
                                                          folders: PiperLibrary.standardFolders(environment: [:], executable: root.appendingPathComponent(".build/release/mixdown").path).folders))

    /// A sentence of each language the voices speak, and its words.
    static let sentences = [
        "en": "Good morning, and welcome to a brand new day of fresh coffee and warm bread.",
        "de": "Guten Morgen, und willkommen zu einem neuen Tag mit frischem Kaffee und warmem Brot.",
        "fr": "Bonjour, et bienvenue dans une nouvelle journée avec du café frais et du pain chaud.",
        "es": "Buenos días, y bienvenidos a un nuevo día con café recién hecho y pan caliente.",
        "it": "Buongiorno, e benvenuti a una nuova giornata con caffè fresco e pane caldo.",
    ]

    static let voices = ["hibari-heart", "pico-en-US", "pico-en-GB", "pico-de-DE", "pico-fr-FR", "pico-es-ES", "pico-it-IT"]

    func engine(_ id: String) throws -> any SpeechEngine {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python), "run `make deps`: it installs hibari and Pico into .venv")
        #expect(try VoiceLibrary.check(id, in: Self.library))
        #expect(Self.library.pythonVoices.contains { $0.id == id }, "\(id) is not listed")
        return try #require(Self.library.engine(for: id), "\(id): no engine")
    }

    static func seconds(_ clip: SpeechClip) -> Double { Double(clip.audio.count) / Double(SampleTime.renderRate) }

    @Test(arguments: voices) func eachVoiceSpeaksWithItsOwnEngine(_ id: String) throws {
        let engine = try engine(id)
        if id.hasPrefix("hibari") { #expect(engine is HibariEngine && engine.identity.contains("hibari-tts 0.2.1")) }
        else { #expect(engine is PicoEngine && engine.identity.contains("ttspico 0.3.2")) }
        let language = String(id.split(separator: "-").dropFirst().first ?? "en").lowercased()
        let text = try #require(Self.sentences[language == "heart" ? "en" : language])
        let words = text.split(separator: " ").count
        let plain = try engine.synthesize(SpeechRequest(text: text, voice: id, speed: 1))
        // A plausible length: 0.2–0.6 s a word (about 100–300 words a minute).
        #expect(Self.seconds(plain) > Double(words) * 0.2 && Self.seconds(plain) < Double(words) * 0.6, "\(id): \(Self.seconds(plain)) s for \(words) words")
        // One timing per word of the text, in order, inside the clip.
        #expect(plain.words.map(\.text) == text.split(separator: " ").map(String.init))
        var previous = 0
        for w in plain.words {
            #expect(w.start >= previous && w.end >= w.start && w.end <= plain.audio.count, "\(id): \(w)")
            previous = w.start
        }
        // Speed 0.8: 15–35 % longer.
        let slow = try engine.synthesize(SpeechRequest(text: text, voice: id, speed: 0.8))
        let ratio = Self.seconds(slow) / Self.seconds(plain)
        #expect(ratio > 1.15 && ratio < 1.35, "\(id): speed 0.8 gave \(ratio)×")
        // Pitch 1.2: the fundamental 10–30 % higher, the length the same.
        let high = try engine.synthesize(SpeechRequest(text: text, voice: id, speed: 1, pitch: 1.2))
        #expect(high.audio.count == plain.audio.count)
        let f0 = try #require(Pitch.median(plain.audio[...])), f1 = try #require(Pitch.median(high.audio[...]))
        #expect(f1 / f0 > 1.1 && f1 / f0 < 1.3, "\(id): pitch 1.2 gave \(f0) → \(f1) Hz")
        // Peaks: how far over its loudness the clip peaks (docs/speech.md).
        let loudness = try #require(LoudnessProfile(AudioBuffer(sampleRate: SampleTime.renderRate, channels: [plain.audio]), weights: [1]).integrated)
        let peak = 20 * log10(Double(plain.audio.map { abs($0) }.max() ?? 0))
        #expect(peak - loudness < 22, "\(id): peaks \(peak - loudness) dB over the loudness")
        print("\(id): \(String(format: "%.2f", Self.seconds(plain))) s, speed 0.8 \(String(format: "%.3f", ratio))×, pitch 1.2 \(String(format: "%.3f", f1 / f0))×, peak−loudness \(String(format: "%.1f", peak - loudness)) dB")
    }

    /// Realtime factors (seconds of work per second of speech) after a first request has
    /// loaded the model; recorded in docs/speech.md.
    @Test func realtimeFactors() throws {
        let text = try #require(Self.sentences["en"]) + " " + "The library will be closed on Monday for maintenance, and it opens again on Tuesday at nine."
        for id in ["hibari-heart", "pico-en-US"] {
            let engine = try engine(id)
            _ = try engine.synthesize(SpeechRequest(text: "Warm up.", voice: id, speed: 1))
            let start = Date()
            let clip = try engine.synthesize(SpeechRequest(text: text, voice: id, speed: 1))
            let rtf = Date().timeIntervalSince(start) / Self.seconds(clip)
            print("\(id): realtime factor \(String(format: "%.3f", rtf)) (\(String(format: "%.2f", Self.seconds(clip))) s of speech)")
            #expect(rtf < 0.5)
        }
    }

    /// The same text gives the same audio from hibari (its noise has a fixed seed); Pico's
    /// samples differ from one call to the next in one process (its excitation carries
    /// state), its length does not. The cache makes every later render byte-identical.
    @Test func synthesisIsRepeatable() throws {
        let hibari = try engine("hibari-heart"), pico = try engine("pico-de-DE")
        let a = try hibari.synthesize(SpeechRequest(text: "Hello there, once more.", voice: "hibari-heart", speed: 1))
        let b = try hibari.synthesize(SpeechRequest(text: "Hello there, once more.", voice: "hibari-heart", speed: 1))
        let same = a.audio == b.audio
        #expect(same)
        let c = try pico.synthesize(SpeechRequest(text: "Hallo, noch einmal.", voice: "pico-de-DE", speed: 1))
        let d = try pico.synthesize(SpeechRequest(text: "Hallo, noch einmal.", voice: "pico-de-DE", speed: 1))
        #expect(c.audio.count == d.audio.count)
    }

    /// Pico's own markup in plain text stays text: `<speed level=30>` and `<speed level=300>`
    /// read as words take about as long (honoured, the first would take several times longer).
    @Test func picoReadsPlainTextAsText() throws {
        let engine = try engine("pico-en-US")
        func seconds(_ level: Int) throws -> Double {
            Self.seconds(try engine.synthesize(SpeechRequest(text: "a <speed level=\"\(level)\">slow words here</speed> c.", voice: "pico-en-US", speed: 1)))
        }
        let slow = try seconds(30), fast = try seconds(300)
        #expect(max(slow, fast) / min(slow, fast) < 1.3, "\(slow) s vs \(fast) s")
    }

    /// A hibari or Pico id without its package, an id neither engine has: one line each,
    /// code unknownName; the package missing names `make deps`; nothing else is refused.
    @Test func aMissingPackageOrUnknownIdIsOneLine() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("mixdown-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let bare = VoiceLibrary(piper: PiperLibrary(host: PythonHost(.piper, python: empty + "/bin/python"), folders: []))
        #expect(bare.pythonVoices.isEmpty)
        for (id, library, says) in [("hibari-heart", bare, "make deps"), ("pico-fr-FR", bare, "make deps"), ("hibari-heart", nil, "make deps"),
                                    ("pico-pt-PT", Self.library, "is not a Pico voice"), ("hibari-emma", Self.library, "is not a hibari voice")] as [(String, VoiceLibrary?, String)] {
            do {
                _ = try VoiceLibrary.check(id, in: library)
                Issue.record("\(id) passed")
            } catch let e as MixdownError {
                #expect(e.code == .unknownName && e.message.contains(says) && !e.message.contains("\n"), "\(e.message)")
            }
            #expect(library?.engine(for: id) == nil)
        }
        #expect(try VoiceLibrary.check("en-us", in: bare) == false)
        #expect(try VoiceLibrary.check("en-us+f3", in: nil) == false)
    }

    /// The derived word timings against Piper's own alignments, on the same clips: 30
    /// sentences spoken by en_US-joe-medium (whose phoneme alignments give every word's true
    /// start), each word's start derived from the audio alone. Measured: docs/speech.md.
    @Test func derivedWordStartsAreCloseToTrueOnes() throws {
        let voice = try #require(Self.library.piper.voices.first { $0.id == "en_US-joe-medium" }, "run `make deps`: it installs Piper's voice")
        let piper = PiperEngine(host: Self.library.piper.host, voice: voice)
        var derived = [Double](), spread = [Double]()
        for text in Self.measured {
            let clip = try piper.synthesize(SpeechRequest(text: text, voice: voice.id, speed: 1))
            guard clip.words.count == text.split(separator: " ").count else { continue }
            let guess = DerivedWords.derive(text, over: clip.audio), naive = EstimatedWords.spread(text, over: clip.audio)
            for (truth, (d, n)) in zip(clip.words, zip(guess, naive)) {
                derived.append(abs(Double(d.start - truth.start)) / 48)
                spread.append(abs(Double(n.start - truth.start)) / 48)
            }
        }
        try #require(derived.count > 250)
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        func p95(_ x: [Double]) -> Double { x.sorted()[x.count * 95 / 100] }
        print("derived word starts: mean \(Int(mean(derived))) ms, p95 \(Int(p95(derived))) ms over \(derived.count) words; "
              + "spread by length: mean \(Int(mean(spread))) ms, p95 \(Int(p95(spread))) ms")
        // Measured 56 / 152 ms (spread by length: 96 / 282 ms); Piper's takes vary from one
        // synthesis to the next, so the bound leaves a margin: a third over what was measured.
        #expect(mean(derived) < 75 && p95(derived) < 200)
        #expect(mean(derived) < mean(spread) * 0.75)
    }

    static let measured = [
        "Good morning, and welcome to a brand new day of fresh coffee.",
        "The quick brown fox jumps over the lazy dog.",
        "Our store opens at nine every weekday, and at ten on Sundays.",
        "Please keep your receipt; returns are accepted within thirty days.",
        "She sells sea shells by the sea shore, or so they say.",
        "Thank you for calling. Your call is important to us.",
        "Sunny skies are expected tomorrow, followed by evening showers.",
        "Every summer, the festival brings music, food and dancing to the old town square.",
        "If you have any questions, our friendly staff will be happy to help.",
        "Try our new cinnamon roll, baked fresh every single morning.",
        "The library will be closed on Monday for maintenance.",
        "He opened the window and listened to the rain.",
        "Remember: safety first, always wear your helmet.",
        "This offer ends soon, so don't miss out!",
        "Would you like to hear about our special deals today?",
        "Every journey begins with one small step forward.",
        "The train to the city leaves from platform four in ten minutes.",
        "We measured the signal carefully, then we compared the results.",
        "Children under twelve travel free when accompanied by an adult.",
        "Visit our website for more information about the program.",
        "The committee approved the budget after a long discussion.",
        "Fresh vegetables, local cheese, and warm bread are waiting for you.",
        "Turn left at the next corner, then continue straight ahead.",
        "Nothing is more relaxing than quiet evenings with good books.",
        "The museum's new exhibition explores the history of flight.",
        "Our team works around the clock to keep your data safe.",
        "Listen carefully, because the instructions have changed.",
        "Winter is coming, and the nights are getting longer.",
        "Bring your friends and enjoy two meals for one low price.",
        "Finally, we would like to thank everyone who made this possible.",
    ]
}
