import Foundation
import MixdownTestSupport
import Testing

/// WAV deliveries are Broadcast WAVs (EBU Tech 3285 v2) whose bext chunk holds the loudness the
/// report gives for the file, read here by walking the RIFF chunks with code of the test's own.
@Suite struct BroadcastWaveTests {
    let folder = TemporaryFolder()

    /// The bext chunk's version and its five loudness fields (hundredths; 0x7FFF: not set).
    static func bext(_ path: String) throws -> (version: Int, values: [Double?])? {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        func i16(_ i: Int) -> Int16 { Int16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8) }
        var p = 12
        while p + 8 <= bytes.count {
            let size = u32(p + 4)
            if String(decoding: bytes[p..<(p + 4)], as: UTF8.self) == "bext" {
                let data = p + 8
                let values: [Double?] = (0..<5).map { k in let v = i16(data + 412 + 2 * k); return v == 0x7FFF ? nil : Double(v) / 100 }
                return (Int(i16(data + 346)), values)
            }
            p += 8 + size + (size & 1)
        }
        return nil
    }

    @Test func aRenderedWAVCarriesTheReportsLoudness() throws {
        try #"{"scriptText": "<<soundSegment::main>>Hello, and welcome to the programme.", "soundTemplate": "news", "endFormat": ["wav", "wav_24", "mp3_medium"], "timelineProperties": {"forceLength": 8}}"#
            .write(toFile: folder.file("p.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json"), "-o", folder.file("out/"), "--report", folder.file("r.json")],
                                environment: ["MIXDOWN_CACHE": folder.file("cache")])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("r.json")))) as? [String: Any])
        let output = try #require((report["mastering"] as? [String: Any])?["output"] as? [String: Any])
        let expected = ["integratedLufs", "loudnessRangeLu", "truePeakDbtp", "momentaryMaxLufs", "shortTermMaxLufs"].map { output[$0] as? Double }
        for name in ["p.wav", "p.wav_24.wav"] {
            let chunk = try #require(try Self.bext(folder.file("out/\(name)")), "\(name) has no bext chunk")
            #expect(chunk.version == 2)
            for (got, want) in zip(chunk.values, expected) {
                let want = try #require(want)
                #expect(abs((got ?? .nan) - want) <= 0.005 + 1e-9, "\(name): bext \(String(describing: got)) against the report's \(want)")
            }
            // And an independent meter agrees with what the chunk says.
            let measured = try Tools.ffmpegLoudness(folder.file("out/\(name)"))
            #expect(abs(measured.integrated - (chunk.values[0] ?? .nan)) <= 0.1, "ffmpeg \(measured.integrated) LUFS")
        }
        // ffmpeg still reads the audio: the chunk did not disturb the file.
        #expect(try Tools.ffmpegDecode(folder.file("out/p.wav")).frames == 384_000)
    }

    @Test func anEncodedWAVIsMeasuredToo() throws {
        let source = folder.file("in.wav")
        let made = try Tools.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=997:sample_rate=48000:duration=3", "-ac", "2", source])
        #expect(made.status == 0, "\(made.stderr)")
        let run = try Tools.run(Tools.mixdown, ["encode", source, "--end-format", "wav", "-o", folder.file("out.wav")])
        #expect(run.status == 0, "\(run.stderr)")
        let chunk = try #require(try Self.bext(folder.file("out.wav")))
        let ffmpeg = try Tools.ffmpegLoudness(folder.file("out.wav"))
        let integrated = try #require(chunk.values[0]), truePeak = try #require(chunk.values[2])
        #expect(abs(integrated - ffmpeg.integrated) <= 0.1, "bext \(integrated) LUFS, ffmpeg \(ffmpeg.integrated)")
        #expect(abs(truePeak - ffmpeg.truePeak) <= 0.15, "bext \(truePeak) dBTP, ffmpeg \(ffmpeg.truePeak)")
    }
}
