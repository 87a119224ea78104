import Foundation
import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownDSP

/// The limiter works only over spans around blocks that could exceed the ceiling; these tests
/// pin down what that must not change: the ceiling holds between samples, the curve is smooth,
/// and everywhere else the output is exactly the input times the gain.
@Suite struct PeakLimiterTests {
    /// A quiet tone with two loud bursts, one of them an fs/4 tone whose peaks fall between samples.
    static func programme() -> AudioBuffer {
        let rate = 48_000
        var channel = Signals.sine(frequency: 440, dBFS: -20, seconds: 4).channels[0]
        for i in 48_000..<52_800 { channel[i] = 0.9 * Float(sin(2 * Double.pi * 997 * Double(i) / Double(rate))) }
        // fs/4 at 45° phase: samples at ±0.707·A, the waveform reaches A between them.
        for i in 120_000..<124_800 { channel[i] = 0.6 * Float(sin(Double.pi / 2 * Double(i) + Double.pi / 4)) }
        return AudioBuffer(sampleRate: rate, channels: [channel, channel.map { 0.8 * $0 }])
    }

    @Test func holdsTheTruePeakCeilingAndLeavesTheRestExactlyScaled() {
        let input = Self.programme()
        let limiter = PeakLimiter(ceiling: 0.5, lookAhead: 96, releaseSamples: 2_400, truePeak: true)
        let gain: Float = 1.2
        let (out, acted) = limiter.limit(input, gain: gain)
        #expect(acted)
        let meter = TruePeakMeter(sampleRate: 48_000)
        for c in 0..<2 {
            let peak = out.channels[c].withUnsafeBufferPointer { meter.peak($0) }
            #expect(peak <= 0.5 * 1.0001, "channel \(c) true peak \(peak)")
        }
        // The ISP burst is limited on its true peak: its sample peak ends well under the ceiling.
        let ispSamplePeak = out.channels[0][121_000..<124_000].map(abs).max()!
        #expect(ispSamplePeak < 0.5 * 0.75)
        // Far from both bursts (before the first look-ahead; after the release has settled) the
        // output is the scaled input, sample for sample.
        let settled = 52_800 + 96 + 14 * 2_400 + 1_024
        for c in 0..<2 {
            for i in Array(0..<40_000) + Array(settled..<118_000) + Array(160_000..<input.frameCount) {
                if out.channels[c][i] != input.channels[c][i] * gain { Issue.record("sample \(i) of channel \(c) changed"); return }
            }
        }
        // One gain for both channels: the image stays put.
        for i in stride(from: 48_000, to: 52_800, by: 7) where abs(input.channels[0][i]) > 0.1 {
            #expect(abs(out.channels[1][i] / out.channels[0][i] - 0.8) < 1e-4)
        }
        // Smooth: the applied gain moves by at most 1/lookAhead per sample (the averaging window).
        // (Read where the input is not near zero, so over gaps of a few samples.)
        var previous: (index: Int, gain: Float) = (0, 1)
        for i in 0..<input.frameCount where abs(input.channels[0][i]) > 0.05 {
            let g = out.channels[0][i] / (input.channels[0][i] * gain)
            if abs(g - previous.gain) > Float(i - previous.index) / 96 + 1e-3 { Issue.record("gain step \(previous) → \(g) at \(i)"); return }
            previous = (i, g)
        }
    }

    @Test func doesNothingButTheGainWhereNothingExceeds() {
        let input = Self.programme()
        let (out, acted) = PeakLimiter(ceiling: 0.99, lookAhead: 96, releaseSamples: 2_400, truePeak: true).limit(input, gain: 1)
        #expect(!acted)
        #expect(out.channels == input.channels)
    }
}

/// The vectorised paths must be the scalar ones, to the bit: the limiter's detector over a run
/// against one position at a time, and two channels filtered in SIMD lanes against each alone.
@Suite struct VectorisedPathTests {
    @Test(arguments: [44_100, 48_000, 24_000])
    func detectorLevelsAreEachPositionsScan(rate: Int) {
        let meter = TruePeakMeter(sampleRate: rate)
        var random = SplitMix(seed: 7)
        let x = (0..<4_200).map { _ in Float(random.nextSigned()) }
        let half = TruePeakMeter.tapsPerPhase / 2
        for (start, count) in [(half, 4_096), (half + 5, 17), (half + 100, 1), (half + 1_000, 333)] {
            var levels = [Float](repeating: -1, count: count)
            x.withUnsafeBufferPointer { p in
                levels.withUnsafeMutableBufferPointer { meter.levels(p.baseAddress! + start, count: count, into: $0.baseAddress!) }
                for j in 0..<count {
                    let one = meter.scan(p.baseAddress! + start + j, from: 0, to: 1, peak: 0)
                    if levels[j] != one { Issue.record("rate \(rate), position \(start + j): \(levels[j]) vs \(one)"); return }
                }
            }
        }
    }

    @Test func pairedChannelsFilterAsEachAlone() {
        let chain = FilterChain([.highPass(80, rate: 48_000), .peaking(3_500, gainDB: 2, q: 0.9, rate: 48_000),
                                 .lowPass(5_000, rate: 48_000)])
        var random = SplitMix(seed: 3)
        let left = (0..<10_000).map { _ in Float(random.nextSigned()) }
        let right = (0..<10_000).map { _ in Float(random.nextSigned() / 2) }
        // Alone, in one go.
        let expected = [chain.processed(left), chain.processed(right)]
        // Paired, in uneven blocks, through the per-channel processor a stream uses.
        var channels = FilterChain.Channels(chain, channels: 2)
        var out: [[Float]] = [[], []]
        var position = 0
        for size in [1, 4_096, 7, 3_000, 10_000] where position < left.count {
            let n = min(size, left.count - position)
            var block = AudioBlock(channels: 2, capacity: n)
            block.frames = n
            block.channels = [Array(left[position..<position + n]), Array(right[position..<position + n])]
            channels.process(&block)
            out[0] += block.channels[0]; out[1] += block.channels[1]
            position += n
        }
        #expect(out[0] == expected[0])
        #expect(out[1] == expected[1])
    }
}
