import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownTestSupport
import Testing
@testable import MixdownDelivery
@testable import MixdownMaster

/// A shape of lossless files is encoded alongside its alignment's passes through the limiter,
/// and the last pass's files are the delivery when that pass's gain and limiter are the ones
/// kept. What is delivered must be exactly what a plain processing pass at the kept alignment
/// writes (the same bytes, the Broadcast WAV loudness included), with nothing left behind from
/// a pass whose files were not kept.
@Suite struct LosslessDeliveryTests {
    @Test(arguments: ["speech", "music"])
    func filesMadeAlongsideAlignmentAreAPlainPassAtTheKeptAlignment(programme: String) throws {
        // Targets loud enough that the limiter acts (so aligning makes passes): speech at −10
        // LUFS, music at −7 (heavy limiting, which takes more than one pass to find).
        let (input, target) = programme == "speech" ? (Signals.speechLike(seconds: 6), -10.0) : (Signals.musicLike(seconds: 6), -7.0)
        let chained = BufferSource(MasterChain.process(input, settings: .streaming))
        let formats: [EndFormat] = [.wav, .flac]
        let folder = TemporaryFolder(), plain = TemporaryFolder()
        let paths = Dictionary(uniqueKeysWithValues: formats.map { ($0, folder.file("out.\($0.fileExtension)")) })
        let transaction = OutputTransaction()
        let delivered = try Delivery.deliver(chained, as: formats, to: paths, in: transaction, target: target, ceiling: -1, spillDirectory: nil)
        try transaction.commit()
        let alignment = try #require(delivered.alignment)
        #expect(alignment.limiting > 0, "\(programme): the limiter acts, so aligning makes passes")
        #expect(folder.contents == ["out.flac", "out.wav"], "\(programme): \(folder.contents)")

        let measured = try LoudnessMaster.measure(chained)
        let plainPaths = Dictionary(uniqueKeysWithValues: formats.map { ($0, plain.file("out.\($0.fileExtension)")) })
        let plainTransaction = OutputTransaction()
        _ = try Delivery.encode(chained, measured, alignment, as: formats, to: plainPaths, in: plainTransaction, analyse: false, pool: .serial)
        try plainTransaction.commit()
        for format in formats {
            let a = try Data(contentsOf: URL(fileURLWithPath: paths[format]!)), b = try Data(contentsOf: URL(fileURLWithPath: plainPaths[format]!))
            #expect(a == b, "\(programme) \(format.name): the delivered file differs from a plain pass at the kept alignment")
        }
        // And on target, by ffmpeg's meter.
        let loudness = try Tools.ffmpegLoudness(paths[.wav]!)
        #expect(abs(loudness.integrated - target) <= 0.5 && loudness.truePeak <= -1, "\(programme): \(loudness)")
    }
}
