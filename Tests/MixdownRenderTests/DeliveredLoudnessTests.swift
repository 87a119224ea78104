import Foundation
import MixdownCore
import MixdownDelivery
import MixdownIO
import MixdownMaster
import MixdownReport
import MixdownTestSupport
import Testing

/// Every delivered file's loudness is known as a listener gets it, and a file that misses its
/// target is said by name, not only the reported output.
@Suite struct DeliveredLoudnessTests {
    /// 8 s of speech over music, stereo: dynamic enough that a mono or low-rate file measures
    /// differently from the stereo programme.
    static func programme() -> AudioBuffer {
        let m = Signals.musicLike(seconds: 8), s = Signals.speechLike(seconds: 8)
        return AudioBuffer(sampleRate: 48_000, channels: (0..<2).map { c in zip(m.channels[c], s.channels[c]).map { 0.3 * $0 + $1 } })
    }

    @Test func eachFilesFiguresAreWhatItDecodesTo() throws {
        let folder = TemporaryFolder()
        let formats: [EndFormat] = [.wav, .mp3_medium, .m4b, .opus, .mp3_alexa]
        let paths = Dictionary(uniqueKeysWithValues: formats.map { ($0, folder.file("p.\($0.name).\($0.fileExtension)")) })
        let transaction = OutputTransaction()
        let result = try Delivery.deliver(BufferSource(Self.programme()), as: formats, to: paths, in: transaction, target: -14, ceiling: -1,
                                          spillDirectory: nil)
        try transaction.commit()
        #expect(result.loudness.map(\.endFormat) == formats)
        // The WAV is the reported output (the programme's own shape, lossless): its figures are
        // the report's mastering.output, so only it is marked.
        #expect(result.loudness.map(\.isReported) == [true, false, false, false, false])
        for file in result.loudness {
            let ffmpeg = try Tools.ffmpegLoudness(paths[file.endFormat]!)
            let integrated = try #require(file.integratedLufs), peak = try #require(file.truePeakDbtp)
            // ffmpeg prints to 0.1; its true peak oversamples to 192 kHz where ours does 4x.
            #expect(abs(integrated - ffmpeg.integrated) <= 0.15, "\(file.endFormat.name): \(integrated) LUFS, ffmpeg \(ffmpeg.integrated)")
            #expect(abs(peak - ffmpeg.truePeak) <= 0.4, "\(file.endFormat.name): \(peak) dBTP, ffmpeg \(ffmpeg.truePeak)")
            #expect(!file.misses(target: -14, ceiling: -1), "\(file.endFormat.name): \(integrated) LUFS, \(peak) dBTP")
        }
    }

    @Test func aFileThatMissesIsNamedOnce() throws {
        let folder = TemporaryFolder()
        let transaction = OutputTransaction()
        let result = try Delivery.deliver(BufferSource(Self.programme()), as: [.wav], to: [.wav: folder.file("p.wav")], in: transaction,
                                          target: -14, ceiling: -1, spillDirectory: nil)
        let alignment = try #require(result.alignment)
        #expect(alignment.reachedTarget)
        func file(_ format: EndFormat, _ lufs: Double?, _ peak: Double?, reported: Bool = false) -> LoudnessMaster.FormatLoudness {
            LoudnessMaster.FormatLoudness(endFormat: format, integratedLufs: lufs, truePeakDbtp: peak, isReported: reported)
        }
        let files = [
            file(.wav, -14.0, -1.2, reported: true),
            file(.m4b, -14.6, -1.5),           // 0.6 LU short
            file(.mp3_medium, -14.3, -0.8),    // over the ceiling
            file(.opus, -13.6, -1.1),          // within 0.5 LU and under: fine
            file(.ogg, nil, nil),              // silence misses nothing
        ]
        let warnings = LoudnessWarnings.check(alignment, delivered: nil, files: files, target: -14, ceiling: -1)
        #expect(warnings.map(\.code) == [.loudnessTargetMissed, .loudnessTargetMissed])
        #expect(warnings.map(\.message) == ["m4b delivered -14.6 LUFS, -1.5 dBTP for a target of -14.0 LUFS under -1.0 dBTP",
                                            "mp3_medium delivered -14.3 LUFS, -0.8 dBTP for a target of -14.0 LUFS under -1.0 dBTP"])
        // A reported file that missed is the programme's own warning, not said twice.
        #expect(LoudnessWarnings.check(alignment, delivered: nil, files: [file(.wav, -15, -1, reported: true)], target: -14, ceiling: -1).isEmpty)
        // Silence (nothing measurable) is no miss for any file.
        #expect(LoudnessWarnings.check(alignment, delivered: nil, files: files, target: -14, ceiling: -1, measurable: false).isEmpty)
    }
}
