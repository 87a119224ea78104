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

/// Dense limiting: where nearly every sample is over the ceiling, from the very first one. The
/// limiter used to start from a window of unit gains, so the peaks of its first `lookAhead`
/// samples came out barely limited (white noise at 0.9 through a −7.5 dBFS ceiling left at
/// −1.1 dBFS); these pin down that the ceiling holds for any input, whole or streamed.
@Suite struct DenseLimitingTests {
    static let ceiling: Float = 0.42   // −7.54 dBFS
    static var ceilingDB: Double { 20 * log10(Double(ceiling)) }

    /// Uncorrelated stereo white noise, uniform in ±amplitude.
    static func noise(amplitude: Float, frames: Int, seed: UInt64 = 11) -> AudioBuffer {
        var random = SplitMix(seed: seed)
        return AudioBuffer(sampleRate: 48_000, channels: (0..<2).map { _ in (0..<frames).map { _ in amplitude * Float(random.nextSigned()) } })
    }

    /// A programme that starts loud, settles (quiet for longer than the release takes) and gets
    /// loud again, with a short burst between: every path of the stream (hot, releasing,
    /// settled, skipping to the next hot block) in one.
    static func bursts(amplitude: Float) -> AudioBuffer {
        var random = SplitMix(seed: 5)
        let frames = 150_000
        let loud = { (i: Int) in i < 20_000 || (70_000..<72_500).contains(i) || i >= 120_000 }
        return AudioBuffer(sampleRate: 48_000, channels: (0..<2).map { _ in
            (0..<frames).map { i in (loud(i) ? amplitude : 0.05) * Float(random.nextSigned()) }
        })
    }

    static func samplePeak(_ buffer: AudioBuffer) -> Float { buffer.channels.map { $0.map(abs).max() ?? 0 }.max() ?? 0 }

    /// The limiter as a caller streams it: its hot blocks from a true-peak pass, then the input
    /// in blocks of `size` frames and the held-back frames at the end.
    static func streamed(_ limiter: PeakLimiter, _ input: AudioBuffer, gain: Float, blockSize size: Int) -> AudioBuffer {
        let meter = TruePeakMeter(sampleRate: input.sampleRate)
        let peaks = TruePeakMeter.Stream.blockPeaks(of: input.channels.map { channel in
            var stream = TruePeakMeter.Stream(meter)
            channel.withUnsafeBufferPointer { stream.process($0) }
            stream.finish()
            return stream
        })
        var stream = PeakLimiter.Stream(limiter, channels: input.channelCount, sampleRate: input.sampleRate, gain: gain,
                                        hot: PeakLimiter.hotBlocks(peaks: peaks, gain: gain, ceiling: limiter.ceiling))
        var out = [[Float]](repeating: [], count: input.channelCount)
        var block = AudioBlock(channels: input.channelCount, capacity: max(size, limiter.latency))
        func take() { for c in out.indices { out[c] += block.channels[c][0..<block.frames] } }
        var position = 0
        while position < input.frameCount {
            let n = min(size, input.frameCount - position)
            block.frames = n
            for c in 0..<input.channelCount { block.channels[c].replaceSubrange(0..<n, with: input.channels[c][position..<position + n]) }
            stream.process(&block)
            take()
            position += n
        }
        block.frames = 0
        stream.finish(&block)
        take()
        return AudioBuffer(sampleRate: input.sampleRate, channels: out)
    }

    @Test("white noise over the ceiling, sample peaks", arguments: [Float(0.45), 0.5, 0.6, 0.9, 4])
    func noiseSamplePeaksHold(amplitude: Float) {
        let input = Self.noise(amplitude: amplitude, frames: 200_000)
        for (lookAhead, release) in [(240, 7_200), (96, 2_400)] {
            let limiter = PeakLimiter(ceiling: Self.ceiling, lookAhead: lookAhead, releaseSamples: release, truePeak: false)
            let (out, acted) = limiter.limit(input, gain: 1)
            #expect(acted)
            #expect(out.frameCount == input.frameCount)
            let peak = Self.samplePeak(out)
            // Exact: no sample over, not even by rounding.
            #expect(peak <= Self.ceiling, "amplitude \(amplitude), look-ahead \(lookAhead): peak \(20 * log10(Double(peak))) dBFS")
            // And it limits to the ceiling, not well under it.
            #expect(peak >= Self.ceiling * 0.999)
        }
    }

    @Test("white noise over the ceiling, true peaks", arguments: [Float(0.45), 0.6, 0.9, 4])
    func noiseTruePeaksHold(amplitude: Float) throws {
        let input = Self.noise(amplitude: amplitude, frames: 200_000)
        for (lookAhead, release) in [(240, 7_200), (96, 2_400)] {
            let limiter = PeakLimiter(ceiling: Self.ceiling, lookAhead: lookAhead, releaseSamples: release, truePeak: true)
            let out = limiter.process(input, gain: 1)
            // The detector sees the input's reconstruction; the output's moves a little with the
            // gain between samples (measured: under 0.01 dB).
            let truePeak = try #require(AudioAnalysis.analyze(out).truePeakDbtp)
            #expect(truePeak <= Self.ceilingDB + 0.05, "amplitude \(amplitude), look-ahead \(lookAhead): \(truePeak) dBTP")
            #expect(truePeak >= Self.ceilingDB - 0.1)
        }
    }

    /// Whole or in blocks of any size, the output is the same to the bit, and holds the ceiling.
    @Test("streamed in blocks of any size", arguments: [false, true])
    func streamsIdenticallyInAnyBlockSize(truePeak: Bool) throws {
        let limiter = PeakLimiter(ceiling: Self.ceiling, lookAhead: 96, releaseSamples: 2_400, truePeak: truePeak)
        for (input, gain) in [(Self.noise(amplitude: 0.9, frames: 60_000), Float(1)), (Self.bursts(amplitude: 0.6), Float(1.5))] {
            let whole = limiter.process(input, gain: gain)
            for size in [1, 17, 4_096, 10_000] {
                let streamed = Self.streamed(limiter, input, gain: gain, blockSize: size)
                #expect(streamed.channels == whole.channels, "block size \(size)")
            }
            if truePeak {
                let truePeakDB = try #require(AudioAnalysis.analyze(whole).truePeakDbtp)
                #expect(truePeakDB <= Self.ceilingDB + 0.05)
            } else {
                #expect(Self.samplePeak(whole) <= Self.ceiling)
            }
        }
    }

    /// The bursts programme settles between its loud spans: there, the output is the input times
    /// the gain exactly (the quiet span before the burst at 70,000, past the release).
    @Test func settlesToExactlyTheGainBetweenDenseSpans() {
        let input = Self.bursts(amplitude: 0.6)
        let gain: Float = 1.5
        let out = PeakLimiter(ceiling: Self.ceiling, lookAhead: 96, releaseSamples: 2_400).process(input, gain: gain)
        let settled = 20_000 + 96 + 14 * 2_400 + 1
        for c in 0..<2 {
            for i in settled..<(70_000 - 4_096 - 96) where out.channels[c][i] != input.channels[c][i] * gain {
                Issue.record("sample \(i) of channel \(c) changed"); return
            }
        }
    }

    /// A steady sine 10 dB over the ceiling: held at the ceiling, and at its loudness (a perfect
    /// limiter would apply a constant −10 dB, leaving an RMS of ceiling/√2).
    @Test("sine 10 dB over the ceiling", arguments: [false, true])
    func loudSineIsHeldAtTheCeiling(truePeak: Bool) throws {
        let input = Signals.sine(frequency: 997, dBFS: Self.ceilingDB + 10, seconds: 2)
        let out = PeakLimiter(ceiling: Self.ceiling, lookAhead: 96, releaseSamples: 2_400, truePeak: truePeak).process(input, gain: 1)
        if truePeak {
            let truePeakDB = try #require(AudioAnalysis.analyze(out).truePeakDbtp)
            #expect(truePeakDB <= Self.ceilingDB + 0.05)
        } else {
            #expect(Self.samplePeak(out) <= Self.ceiling)
        }
        let rms = sqrt(out.channels[0].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(out.frameCount))
        let perfect = Double(Self.ceiling) / 2.0.squareRoot()
        #expect(20 * log10(rms / perfect) > -1, "RMS \(20 * log10(rms / perfect)) dB from a perfect limiter's")
        // It starts limited: the first cycle is already under the ceiling.
        #expect(out.channels[0][0..<48].map(abs).max()! <= Self.ceiling * 1.001)
    }

    /// Sparse peaks (0.9 spikes every 5,000 samples in noise at 0.05) are limited to the
    /// ceiling, and the noise before the first spike's look-ahead is untouched.
    @Test func sparsePeaks() {
        var input = Self.noise(amplitude: 0.05, frames: 200_000, seed: 3)
        for i in stride(from: 2_500, to: input.frameCount, by: 5_000) { input.channels[0][i] = 0.9; input.channels[1][i + 1] = -0.9 }
        let limiter = PeakLimiter(ceiling: Self.ceiling, lookAhead: 240, releaseSamples: 7_200)
        let (out, acted) = limiter.limit(input, gain: 1)
        #expect(acted)
        let peak = Self.samplePeak(out)
        #expect(peak <= Self.ceiling && peak >= Self.ceiling * 0.999)
        for c in 0..<2 { #expect(out.channels[c][0..<(2_500 - 240)] == input.channels[c][0..<(2_500 - 240)]) }
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
