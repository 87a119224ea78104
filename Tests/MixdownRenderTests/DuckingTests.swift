import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing

/// Ducking measured where a listener hears it: the music stem of a render, over a steady bed.
@Suite struct DuckingTests {
    let folder = TemporaryFolder()

    /// A template whose only segment is steady noise, so any level change in the music stem is
    /// the ducker's doing.
    func steadyTemplate() throws -> String {
        let dir = folder.file("steady")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AudioFileWriter.writeFloatWAV(Signals.noise(seconds: 4, rmsDBFS: -24), to: dir + "/bed.wav")
        try #"{"segments": {"main": {"file": "bed.wav"}}}"#.write(toFile: dir + "/template.json", atomically: true, encoding: .utf8)
        return dir
    }

    static func levelDB(_ x: ArraySlice<Float>) -> Double {
        10 * log10(x.reduce(0) { $0 + Double($1 * $1) } / Double(x.count))
    }

    @Test("depth per preset", arguments: [("lightducking", 6.0), ("balanced", 11.0), ("heavyducking", 18.0)])
    func duckingDepth(preset: String, depth: Double) throws {
        let template = try steadyTemplate()
        try """
        {"scriptText": "<<sectionName::a>> Here is the first sentence of speech. <break time=\\"400ms\\"/> And a second one, after a short pause. <break time=\\"5s\\"/> Then a third sentence, after a long gap.",
         "soundTemplate": "\(template)", "masteringPreset": "\(preset)", "timelineProperties": {"soundTail": 3}, "endFormat": "wav"}
        """.write(toFile: folder.file("p.json"), atomically: true, encoding: .utf8)
        let run = try Tools.run(Tools.mixdown, ["render", folder.file("p.json"), "-o", folder.file("o.wav"), "--report", folder.file("r.json"),
                                                "--stems", folder.file("s")], environment: ["MIXDOWN_CACHE": folder.file("cache")])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("r.json")))) as? [String: Any])
        let items = ((report["sections"] as! [[String: Any]])[0]["items"] as! [[String: Any]]).map { ($0["kind"] as! String, $0["startSample"] as! Int, $0["endSample"] as! Int) }
        let music = try AudioFileReader.read(folder.file("s/music.wav")).audio.channels[0]
        let speech = items.filter { $0.0 == "speech" }, longGap = items.filter { $0.0 == "break" }[1]
        // Reference: the bed before the speech's pre-roll (the first 0.2 s).
        let open = Self.levelDB(music[0..<9_600])
        // In speech: down by the depth ±2 dB (measured inside each sentence, away from its edges).
        for s in speech {
            let inside = music[(s.1 + 4_800)..<(s.2 - 4_800)]
            #expect(abs(Self.levelDB(inside) - (open - depth)) <= 2, "\(preset): \(Self.levelDB(inside)) vs \(open - depth)")
        }
        // In the 5 s gap: back within 1 dB in its middle.
        let middle = (longGap.1 + longGap.2) / 2
        #expect(abs(Self.levelDB(music[(middle - 12_000)..<(middle + 12_000)]) - open) <= 1)
        // Across the short pause between the first two sentences: steady within 2 dB.
        let pause = items.filter { $0.0 == "break" }[0]
        let frames = stride(from: speech[0].2 - 9_600, to: speech[1].1 + 9_600, by: 2_400).map { Self.levelDB(music[$0..<($0 + 2_400)]) }
        #expect(frames.max()! - frames.min()! <= 2, "\(preset): moved \(frames.max()! - frames.min()!) dB across a \(pause.2 - pause.1)-sample pause")
    }
}
