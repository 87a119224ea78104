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
