import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownDSP

/// A meter asked for the overall true peak alone skips what cannot beat the peak so far; the
/// peak it reads must be the one the full meter (every position oversampled) reads, to the
/// bit, whatever the signal, the rate and the blocks it comes in.
@Suite struct TruePeakStreamTests {
    static func peak(_ x: [Float], rate: Int, blockPeaks: Bool, blocks: [Int]) -> (peak: Float, blocks: Int) {
        var stream = TruePeakMeter.Stream(TruePeakMeter(sampleRate: rate), blockPeaks: blockPeaks)
        var at = 0, k = 0
        x.withUnsafeBufferPointer { p in
            while at < x.count {
                let n = min(blocks[k % blocks.count], x.count - at)
                stream.process(UnsafeBufferPointer(rebasing: p[at..<(at + n)]))
                at += n
                k += 1
            }
        }
        stream.finish()
        return (stream.peak, stream.blockPeaks.count)
    }

    @Test(arguments: [48_000, 44_100, 22_050])
    func theOverallPeakAloneIsTheFullMetersPeak(rate: Int) {
        // Speech-like (peaks here and there, pauses), music-like, noise, and a near-Nyquist
        // sine whose true peak lies between its samples, one after the other; then the loudest
        // moment at the very end (nothing after it to skip to).
        let speech = Signals.speechLike(seconds: 3, rate: rate).channels[0]
        let music = Signals.musicLike(seconds: 2, rate: rate).channels[0]
        let noise = Signals.noise(seconds: 1, rmsDBFS: -20, rate: rate, channels: 1).channels[0]
        let nyquist = Signals.sine(frequency: Double(rate) / 4 - 7, dBFS: -3, seconds: 0.5, rate: rate, channels: 1).channels[0]
        for signal in [speech + music + noise + nyquist, nyquist + speech, music + noise.map { $0 * 4 }] {
            for blocks in [[4_096], [1, 999, 10_000], [65_536]] {
                let full = Self.peak(signal, rate: rate, blockPeaks: true, blocks: blocks)
                let alone = Self.peak(signal, rate: rate, blockPeaks: false, blocks: blocks)
                #expect(full.peak > 0)
                #expect(alone.peak == full.peak, "rate \(rate), blocks \(blocks): \(alone.peak) against \(full.peak)")
                #expect(alone.blocks == 0 && full.blocks > 0)
            }
        }
    }
}
