import MixdownCore
import MixdownTestSupport
import Foundation
import Testing
@testable import MixdownDSP

/// Two filter chains run side by side in the lanes of one loop must give, bit for bit, what
/// each gives run alone: the crossovers of the master chain and the de-esser rely on it, so a
/// render is the same however its filters are scheduled.
@Suite struct FilterPairTests {
    static let rate = 48_000
    static let low = FilterChain([.lowPass(150, rate: rate), .lowPass(150, rate: rate)])
    static let high = FilterChain([.highPass(150, rate: rate), .highPass(150, rate: rate)])

    /// Stereo noise with different channels, in blocks of 4,096 and a ragged last block.
    static func noise(channels: Int) -> AudioBuffer { Signals.noise(seconds: 1.3, rmsDBFS: -12, channels: channels, seed: 11) }

    /// The chain run alone over a whole channel.
    static func alone(_ chain: FilterChain, _ x: [Float]) -> [Float] { chain.processed(x) }

    @Test(arguments: [1, 2, 3])
    func aCrossoverSplitInLanesIsEachHalfRunAlone(channels: Int) {
        let input = Self.noise(channels: channels)
        var pair = FilterPair.Channels(FilterPair(Self.low, Self.high), channels: channels)
        var block = AudioBlock(channels: channels, capacity: 4_096)
        var a = block, b = block
        var lows = [[Float]](repeating: [], count: channels), highs = lows
        var start = 0
        while start < input.frameCount {
            let n = min(4_096, input.frameCount - start)
            for c in 0..<channels { for i in 0..<n { block.channels[c][i] = input.channels[c][start + i] } }
            block.frames = n
            pair.split(block, into: &a, &b)
            #expect(a.frames == n && b.frames == n)
            for c in 0..<channels {
                lows[c] += a.channels[c].prefix(n)
                highs[c] += b.channels[c].prefix(n)
            }
            start += n
        }
        for c in 0..<channels {
            #expect(lows[c] == Self.alone(Self.low, input.channels[c]), "channel \(c), low half")
            #expect(highs[c] == Self.alone(Self.high, input.channels[c]), "channel \(c), high half")
        }
    }

    @Test func twoSignalsThroughChainsOfDifferentLengthsAreEachRunAlone() {
        // The master chain's low end: a one-stage all-pass on the mid beside a two-stage
        // high-pass on the side; the shorter is padded with stages that pass exactly.
        let allPass = FilterChain([.allPass(120, q: 0.5, rate: Self.rate)])
        let input = Self.noise(channels: 2)
        let pair = FilterPair(allPass, Self.high)
        var (x, y) = (input.channels[0], input.channels[1])
        var (sx, sy) = (FilterChain.State(pair.first), FilterChain.State(pair.second))
        x.withUnsafeMutableBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in pair.process(xp, yp, state: &sx, &sy) }
        }
        #expect(x == Self.alone(allPass, input.channels[0]))
        #expect(y == Self.alone(Self.high, input.channels[1]))
    }

    @Test func theThreeBandSplitStillSumsToAnAllPass() {
        // low + mid + high of an LR4 three-band split is the input through the two crossovers'
        // all-passes: flat in magnitude, so the energy of white noise is kept within 0.1 dB.
        let input = Self.noise(channels: 1).channels[0]
        let bands = ThreeBandSplit(low: 150, high: 3_000, rate: Self.rate).split(input)
        let sum = (0..<input.count).map { bands.low[$0] + bands.mid[$0] + bands.high[$0] }
        let energy = { (x: [Float]) in x.reduce(0.0) { $0 + Double($1) * Double($1) } }
        #expect(abs(10 * log10(energy(sum) / energy(input))) < 0.1)
    }
}
