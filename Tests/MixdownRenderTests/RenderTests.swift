import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// `mixdown render` end to end: the audio agrees with the report to the sample.
@Suite struct RenderTests {
    let folder = TemporaryFolder()

    func mixdown(_ arguments: [String]) throws -> Tools.Result { try Tools.run(Tools.mixdown, arguments) }

    /// A burst that is never zero inside (0.05…0.45), so its first and last samples mark it.
    func burst(_ name: String, frames: Int, frequency: Double) throws -> [Float] {
        let samples = (0..<frames).map { Float(0.25 + 0.2 * cos(2 * .pi * frequency * Double($0) / 48_000)) }
        try AudioFileWriter.writeFloatWAV(AudioBuffer(sampleRate: 48_000, channels: [samples, samples]), to: folder.file(name))
        return samples
    }

    func write(_ name: String, _ text: String) throws { try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8) }

    func report(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func mediaClipsLandExactlyWhereTheReportSays() throws {
        let bursts = [
            "a": try burst("a.wav", frames: 12_345, frequency: 440),
            "b": try burst("b.wav", frames: 30_001, frequency: 1_000),
            "c": try burst("c.wav", frames: 7_001, frequency: 2_500),
            "d": try burst("d.wav", frames: 100_003, frequency: 300),
        ]
        try write("script.txt", """
        <<soundSegment::intro>><<sectionName::first>> <<media::a>> <break time="250ms"/> <<media::b>>
        <<soundSegment::main>><<sectionName::second>> <<media::c>> <break time="1s"/> <<media::a>>
        <<sectionName::third>> <<media::d>>
        """)
        try write("p.json", """
        {"scriptFile": "script.txt", "soundTemplate": "corporate", "forceLength": 12,
         "mediaFiles": {"a": "a.wav", "b": "b.wav", "c": "c.wav", "d": "d.wav"},
         "sectionProperties": {"first": {"endAt": 3, "justify": "flex-end"},
                               "second": {"endAt": 7.5, "justify": "centre"},
                               "third": {"endAt": 10, "justify": "flex-start"}},
         "endFormat": ["wav", "mp3_medium"]}
        """)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("out/"), "--report", folder.file("r.json"), "--stems", folder.file("stems")])
        try #require(run.status == 0, "\(run.stderr)")

        let r = try report(folder.file("r.json"))
        #expect(r["totalSamples"] as? Int == 576_000)
        let sections = try #require(r["sections"] as? [[String: Any]])
        #expect(sections.map { $0["endSample"] as? Int } == [144_000, 360_000, 480_000])
        #expect((r["tail"] as? [String: Int]) == ["startSample": 480_000, "endSample": 576_000])

        let speech = try AudioFileReader.read(folder.file("stems/speech.wav")).audio
        #expect(speech.frameCount == 576_000)
        let music = try AudioFileReader.read(folder.file("stems/music.wav")).audio
        #expect(music.frameCount == 576_000)
        var placed = 0
        for section in sections {
            for item in section["items"] as? [[String: Any]] ?? [] where item["kind"] as? String == "media" {
                let start = item["startSample"] as! Int, end = item["endSample"] as! Int
                let source = bursts[item["name"] as! String]!
                #expect(end - start == source.count)
                for c in 0..<2 {
                    let stem = speech.channels[c]
                    // The insert is there, sample for sample, and silence on both sides.
                    #expect(Array(stem[start..<end]) == source, "\(item["name"]!) at \(start)")
                    #expect(stem[start - 1] == 0 && stem[end] == 0)
                }
                placed += 1
            }
        }
        #expect(placed == 5)
        // Justification, by hand: first flex-end → ends at 3 s − 0.3 s gap; second centred;
        // third flex-start at its section start.
        let items = sections.map { ($0["items"] as! [[String: Any]]).map { ($0["startSample"] as! Int, $0["endSample"] as! Int) } }
        #expect(items[0].last!.1 == 144_000 - 14_400)
        let secondContent = 7_001 + 48_000 + 12_345
        #expect(items[1].first!.0 == 144_000 + (360_000 - 14_400 - 144_000 - secondContent) / 2)
        #expect(items[2].first!.0 == 360_000)

        // Delivered lengths, decoded by ffmpeg.
        #expect(try Tools.ffmpegDecode(folder.file("out/p.wav")).frames == 576_000)
        #expect(try Tools.ffmpegDecode(folder.file("out/p.mp3")).frames == 529_200)
    }

    @Test func truncatedOverflowIsCutWithAFade() throws {
        _ = try burst("long.wav", frames: 96_000, frequency: 500)
        try write("p.json", """
        {"scriptText": "<<sectionName::only>> <<media::long>>", "mediaFiles": {"long": "long.wav"},
         "sectionProperties": {"only": {"endAt": 1.5, "paddingEnd": 0}},
         "timelineProperties": {"forceLength": 2, "overflow": "truncate", "speechStart": 0}, "endFormat": "wav"}
        """)
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("r.json"), "--stems", folder.file("s")])
        try #require(run.status == 0, "\(run.stderr)")
        let r = try report(folder.file("r.json"))
        let item = ((r["sections"] as! [[String: Any]])[0]["items"] as! [[String: Any]])[0]
        #expect(item["endSample"] as? Int == 72_000 && item["truncated"] as? Bool == true)
        let warnings = r["warnings"] as! [[String: Any]]
        #expect(warnings.count == 1 && warnings[0]["code"] as? String == "sectionOverflow" && warnings[0]["overflowMs"] as? Double == 500)
        let stem = try AudioFileReader.read(folder.file("s/speech.wav")).audio.channels[0]
        #expect(stem[72_000...].allSatisfy { $0 == 0 })
        #expect(abs(stem[71_999]) < 0.01 && abs(stem[71_000]) > 0.04)   // faded to nothing at the cut
    }

    @Test func thirtySecondSpotIsExactlyThirtySeconds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let run = try mixdown(["render", root.appendingPathComponent("Examples/spot30/spot.json").path, "-o", folder.file("spot"),
                               "--report", folder.file("r.json"), "--stems", folder.file("stems")])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(try Tools.ffmpegDecode(folder.file("spot.wav")).frames == 1_440_000)
        let mp3 = try Tools.ffmpegDecode(folder.file("spot.mp3"))
        #expect(mp3.sampleRate == 44_100 && mp3.frames == 1_323_000)
        let r = try report(folder.file("r.json"))
        #expect(r["totalSamples"] as? Int == 1_440_000 && r["durationMs"] as? Double == 30_000)
        let sections = r["sections"] as! [[String: Any]]
        #expect(sections.map { $0["endSample"] as? Int } == [384_000, 960_000, 1_296_000])
        #expect(sections.map { $0["soundSegment"] as? String } == ["intro", "main", "main"])
        // The speech really is where the report puts it: the speech stem is silent before
        // the first item and between items, and sounds inside every item.
        let speech = try AudioFileReader.read(folder.file("stems/speech.wav")).audio.channels[0]
        #expect(speech.count == 1_440_000)
        func rms(_ r: Range<Int>) -> Double { (speech[r].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(r.count, 1))).squareRoot() }
        let spoken = sections.flatMap { $0["items"] as? [[String: Any]] ?? [] }.filter { $0["kind"] as? String == "speech" }
            .map { ($0["startSample"] as! Int)..<($0["endSample"] as! Int) }
        #expect(spoken.count >= 3)
        // The speech chain's filters ring for a few ms around each clip.
        var previousEnd = 0
        for item in spoken {
            #expect(rms(item) > 0.01, "speech item \(item) is silent in the stem")
            let gap = (previousEnd + 960)..<(item.lowerBound - 960)
            if !gap.isEmpty { #expect(speech[gap].allSatisfy { abs($0) < 1e-3 }, "sound in \(gap), outside any speech item") }
            previousEnd = item.upperBound
        }
        #expect(speech[(previousEnd + 960)...].allSatisfy { abs($0) < 1e-3 })
        // The music stem carries the bed across the whole spot.
        let music = try AudioFileReader.read(folder.file("stems/music.wav")).audio.channels[0]
        #expect(music.count == 1_440_000 && stride(from: 0, to: 1_392_000, by: 48_000).allSatisfy { s in music[s..<(s + 48_000)].contains { abs($0) > 0.001 } })
        // Loudness and true peak measured independently on both delivered files (ffmpeg's
        // EBU R128 meter, true peak oversampled), not read from the report.
        for file in ["spot.wav", "spot.mp3"] {
            let measured = try Tools.ffmpegLoudness(folder.file(file))
            #expect(abs(measured.integrated - -14) <= 0.5, "\(file): ffmpeg reads \(measured.integrated) LUFS")
            #expect(measured.truePeak <= -1, "\(file): ffmpeg reads a true peak of \(measured.truePeak) dBTP")
        }
    }

    /// The spot in custom encodings (a producer's own rates, channels and bit rates): every file
    /// decodes (ffmpeg) to exactly 30 s at its own rate, is named by its format, and meets the
    /// loudness target and ceiling as ffmpeg's meter reads it.
    @Test func customEncodingsAreExactAndOnTarget() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("Examples/spot30/spot.txt").path, toPath: folder.file("spot.txt"))
        try write("spot.json", """
        {"scriptFile": "spot.txt", "voice": "en_US-joe-medium", "soundTemplate": "corporate", "forceLength": 30,
         "sectionProperties": {"intro": {"endAt": 8}, "offer": {"endAt": 20}, "close": {"endAt": 27}},
         "endFormat": [{"name": "radio96", "format": "mp3", "sampleRate": 22050, "channels": 1, "bitRate": 96},
                       {"name": "phone", "format": "mp3", "sampleRate": 8000, "channels": 1, "bitRate": 16},
                       {"name": "aac32", "format": "aac", "sampleRate": 22050, "channels": 1, "bitRate": 32},
                       {"name": "hires", "format": "aac", "sampleRate": 96000, "bitRate": 320},
                       {"name": "master96", "format": "wav", "sampleRate": 96000, "bitDepth": 24},
                       {"format": "flac", "sampleRate": 22050, "channels": 1},
                       {"format": "ogg", "sampleRate": 22050, "channels": 1},
                       {"format": "opus", "channels": 1, "bitRate": 32},
                       {"format": "wav", "sampleRate": 8000, "channels": 1}]}
        """)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        let run = try mixdown(["render", folder.file("spot.json"), "-o", folder.file("out/spot"), "--report", folder.file("r.json")])
        try #require(run.status == 0, "\(run.stderr)")
        let outputs = try report(folder.file("r.json"))["outputs"] as! [[String: Any]]
        #expect(outputs.compactMap { $0["endFormat"] as? String } == ["radio96", "phone", "aac32", "hires", "master96", "flac_22050_mono",
                                                                     "ogg_22050_mono", "opus_48000_mono_32k", "wav_8000_mono"])
        #expect(outputs.compactMap { ($0["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }
                == ["spot.mp3", "spot.phone.mp3", "spot.m4a", "spot.hires.m4a", "spot.wav", "spot.flac", "spot.ogg", "spot.opus", "spot.wav_8000_mono.wav"])
        for output in outputs {
            let path = output["path"] as! String, rate = output["sampleRate"] as! Int, name = output["endFormat"] as! String
            let decoded = try Tools.ffmpegDecode(path)
            #expect(decoded.sampleRate == rate && decoded.channels == output["channels"] as? Int, "\(name)")
            #expect(decoded.frames == 30 * rate && output["samples"] as? Int == 30 * rate, "\(name): ffmpeg decoded \(decoded.frames) frames")
            let measured = try Tools.ffmpegLoudness(path)
            #expect(abs(measured.integrated - -14) <= 0.5, "\(name): ffmpeg reads \(measured.integrated) LUFS")
            #expect(measured.truePeak <= -1, "\(name): ffmpeg reads a true peak of \(measured.truePeak) dBTP")
        }
    }

    /// Examples/hybrid delivered as mp3_alexa alone (mono, 24 kHz, 48 kbps): a mono file
    /// measures 3 LU under the stereo programme, so −14 LUFS asks this dynamic spot for heavy
    /// limiting, and the 48 kbps encode loses a further 0.9 LU. Its decoded check once asked for
    /// that much more loudness and got the uncorrected, quieter gain (−15.7 LUFS delivered).
    /// Read by ffmpeg from the file.
    @Test func aMonoLowBitrateDeliveryReachesItsTarget() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let run = try mixdown(["render", root.appendingPathComponent("Examples/hybrid/hybrid.json").path, "--end-format", "mp3_alexa",
                               "-o", folder.file("alexa.mp3"), "--report", folder.file("r.json")])
        try #require(run.status == 0, "\(run.stderr)")
        let warnings = (try report(folder.file("r.json"))["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(!warnings.contains("loudnessTargetMissed"), "\(run.stderr)")
        let measured = try Tools.run("ffmpeg", ["-nostats", "-i", folder.file("alexa.mp3"), "-af", "ebur128=peak=true", "-f", "null", "-"])
        let lines = measured.stderr.split(separator: "\n")
        let integrated = try #require(lines.last { $0.contains("I:") && $0.contains("LUFS") }.flatMap { Double($0.split(separator: " ").dropLast().last ?? "") })
        let peak = try #require(lines.last { $0.contains("Peak:") && $0.contains("dBFS") }.flatMap { Double($0.split(separator: " ").dropLast().last ?? "") })
        #expect(abs(integrated - -14) <= 0.5, "ffmpeg reads \(integrated) LUFS")
        #expect(peak <= -1, "ffmpeg reads a true peak of \(peak) dBTP")
    }

    @Test func personalisationAndVariables() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let production = root.appendingPathComponent("Examples/personalised/personalised.json").path
        let run = try mixdown(["render", production, "-o", folder.file("p.mp3"), "--var", "name=Ana", "--json"])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"text\" : \"Hello Ana!\""))
        #expect(run.stdout.contains("everyone in Leeds gets"))
        #expect(try Tools.ffmpegDecode(folder.file("p.mp3")).frames == 661_500)   // 15 s at 44.1 kHz
    }

    @Test func scriptOnlyInvocation() throws {
        try write("s.txt", "<<sectionName::a>> Hello there. <<sectionName::b>> Goodbye.")
        let run = try mixdown(["render", "--script", folder.file("s.txt"), "--template", "corporate", "--force-length", "6",
                               "--section-properties", #"{"a": {"endAt": 3, "justify": "centre"}}"#, "-o", folder.file("s.wav"), "--json"])
        try #require(run.status == 0, "\(run.stderr)")
        let r = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(r["totalSamples"] as? Int == 288_000)
        #expect(((r["sections"] as! [[String: Any]])[0]["endSample"] as? Int) == 144_000)
        #expect(try Tools.ffmpegDecode(folder.file("s.wav")).frames == 288_000)
    }
}

extension RenderTests {
    /// Speech too long for its span is compressed (pitch kept) to end exactly at the padded
    /// boundary, and the stem is silent after it.
    @Test func overflowingSpeechIsStretchedToFit() throws {
        try write("p.json", """
        {"scriptText": "<<sectionName::a>> This sentence is deliberately far too long to fit inside the short section it has been given here.",
         "sectionProperties": {"a": {"endAt": 5.2, "paddingEnd": 0.2}},
         "timelineProperties": {"speechStart": 0, "forceLength": 6}, "endFormat": "wav"}
        """)
        let run = try mixdown(["render", folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("r.json"), "--stems", folder.file("s")])
        try #require(run.status == 0, "\(run.stderr)")
        let r = try report(folder.file("r.json"))
        let item = ((r["sections"] as! [[String: Any]])[0]["items"] as! [[String: Any]])[0]
        let stretch = item["stretch"] as! Double
        #expect(stretch > 1 && stretch <= 1.3, "stretch \(stretch)")
        #expect(item["startSample"] as? Int == 0 && item["endSample"] as? Int == 240_000)
        #expect((r["warnings"] as! [[String: Any]]).first?["code"] as? String == "sectionOverflow")
        let stem = try AudioFileReader.read(folder.file("s/speech.wav")).audio.channels[0]
        // Silent after the boundary: the speech chain's filters ring out within 10 ms.
        #expect(stem[(240_000 + 480)...].allSatisfy { abs($0) < 1e-4 })
        // The compressed speech fills the span: it sounds from the start and right up to the
        // boundary (its last sound within the final 100 ms), not ending early or cut short
        // of it.
        let loud = stem.map { abs($0) }.max() ?? 0
        let first = try #require(stem.firstIndex { abs($0) > loud / 100 }), last = try #require(stem.lastIndex { abs($0) > loud / 100 })
        #expect(first < 4_800, "speech starts at \(first)")
        #expect(last > 240_000 - 4_800 && last <= 240_000 + 480, "speech ends at \(last), the span at 240,000")
        print("STRETCH first \(first) last \(last)")
    }
}
