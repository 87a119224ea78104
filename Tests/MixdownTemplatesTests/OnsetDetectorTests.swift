import Foundation
import MixdownCore
import MixdownIO
import MixdownTestSupport
import Testing
@testable import MixdownTemplates

/// A button's last onset, from its manifest or estimated from its audio (docs/templates.md "Endings").
@Suite struct OnsetDetectorTests {
    let folder = TemporaryFolder()

    /// Decaying 880 Hz hits at `hits` (samples), the last ringing for `ring` seconds.
    static func sting(hits: [Int], ring: Double, length: Int, under: Float = 0) -> AudioBuffer {
        var x = (0..<length).map { under * Float(sin(2 * Double.pi * 220 * Double($0) / 48_000)) }
        for (k, at) in hits.enumerated() {
            let decay = k == hits.count - 1 ? ring / 6 : 0.03
            for i in 0..<(length - at) { x[at + i] += Float(0.3 * exp(-Double(i) / 48_000 / decay) * sin(2 * Double.pi * 880 * Double(i) / 48_000)) }
        }
        return AudioBuffer(sampleRate: 48_000, channels: [x, x])
    }

    @Test("estimated late by at most 5 ms", arguments: [
        ([0], 0.0), ([0, 12_000], 0.0), ([0, 9_000, 30_000], 0.0),
        // Over a sustained pad 20 dB down: the hits still stand out.
        ([0, 12_000], 0.03),
    ])
    func estimated(hits: [Int], under: Double) {
        let found = OnsetDetector.lastOnset(Self.sting(hits: hits, ring: 1.5, length: 120_000, under: Float(under)))
        #expect(found >= hits.last! && found <= hits.last! + 240, "\(found) for \(hits)")
    }

    @Test func manifestWinsAndIsChecked() throws {
        let dir = folder.file("t")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AudioFileWriter.writeFloatWAV(Self.sting(hits: [0, 12_000], ring: 1, length: 96_000), to: dir + "/button.wav")
        try AudioFileWriter.writeFloatWAV(Signals.noise(seconds: 2, rmsDBFS: -30), to: dir + "/main.wav")
        func load(_ button: String) throws -> SoundTemplate {
            try #"{"segments": {"main": {"file": "main.wav"}, "button": \#(button)}}"#.write(toFile: dir + "/template.json", atomically: true, encoding: .utf8)
            return try SoundTemplate.load(directory: dir)
        }
        #expect(try load(#"{"file": "button.wav", "lastOnsetSample": 11000}"#).segments["button"]?.lastOnset == 11_000)
        let estimated = try load(#"{"file": "button.wav"}"#).segments["button"]?.lastOnset ?? -1
        #expect(estimated >= 12_000 && estimated <= 12_240)
        #expect(try load(#"{"file": "button.wav"}"#).segments["main"]?.lastOnset == nil)
        #expect(throws: MixdownError.self) { try load(#"{"file": "button.wav", "lastOnsetSample": 96000}"#) }
        #expect(throws: MixdownError.self) { try load(#"{"file": "button.wav", "lastOnsetSample": 1.5}"#) }
        try #"{"segments": {"main": {"file": "main.wav", "lastOnsetSample": 10}}}"#.write(toFile: dir + "/template.json", atomically: true, encoding: .utf8)
        #expect { try SoundTemplate.load(directory: dir) } throws: { ($0 as? MixdownError)?.message.contains("applies only to the button segment") == true }
    }
}
