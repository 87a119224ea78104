import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster
import MixdownTestSupport
import Testing
import MixdownHybrid

/// Hybrid voice measured where a listener hears it: the speech stem of a render, in which a
/// coloured, noisy recording sits between two stretches of clean espeak-ng speech.
@Suite struct HybridVoiceTests {
    let folder = TemporaryFolder()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Examples/hybrid's recording: espeak-ng through a small room (EQ, 0.35 s reverb, pink noise 32 dB down).
    static let testimonial = root.appendingPathComponent("Examples/hybrid/media/testimonial.flac").path

    /// The testimonial made worse: telephone-dull (LR4 low-pass at 2.5 kHz), boomy (+6 dB at
    /// 200 Hz) and with white noise on top of the room's.
    func harsherRecording() throws -> String {
        var x = try AudioFileReader.read(Self.testimonial).audio.channels[0]
        FilterChain([.lowPass(2_500, rate: 48_000), .lowPass(2_500, rate: 48_000), .peaking(200, gainDB: 6, q: 1, rate: 48_000)]).process(&x)
        var rng = SplitMix(seed: 7)
        x = x.map { $0 + Float(rng.nextSigned()) * 0.006 }
        let path = folder.file("harsh.wav")
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [x]), to: path)
        return path
    }

    /// The example's recording as a phone line would carry it: 300 Hz–3.4 kHz, steep edges.
    func bandLimitedRecording() throws -> String {
        var x = try AudioFileReader.read(Self.testimonial).audio.channels[0]
        FilterChain([.lowPass(3_400, rate: 48_000), .lowPass(3_400, rate: 48_000), .lowPass(3_400, rate: 48_000), .lowPass(3_400, rate: 48_000),
                     .highPass(300, rate: 48_000), .highPass(300, rate: 48_000)]).process(&x)
        let path = folder.file("phone.wav")
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [x]), to: path)
        return path
    }

    /// A hall: espeak-ng's en-gb voice (not the production's) convolved by ffmpeg with an
    /// impulse response made here — direct sound, then noise from 3 ms decaying 60 dB in
    /// 0.6 s, level with the direct sound by energy —, with pink-ish noise 40 dB under the
    /// speech and mains hum (50 Hz and its harmonics to 250 Hz).
    func reverberantHummingRecording() throws -> String {
        let hall = KnownRoom.impulse(t60: 0.6, directToReverberantDb: 0, seed: 21) { FilterChain([.lowPass(4_000, rate: 48_000)]).process(&$0) }
        var x = try KnownRoom.speech(KnownRoom.testimonial, voice: "en-gb+m3", impulse: hall, leadIn: 0.5, leadOut: 1, in: folder)
        let peak = x.map(abs).max() ?? 1
        var noise = [Float](repeating: 0, count: x.count)
        var n = SplitMix(seed: 22)
        for i in noise.indices { noise[i] = Float(n.nextSigned()) }
        FilterChain([.lowPass(1_500, rate: 48_000), .highPass(80, rate: 48_000)]).process(&noise)
        for i in x.indices {
            let t = Double(i) / 48_000
            let hum = (1...5).reduce(0.0) { $0 + sin(2 * .pi * 50 * Double($1) * t) / Double($1) }
            x[i] = x[i] / peak * 0.5 + noise[i] * 0.01 + Float(hum * 0.004)
        }
        let path = folder.file("hall-hum.wav")
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [x]), to: path)
        return path
    }

    func render(recording: String?, voice: String = "en-us", cleanup: String? = nil, strict: Bool = false) throws -> (report: [String: Any], speech: [Float]) {
        let clean = cleanup.map { #", "cleanup": \#($0)"# } ?? ""
        let media = recording.map { #""mediaFiles": {"rec": {"path": "\#($0)", "role": "speech"\#(clean)}},"# } ?? ""
        let middle = recording == nil ? "" : #"<break time=\"400ms\"/> <<media::rec>> <break time=\"400ms\"/>"#
        try """
        {"scriptText": "<<sectionName::a>> We asked our customers what they thought of the new service. It was a busy week. Here is what one of them said. \(middle) Thank you. Try it yourself today, with the first month free. Visit example dot com to sign up. The offer ends soon.",
         \(media) "voice": "\(voice)", "masteringPreset": "balanced", "endFormat": "wav"}
        """.write(toFile: folder.file("p.json"), atomically: true, encoding: .utf8)
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("r.json"),
                                                "--stems", folder.file("s")] + (strict ? ["--strict"] : []), environment: ["MIXDOWN_CACHE": folder.file("cache")])
        if strict, run.status != 0 { throw RenderFailure(stderr: run.stderr, status: run.status) }
        try #require(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("r.json")))) as? [String: Any])
        return (report, try AudioFileReader.read(folder.file("s/speech.wav")).audio.channels[0])
    }

    /// Integrated loudness of samples [from, to) of the speech stem, read by ffmpeg's ebur128.
    func ffmpegLoudness(from: Int, to: Int) throws -> Double {
        let run = try Tools.run("ffmpeg", ["-nostats", "-nostdin", "-i", folder.file("s/speech.wav"), "-af",
                                           "atrim=start_sample=\(from):end_sample=\(to),ebur128", "-f", "null", "-"])
        let line = try #require(run.stderr.split(separator: "\n").last { $0.contains("I:") && $0.contains("LUFS") })
        return try #require(Double(line.split(separator: " ").filter { !$0.isEmpty }[1]))
    }

    static func largestStep(_ x: ArraySlice<Float>) -> Float {
        zip(x.dropFirst(), x).map { abs($0 - $1) }.max() ?? 0
    }

    @Test("matched across both boundaries", arguments: ["example", "harsher", "band-limited", "reverberant-hum"], ["en-us", "en_US-joe-medium"])
    func matched(recording: String, voice: String) throws {
        if voice != "en-us" {
            try #require(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".venv/bin/python").path), "run `make deps`: it installs Piper into .venv")
        }
        let path = switch recording {
        case "example": Self.testimonial
        case "harsher": try harsherRecording()
        case "band-limited": try bandLimitedRecording()
        default: try reverberantHummingRecording()
        }
        let (report, speech) = try render(recording: path, voice: voice)
        let items = ((report["sections"] as! [[String: Any]])[0]["items"] as! [[String: Any]])
            .map { (kind: $0["kind"] as! String, start: $0["startSample"] as! Int, end: $0["endSample"] as! Int) }
        let voices = items.filter { $0.kind == "speech" || $0.kind == "media" }
        try #require(voices.map(\.kind) == ["speech", "media", "speech"])
        let recorded = Array(speech[voices[1].start..<voices[1].end])
        let hybrid = try #require(report["hybridVoice"] as? [String: Any])
        let boundaries = try #require(hybrid["boundaries"] as? [[String: Any]])
        #expect(boundaries.count == 2)
        for (b, synthetic) in [voices[0], voices[2]].enumerated() {
            let side = Array(speech[synthetic.start..<synthetic.end])
            // Loudness, by ffmpeg, on the stem.
            let difference = try ffmpegLoudness(from: synthetic.start, to: synthetic.end) - ffmpegLoudness(from: voices[1].start, to: voices[1].end)
            #expect(abs(difference) <= 1, "\(recording) \(voice) boundary \(b): loudness differs by \(difference) LU")
            // Tone: third-octave distance at most 3 dB RMS and at most half the unmatched one.
            let distance = BandMatch.distance(HybridVoice.speechLevels(side), HybridVoice.speechLevels(recorded))
            let before = try #require((boundaries[b]["before"] as? [String: Any])?["spectralDistanceDb"] as? Double)
            // At most half the unmatched distance, every engine; and within 3 dB, but SVOX Pico
            // starts from 10 dB away (16 kHz, its own formants) and ends 3.4–4 dB away.
            #expect(distance <= before / 2 && (distance <= 3 || voice.hasPrefix("pico-")), "\(recording) \(voice) boundary \(b): distance \(distance) dB (unmatched \(before))")
            // Room: the synthetic side's pause (the break between it and the recording, less the
            // 50 ms bridge) sits at the recording's noise floor.
            let pause = b == 0 ? speech[synthetic.end..<(voices[1].start - 2_400)] : speech[(voices[1].end + 2_400)..<synthetic.start]
            let floors = (NoiseFloor.estimate(Array(pause)), NoiseFloor.estimate(recorded))
            #expect(abs(floors.0 - floors.1) <= 3, "\(recording) \(voice) boundary \(b): noise floors \(floors)")
            print("hybrid \(recording) \(voice) boundary \(b): loudness \(difference) LU, distance \(distance) dB (unmatched \(before)), noise floors \(floors)")
        }
        // Reverberation: the synthetic side (both stretches, as heard) decays like the recording.
        // Both read down to the room's level in the band, taken from the first pause.
        let pauseLevels = NoiseFloor.frameLevels(HybridVoice.decayBand(Array(speech[voices[0].end..<(voices[1].start - 2_400)])), frame: 240).sorted()
        let floorDb = pauseLevels[pauseLevels.count / 2]
        let recordingDecay = try #require(HybridVoice.decayTime(band: HybridVoice.decayBand(recorded), floorDb: floorDb), "no decays in the recording")
        let syntheticSides = Array([voices[0], voices[2]].map { speech[$0.start..<$0.end] }.joined())
        try withKnownIssue("SVOX Pico in the hall: no word end decays cleanly enough on the synthetic side to read its decay") {
            let syntheticDecay = try #require(HybridVoice.decayTime(band: HybridVoice.decayBand(syntheticSides), floorDb: floorDb), "no decays on the synthetic side")
            #expect(abs(syntheticDecay - recordingDecay) / recordingDecay <= 0.3, "\(recording) \(voice): decay \(syntheticDecay) s against the recording's \(recordingDecay) s")
            print("hybrid \(recording) \(voice): decay recording \(recordingDecay) synthetic \(syntheticDecay); room \(String(describing: (report["hybridVoice"] as? [String: Any])?["syntheticRoom"]))")
        } when: { voice.hasPrefix("pico-") && recording == "reverberant-hum" }
        // No click at the seams: around each edge of the recording, no sample step larger
        // than the recording's own largest in its middle.
        let own = Self.largestStep(recorded[(recorded.count / 4)..<(3 * recorded.count / 4)])
        for edge in [voices[1].start, voices[1].end] {
            let step = Self.largestStep(speech[(edge - 2_400)..<(edge + 2_400)])
            #expect(step <= own, "step \(step) at the seam near sample \(edge), recording's own \(own)")
        }
        // The gaps are not silent: room tone runs under them.
        let gap = speech[(voices[0].end + 2_400)..<(voices[1].start - 2_400)]
        #expect(DuckingTests.levelDB(gap) > floor(NoiseFloor.estimate(recorded)) - 6)
        // Nor is the end: 100–200 ms after the last word the room is still there, and it fades
        // out (over at least 300 ms) rather than stopping dead.
        let after = speech[(voices[2].end + 4_800)..<(voices[2].end + 9_600)]
        #expect(DuckingTests.levelDB(after) > floor(NoiseFloor.estimate(recorded)) - 6, "room tone after the last word: \(DuckingTests.levelDB(after)) dB")
        let lastTone = speech.lastIndex { abs($0) > 1e-6 } ?? 0
        let fading = speech[(lastTone - 14_400)..<(lastTone - 9_600)], ending = speech[(lastTone - 2_400)...lastTone]
        #expect(DuckingTests.levelDB(ending) < DuckingTests.levelDB(fading) - 6, "the room tone's last 50 ms are not quieter than 300 ms before")
    }

    /// SVOX Pico (the third English engine) on the two hard recordings.
    @Test("matched across both boundaries, SVOX Pico", arguments: ["band-limited", "reverberant-hum"])
    func matchedPico(recording: String) throws {
        try matched(recording: recording, voice: "pico-en-US")
    }

    struct RenderFailure: Error { var stderr: String; var status: Int32 }

    /// A noisy, humming recording cleaned on its way in: the report says what cleaning did; the synthetic side's noise floor follows the cleaned recording (well under the raw
    /// one), and the tone match still halves the distance, with every engine.
    /// The example's recording with white noise 24 dB under its speech and 50 Hz hum (harmonics
    /// to 250 Hz): what a phone on a desk by a charger gives.
    func noisyHummingRecording() throws -> String {
        var x = try AudioFileReader.read(Self.testimonial).audio.channels[0]
        var n = SplitMix(seed: 31)
        for i in x.indices {
            let t = Double(i) / 48_000
            var hum = 0.0
            for k in 1...5 { hum += sin(2 * Double.pi * 50 * Double(k) * t) / Double(k) }
            x[i] += Float(n.nextSigned()) * 0.01 + Float(hum * 0.003)
        }
        let path = folder.file("desk.wav")
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [x]), to: path)
        return path
    }

    @Test("cleaned, then matched", arguments: ["en-us", "en_US-joe-medium", "pico-en-US"])
    func matchedAfterCleanup(voice: String) throws {
        if voice != "en-us" {
            try #require(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".venv/bin/python").path), "run `make deps`: it installs Piper into .venv")
        }
        let path = try noisyHummingRecording()
        let raw = try AudioFileReader.read(path).audio.channels[0]
        let (report, speech) = try render(recording: path, voice: voice, cleanup: "true")
        let recordings = try #require(report["recordings"] as? [[String: Any]])
        try #require(recordings.count == 1)
        #expect(recordings[0]["media"] as? String == "rec")
        let figures = try #require(recordings[0]["cleanup"] as? [String: Any])
        let hum = try #require(figures["humFrequency"] as? Double)
        #expect(abs(hum - 50) < 0.2, "hum found at \(hum) Hz")
        let humDrop = try #require(figures["humBeforeDb"] as? Double) - #require(figures["humAfterDb"] as? Double)
        let floorDrop = try #require(figures["noiseFloorBeforeDb"] as? Double) - #require(figures["noiseFloorAfterDb"] as? Double)
        // The report's hum after counts what stands at the harmonics, the speech's partials
        // there too (docs/cleanup.md), and the remover leaves those: in this take the hum
        // itself goes 12-32 dB down (harmonics 1-5, measured against the hum-free take) while
        // the figure moves 2 dB. It has to move the right way; CleanTests and CleanupTests
        // measure the hum itself.
        #expect(humDrop >= 1 && floorDrop >= 8, "hum down \(humDrop) dB, floor down \(floorDrop) dB")
        #expect(figures["frames"] as? Int == raw.count, "cleaning without trimPauses keeps the length")
        #expect((report["warnings"] as? [Any])?.isEmpty == true, "\(String(describing: report["warnings"]))")

        let items = ((report["sections"] as! [[String: Any]])[0]["items"] as! [[String: Any]])
            .map { (kind: $0["kind"] as! String, start: $0["startSample"] as! Int, end: $0["endSample"] as! Int) }
        let voices = items.filter { $0.kind == "speech" || $0.kind == "media" }
        try #require(voices.map(\.kind) == ["speech", "media", "speech"])
        let recorded = Array(speech[voices[1].start..<voices[1].end])
        let boundaries = try #require((report["hybridVoice"] as? [String: Any])?["boundaries"] as? [[String: Any]])
        // The stem holds the recording levelled: the raw floor at the stem's gain is the
        // cleaned clip's floor plus what cleaning took off.
        let cleanFloor = NoiseFloor.estimate(recorded), rawFloor = cleanFloor + floorDrop
        for (b, synthetic) in [voices[0], voices[2]].enumerated() {
            let side = Array(speech[synthetic.start..<synthetic.end])
            let distance = BandMatch.distance(HybridVoice.speechLevels(side), HybridVoice.speechLevels(recorded))
            let before = try #require((boundaries[b]["before"] as? [String: Any])?["spectralDistanceDb"] as? Double)
            #expect(distance <= before / 2 && (distance <= 3 || voice.hasPrefix("pico-")), "\(voice) boundary \(b): distance \(distance) dB (unmatched \(before))")
            let pause = b == 0 ? speech[synthetic.end..<(voices[1].start - 2_400)] : speech[(voices[1].end + 2_400)..<synthetic.start]
            let floor = NoiseFloor.estimate(Array(pause))
            #expect(abs(floor - cleanFloor) <= 3 && floor < rawFloor - 6,
                    "\(voice) boundary \(b): synthetic side's floor \(floor) dB; cleaned recording \(cleanFloor), raw \(rawFloor)")
            print("hybrid cleaned \(voice) boundary \(b): distance \(distance) dB (unmatched \(before)), floors: synthetic \(floor), cleaned \(cleanFloor), raw \(rawFloor)")
        }
    }

    /// A clean-up step that cannot act is said, and strict delivery refuses it: the recording
    /// hums at 50 Hz, and the production asks for 60.
    @Test func cleanupThatCannotActWarns() throws {
        let path = try noisyHummingRecording()
        let (report, _) = try render(recording: path, cleanup: #"{"dehum": 60}"#)
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["code"] as? String } == ["cleanupSkipped"], "\(warnings)")
        #expect((warnings.first?["message"] as? String) == "media 'rec' cleanup: dehum 60: no 60 Hz hum found, none removed")
        let figures = try #require(((report["recordings"] as? [[String: Any]])?.first)?["cleanup"] as? [String: Any])
        #expect(figures["humFrequency"] is NSNull)
        try? FileManager.default.removeItem(atPath: folder.file("o.wav"))
        let failure = #expect(throws: RenderFailure.self) { _ = try render(recording: path, cleanup: #"{"dehum": 60}"#, strict: true) }
        #expect(failure?.status == 1 && failure?.stderr.contains("strict: media 'rec' cleanup: dehum 60: no 60 Hz hum found") == true,
                "\(String(describing: failure?.stderr))")
        #expect(!FileManager.default.fileExists(atPath: folder.file("o.wav")), "strict refusal leaves no output")
    }

    @Test func offWithoutARecording() throws {
        let (report, speech) = try render(recording: nil)
        #expect(report["hybridVoice"] is NSNull)
        // No room tone: before the first word the speech stem is digital silence.
        let first = ((report["sections"] as! [[String: Any]])[0]["items"] as! [[String: Any]])[0]["startSample"] as! Int
        #expect(speech[0..<first].allSatisfy { $0 == 0 })
    }
}
