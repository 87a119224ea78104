import MixdownCore
import MixdownTestSupport
import Testing
@testable import MixdownDSP

/// Recursive filters fed digital silence after a signal must come to rest at exactly zero at the
/// end of a block. Left alone their Double registers decay into the subnormal range and can cycle
/// there for ever, and arithmetic on subnormals is about a hundred times slower: the speech bus
/// of a two-hour bed (silent after its first seconds) once doubled the whole render's time.
@Suite struct SilenceSettlingTests {
    /// A tone burst, then 2 s of silence, in blocks of 4,096.
    static func burstThenSilence() -> [Float] {
        var x = Signals.sine(frequency: 997, dBFS: -6, seconds: 2.5).channels[0]
        for i in 24_000..<x.count { x[i] = 0 }
        return x
    }

    @Test func aHighPassComesToRestAtZeroInSilenceAndBlocksStayTheWhole() {
        // The speech bus's high-pass and the de-esser's crossover: poles close to the unit circle.
        let chain = FilterChain([.highPass(80, rate: 48_000), .highPass(5_000, rate: 48_000), .lowPass(5_000, rate: 48_000)])
        let x = Self.burstThenSilence()
        var state = FilterChain.State(chain)
        var blocked = x
        blocked.withUnsafeMutableBufferPointer { p in
            var start = 0
            while start < p.count {
                let end = min(p.count, start + 4_096)
                chain.process(UnsafeMutableBufferPointer(rebasing: p[start..<end]), state: &state)
                start = end
            }
        }
        #expect(state.z.allSatisfy { $0 == 0 }, "registers after 2 s of silence: \(state.z)")
        // Settling changes nothing a Float holds: blocks give exactly the signal filtered whole.
        #expect(blocked == chain.processed(x))
        // And the tail is exactly silent rather than subnormal.
        #expect(blocked[(x.count - 4_096)...].allSatisfy { $0 == 0 })
    }

    @Test func twoChannelsInLanesSettleLikeOne() {
        let chain = FilterChain([.highPass(80, rate: 48_000), .peaking(3_500, gainDB: 3, q: 0.9, rate: 48_000)])
        let x = Self.burstThenSilence()
        var channels = FilterChain.Channels(chain, channels: 2)
        var block = AudioBlock(channels: 2, capacity: 4_096)
        var start = 0
        while start < x.count {
            let n = min(4_096, x.count - start)
            for c in 0..<2 { for i in 0..<n { block.channels[c][i] = x[start + i] } }
            block.frames = n
            channels.process(&block)
            start += n
        }
        #expect(channels.states.allSatisfy { $0.z.allSatisfy { $0 == 0 } })
    }

    @Test func theLoudnessMetersRegistersSettleInSilence() {
        let x = Self.burstThenSilence()
        var meter = LoudnessProfile.Meter(sampleRate: 48_000, weights: [1, 1])
        meter.process([x, x], count: x.count)
        #expect(meter.filters.allSatisfy { f in (0..<8).allSatisfy { f.registers[$0] == 0 } }, "\(meter.filters.map(\.registers))")
    }
}
