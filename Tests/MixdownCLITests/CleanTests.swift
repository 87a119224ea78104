import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// `mixdown clean` and `mixdown master --cleanup` as a user runs them: the cleaned file decoded
/// by ffmpeg, its length to the sample, the hum measured in it, the figures printed and
/// reported, the steps that could not act said, bad settings refused with nothing written.
@Suite struct CleanTests {
    let folder = TemporaryFolder()

    func mixdown(_ arguments: [String]) throws -> Tools.Result {
        try Tools.run(Tools.mixdown, arguments, environment: ["MIXDOWN_CACHE": folder.file("cache")])
    }

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// Ten seconds of speech-like sound (mono), −50 dBFS white noise and 50 Hz hum at −30 dBFS
    /// with harmonics to 250 Hz.
    func noisyHummingRecording() throws -> (path: String, frames: Int) {
        let speech = Signals.speechLike(seconds: 10).channels[0]
        let noise = Signals.noise(seconds: 10, rmsDBFS: -50, channels: 1, seed: 11).channels[0]
        let x = speech.indices.map { i -> Float in
            let t = Double(i) / 48_000
            var hum = 0.0
            for k in 1...5 {
                let amplitude: Double = pow(10, (-30 - 6 * Double(k - 1)) / 20)
                hum += amplitude * sin(2 * Double.pi * 50 * Double(k) * t + Double(k))
            }
            return speech[i] * 0.5 + noise[i] + Float(hum)
        }
        let path = folder.file("take.wav")
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [x]), to: path)
        return (path, x.count)
    }

    /// The file decoded by ffmpeg (not by Mixdown's reader) to 32-bit float WAV, channel 0.
    func decodedByFFmpeg(_ path: String) throws -> (samples: [Float], channels: Int) {
        let wav = folder.file(UUID().uuidString + ".wav")
        let run = try Tools.run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-c:a", "pcm_f32le", wav])
        try #require(run.status == 0, "\(run.stderr)")
        let audio = try AudioFileReader.read(wav).audio
        return (audio.channels[0], audio.channelCount)
    }

    /// The level (dBFS, a sine's peak) at `frequency` over the whole signal, by a Hann-windowed
    /// single-bin DFT.
    static func level(_ x: [Float], at frequency: Double) -> Double {
        var re = 0.0, im = 0.0, weights = 0.0
        for (i, v) in x.enumerated() {
            let w = 0.5 - 0.5 * cos(2 * .pi * Double(i) / Double(x.count))
            let phase = 2 * .pi * frequency * Double(i) / 48_000
            re += Double(v) * w * cos(phase)
            im -= Double(v) * w * sin(phase)
            weights += w
        }
        return 20 * log10(max(1e-12, 2 * (re * re + im * im).squareRoot() / weights))
    }

    @Test func aRecordingComesOutCleanAndAsLong() throws {
        let (input, frames) = try noisyHummingRecording()
        let run = try mixdown(["clean", input, "-o", folder.file("clean.flac"), "--report", folder.file("r.json")])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        let (out, channels) = try decodedByFFmpeg(folder.file("clean.flac"))
        #expect(channels == 1, "mono stays mono")
        #expect(out.count == frames, "\(out.count) samples from \(frames)")
        // The fundamental, measured in the decoded file (the harmonics share their bins with
        // the speech's own partials: CleanupTests measures them without speech).
        let raw = try AudioFileReader.read(input).audio.channels[0]
        let before = Self.level(raw, at: 50), after = Self.level(out, at: 50)
        #expect(before - after >= 30, "50 Hz: \(before) → \(after) dBFS")
        let figures = try json(folder.file("r.json"))
        let humDrop = try #require(figures["humBeforeDb"] as? Double) - #require(figures["humAfterDb"] as? Double)
        // The report's hum after counts what stands at the harmonics in the output, the
        // speech's partials there too (which the remover leaves): it says far less than the
        // hum's own drop, but it says the hum went down.
        #expect(humDrop >= 1, "hum (all harmonics) down \(humDrop) dB")
        let hum = try #require(figures["humFrequency"] as? Double)
        #expect(abs(hum - 50) < 0.1)
        let floorBefore = try #require(figures["noiseFloorBeforeDb"] as? Double), floorAfter = try #require(figures["noiseFloorAfterDb"] as? Double)
        #expect(floorBefore - floorAfter >= 8, "noise floor \(floorBefore) → \(floorAfter) dBFS")
        #expect(figures["frames"] as? Int == frames)
        // What it printed is what it reported.
        #expect(run.stdout.contains(String(format: "noise floor %.1f -> %.1f dBFS", floorBefore, floorAfter)), "\(run.stdout)")
        #expect(run.stdout.contains(String(format: "hum at %.2f Hz", hum)), "\(run.stdout)")
    }

    @Test func trimmingPausesShortensTheFileByWhatItSays() throws {
        let (input, frames) = try noisyHummingRecording()
        let run = try mixdown(["clean", input, "-o", folder.file("trimmed.wav"), "--cleanup", #"{"trimPauses": 0.3}"#, "--report", folder.file("r.json")])
        try #require(run.status == 0, "\(run.stderr)")
        let (out, _) = try decodedByFFmpeg(folder.file("trimmed.wav"))
        let figures = try json(folder.file("r.json"))
        let removed = try #require(figures["secondsRemoved"] as? Double)
        #expect((figures["pausesShortened"] as? Int ?? 0) >= 1 && removed > 0.1, "\(figures)")
        #expect(figures["frames"] as? Int == out.count)
        #expect(abs(Double(frames - out.count) / 48_000 - removed) < 0.001, "\(frames - out.count) samples gone, \(removed) s reported")
    }

    @Test func aStepThatCannotActIsSaid() throws {
        let (input, _) = try noisyHummingRecording()
        let run = try mixdown(["clean", input, "-o", folder.file("c.wav"), "--cleanup", #"{"dehum": 60}"#])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderrLines == ["mixdown: warning: cleanup: dehum 60: no 60 Hz hum found, none removed"], "\(run.stderr)")
    }

    @Test func badSettingsAndFormatsAreRefusedWithNothingWritten() throws {
        let (input, _) = try noisyHummingRecording()
        let cases: [([String], String)] = [
            (["--cleanup", #"{"denoize": 1}"#], "cleanup.denoize"),
            (["--cleanup", #"{"denoise": 2}"#], "cleanup.denoise"),
            (["--cleanup", "{"], "--cleanup"),
        ]
        for (arguments, needle) in cases {
            let run = try mixdown(["clean", input, "-o", folder.file("x.wav")] + arguments)
            #expect(run.status == 1 && run.stderrLines.count == 1 && run.stderr.contains(needle), "\(arguments): \(run.stderr)")
        }
        let mp3 = try mixdown(["clean", input, "-o", folder.file("x.mp3")])
        #expect(mp3.status == 2 && mp3.stderrLines.count == 1 && mp3.stderr.contains("mixdown master --cleanup"), "a usage error: \(mp3.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.wav")) && !FileManager.default.fileExists(atPath: folder.file("x.mp3")))
    }

    @Test func masterCleansThenMasters() throws {
        let (input, _) = try noisyHummingRecording()
        let run = try mixdown(["master", input, "--cleanup", "-o", folder.file("m.wav"), "--report", folder.file("m.json")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try json(folder.file("m.json"))
        let figures = try #require(report["cleanup"] as? [String: Any])
        #expect(abs((figures["humFrequency"] as? Double ?? 0) - 50) < 0.1, "\(figures)")
        #expect((report["cleanupSettings"] as? [String: Any])?["denoise"] as? Double == 0.8)
        // The hum stays gone through mastering's gain (which brings the quiet take up).
        let (out, _) = try decodedByFFmpeg(folder.file("m.wav"))
        let raw = try AudioFileReader.read(input).audio.channels[0]
        let gain = try #require(((report["output"] as? [String: Any])?["integratedLufs"] as? Double)) - #require(((report["input"] as? [String: Any])?["integratedLufs"] as? Double))
        let humBefore = Self.level(raw, at: 50) + gain, humAfter = Self.level(out, at: 50)
        #expect(humBefore - humAfter >= 30, "50 Hz at \(humAfter) dBFS after mastering, \(humBefore) without cleaning")
    }
}
