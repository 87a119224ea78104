import Foundation
import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownSpeech

@Suite struct SpeechTests {
    let espeak = EspeakEngine.shared

    @Test func fasterSpeechIsShorter() throws {
        let text = "The quick brown fox jumps over the lazy dog, again and again."
        let normal = SpeechCleanup.trim(try espeak.synthesize(SpeechRequest(text: text, voice: "en-us", speed: 1))).audio.count
        let fast = SpeechCleanup.trim(try espeak.synthesize(SpeechRequest(text: text, voice: "en-us", speed: 1.25))).audio.count
        #expect(Double(fast) / Double(normal) < 0.88, "1.25x speed gave \(fast) vs \(normal) samples")
    }

    @Test func voicesAndPitchDiffer() throws {
        let text = "Hello, this is a measurement of the speaking voice."
        let male = try espeak.synthesize(SpeechRequest(text: text, voice: "en-us", speed: 1)).audio
        let female = try espeak.synthesize(SpeechRequest(text: text, voice: "en-us+f4", speed: 1)).audio
        let raised = try espeak.synthesize(SpeechRequest(text: text, voice: "en-us", speed: 1, pitch: 1.8)).audio
        let f0 = try #require(Pitch.median(male[...])), f1 = try #require(Pitch.median(female[...])), f2 = try #require(Pitch.median(raised[...]))
        #expect(f1 > f0 * 1.3, "female variant \(f1) Hz vs \(f0) Hz")
        #expect(f2 > f0 * 1.2, "pitch 1.8 gave \(f2) Hz vs \(f0) Hz")
    }

    @Test func languagesResolveByName() throws {
        // en-gb is a language, not a voice file name: it resolves through the voice list.
        let clip = try espeak.synthesize(SpeechRequest(text: "Good morning.", voice: "en-gb", speed: 1))
        #expect(clip.audio.count > 10_000)
        #expect(try espeak.voices().count > 100)
    }

    @Test func missingVoiceListsCloseMatches() {
        #expect {
            try espeak.synthesize(SpeechRequest(text: "Hi", voice: "en-xx", speed: 1))
        } throws: { error in
            let message = (error as? MixdownError)?.message ?? ""
            return message.hasPrefix("voice 'en-xx' is not an espeak-ng voice") && message.contains("close: ") && message.contains("en-gb")
        }
    }

    @Test func wordTimingsAreInOrderAndInside() throws {
        let text = "Visit brewline dot com, today! It's 30 percent off."
        let clip = SpeechCleanup.trim(try espeak.synthesize(SpeechRequest(text: text, voice: "en-us", speed: 1)))
        #expect(clip.words.map(\.text) == text.split(separator: " ").map(String.init))
        for (a, b) in zip(clip.words, clip.words.dropFirst()) { #expect(a.start < b.start && a.end <= b.start + 1) }
        for w in clip.words { #expect(w.start >= 0 && w.end <= clip.audio.count && w.start <= w.end) }
    }

    @Test func ssmlProsodyIsHonoured() throws {
        let text = "This sentence is read slowly."
        let plain = try espeak.synthesize(SpeechRequest(text: text, voice: "en-us", speed: 1)).audio.count
        let slow = try espeak.synthesize(SpeechRequest(text: text, markup: "<prosody rate=\"50%\">\(text)</prosody>", voice: "en-us", speed: 1))
        #expect(Double(slow.audio.count) > Double(plain) * 1.4)
        #expect(slow.words.map(\.text) == text.split(separator: " ").map(String.init))
    }

    // MARK: External engines

    func engine(_ command: [String], stdin: String? = nil, timeout: Double = 20) -> CommandEngine {
        CommandEngine(command: command, stdin: stdin, timeoutSeconds: timeout)
    }

    @Test func externalCommandWithOutputFile() throws {
        let clip = try engine(["espeak-ng", "-v", "{voice}", "-w", "{output}", "{text}"])
            .synthesize(SpeechRequest(text: "An external engine speaks.", voice: "en-gb", speed: 1))
        #expect(clip.audio.count > 24_000)
        #expect(clip.words.map(\.text) == ["An", "external", "engine", "speaks."])   // estimated timings
    }

    @Test func externalCommandOnStandardInputAndOutput() throws {
        let clip = try engine(["espeak-ng", "-v", "{voice}", "--stdout"], stdin: "{text}")
            .synthesize(SpeechRequest(text: "Through the pipes.", voice: "en-us", speed: 1))
        #expect(clip.audio.count > 24_000)
    }

    @Test("external engine failures", arguments: [
        (["sh", "-c", "echo 'model voice.onnx not found' >&2; exit 3"], 20.0, "speech engine 'sh' failed (exit 3): model voice.onnx not found"),
        (["sh", "-c", "sleep 30"], 1.0, "speech engine 'sh' did not finish within 1 s (timeoutSeconds)"),
        (["sh", "-c", "head -c 5000 /dev/urandom > \"$0\"", "{output}"], 20.0, "speech engine 'sh' wrote no usable audio (not a readable audio file"),
        (["sh", "-c", "true"], 20.0, "speech engine 'sh' wrote no usable audio (empty file (0 bytes))"),
        (["no-such-tts-engine", "{text}"], 20.0, "speech engine 'no-such-tts-engine': no such program"),
    ])
    func externalFailures(command: [String], timeout: Double, message: String) {
        // The timeout case says so: the engine was stopped at its limit, not waited out.
        #expect {
            try engine(command, timeout: timeout).synthesize(SpeechRequest(text: "Hello", voice: "x", speed: 1))
        } throws: { error in
            let m = (error as? MixdownError)?.message ?? "\(error)"
            return m.hasPrefix(message) || m.contains(message)
        }
    }

    // MARK: Cache

    @Test func cacheRoundTripAndDamage() throws {
        let folder = TemporaryFolder()
        let cache = SpeechCache(directory: folder.path)
        let clip = SpeechClip(audio: [0.5, -0.25, 1e-9, 0], words: [.init(text: "Hé", start: 0, end: 2), .init(text: "\"x\"", start: 2, end: 4)])
        let key = SpeechCache.key(engine: "e", request: SpeechRequest(text: "t", voice: "v", speed: 1), processing: "p")
        #expect(cache.load(key) == nil)
        cache.store(clip, key: key)
        let back = try #require(cache.load(key))
        #expect(back.audio == clip.audio && back.words == clip.words)
        // A damaged file is a miss, never a crash or wrong audio.
        let path = cache.path(key)!
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 3).write(to: URL(fileURLWithPath: path))
        #expect(cache.load(key) == nil)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path))
        #expect(cache.load(key) == nil)
        // Keys change with every input.
        let other = SpeechCache.key(engine: "e", request: SpeechRequest(text: "t", voice: "v", speed: 1.1), processing: "p")
        #expect(other != key && key.count == 64)
    }

    @Test func synthesizerDedupesAndCaches() throws {
        let folder = TemporaryFolder()
        let synthesizer = SpeechSynthesizer(cache: SpeechCache(directory: folder.path))
        let jobs = ["One.", "Two.", "One."].map { SpeechSynthesizer.Job(request: SpeechRequest(text: $0, voice: "en-us", speed: 1), engine: EspeakEngine.shared) }
        let first = synthesizer.clips(for: jobs)
        #expect(first.statistics == .init(cacheHits: 0, synthesised: 2))
        let second = synthesizer.clips(for: jobs)
        #expect(second.statistics == .init(cacheHits: 2, synthesised: 0))
        #expect(try second.results.map { try $0.get().audio } == (try first.results.map { try $0.get().audio }))
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1_000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
