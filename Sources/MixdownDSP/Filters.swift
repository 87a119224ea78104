import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// Second-order designs (RBJ cookbook, bilinear with pre-warping) at any sample rate.
extension Biquad {
    private static func normalised(_ b0: Double, _ b1: Double, _ b2: Double, _ a0: Double, _ a1: Double, _ a2: Double) -> Biquad {
        Biquad(b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0)
    }

    private static func w(_ f: Double, _ rate: Int) -> (cos: Double, sin: Double) {
        let w0 = 2 * Double.pi * f / Double(rate)
        return (cos(w0), sin(w0))
    }

    public static func lowPass(_ f: Double, q: Double = 0.707_106_781, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), alpha = s / (2 * q)
        return normalised((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha)
    }

    public static func highPass(_ f: Double, q: Double = 0.707_106_781, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), alpha = s / (2 * q)
        return normalised((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha)
    }

    public static func allPass(_ f: Double, q: Double = 0.707_106_781, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), alpha = s / (2 * q)
        return normalised(1 - alpha, -2 * c, 1 + alpha, 1 + alpha, -2 * c, 1 - alpha)
    }

    public static func peaking(_ f: Double, gainDB: Double, q: Double, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), alpha = s / (2 * q), a = pow(10, gainDB / 40)
        return normalised(1 + alpha * a, -2 * c, 1 - alpha * a, 1 + alpha / a, -2 * c, 1 - alpha / a)
    }

    public static func lowShelf(_ f: Double, gainDB: Double, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), a = pow(10, gainDB / 40), alpha = s / 2 * 2.0.squareRoot(), sq = 2 * a.squareRoot() * alpha
        return normalised(a * ((a + 1) - (a - 1) * c + sq), 2 * a * ((a - 1) - (a + 1) * c), a * ((a + 1) - (a - 1) * c - sq),
                          (a + 1) + (a - 1) * c + sq, -2 * ((a - 1) + (a + 1) * c), (a + 1) + (a - 1) * c - sq)
    }

    public static func highShelf(_ f: Double, gainDB: Double, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), a = pow(10, gainDB / 40), alpha = s / 2 * 2.0.squareRoot(), sq = 2 * a.squareRoot() * alpha
        return normalised(a * ((a + 1) + (a - 1) * c + sq), -2 * a * ((a - 1) + (a + 1) * c), a * ((a + 1) + (a - 1) * c - sq),
                          (a + 1) - (a - 1) * c + sq, 2 * ((a - 1) - (a + 1) * c), (a + 1) - (a - 1) * c - sq)
    }
}

/// A cascade of biquads run over a channel in place (transposed direct form II, Double state).
public struct FilterChain: Sendable {
    public var stages: [Biquad]
    public init(_ stages: [Biquad]) { self.stages = stages }

    public func process(_ x: inout [Float]) {
        var state = State(self)
        x.withUnsafeMutableBufferPointer { process($0, state: &state) }
    }

    public func process(_ p: UnsafeMutableBufferPointer<Float>) {
        var state = State(self)
        process(p, state: &state)
    }

    /// The two delay registers of every stage: what a channel carries from one block to the
    /// next, so a signal filtered in blocks of any size comes out identical to one filtered whole.
    public struct State: Sendable {
        var z: [Double]
        public init(_ chain: FilterChain) { z = [Double](repeating: 0, count: 2 * chain.stages.count) }
        /// No registers: a placeholder to swap a state out of an array without copying it.
        init() { z = [] }
        public mutating func reset() { for i in z.indices { z[i] = 0 } }

        /// Registers that have decayed below 1e-50 are set to zero at the end of a block.
        /// Left alone, a recursion fed silence decays into the subnormal range, where rounding
        /// is absolute and a second-order section can hold a tiny limit cycle for ever; every
        /// multiply on a subnormal then costs about a hundred cycles (measured here: the speech
        /// bus of a two-hour bed, silent after its first seconds, doubled the render's time).
        /// At 1e-50 a register is 700 dB below full scale, so the output cannot change by
        /// anything a Float holds, and a signal filtered in blocks stays the one filtered whole.
        mutating func settle() { for i in z.indices where abs(z[i]) < 1e-50 { z[i] = 0 } }
    }

    /// Filters `p` in place, continuing from `state` and leaving it where the block ends.
    public func process(_ p: UnsafeMutableBufferPointer<Float>, state: inout State) {
        state.z.withUnsafeMutableBufferPointer { z in
            run(count: p.count, register: { z[$0] }, setRegister: { z[$0] = $1 },
                load: { Double(p[$0]) }, store: { p[$0] = Float($1) })
        }
        state.settle()
    }

    /// Filters two channels at once, one in each lane of a SIMD2<Double>: every lane does
    /// exactly the arithmetic of filtering its channel alone, so each comes out identical to
    /// that, at about the cost of one channel.
    public func process(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
                        state sa: inout State, _ sb: inout State) {
        sa.z.withUnsafeMutableBufferPointer { za in
            sb.z.withUnsafeMutableBufferPointer { zb in
                run(count: min(a.count, b.count), register: { SIMD2(za[$0], zb[$0]) }, setRegister: { za[$0] = $1[0]; zb[$0] = $1[1] },
                    load: { SIMD2(Double(a[$0]), Double(b[$0])) }, store: { a[$0] = Float($1[0]); b[$0] = Float($1[1]) })
            }
        }
        sa.settle()
        sb.settle()
    }

    /// The stages over `count` frames, in lanes `V` (one channel, or two). Stages run two at a
    /// time in one loop: each stage's recursion is a chain of dependent multiply-adds, and
    /// interleaving two independent chains keeps the core busy.
    @inline(__always)
    private func run<V: BiquadLanes>(count n: Int, register: (Int) -> V, setRegister: (Int, V) -> Void,
                                     load: (Int) -> V, store: (Int, V) -> Void) {
        var k = 0
        while k + 1 < stages.count {
            let f = stages[k], g = stages[k + 1]
            var (f1, f2, g1, g2) = (register(2 * k), register(2 * k + 1), register(2 * k + 2), register(2 * k + 3))
            for i in 0..<n {
                let input = load(i)
                let y = f.b0 * input + f1
                f1 = (f.b1 * input + f2) - f.a1 * y
                f2 = f.b2 * input - f.a2 * y
                let z = g.b0 * y + g1
                g1 = (g.b1 * y + g2) - g.a1 * z
                g2 = g.b2 * y - g.a2 * z
                store(i, z)
            }
            setRegister(2 * k, f1); setRegister(2 * k + 1, f2); setRegister(2 * k + 2, g1); setRegister(2 * k + 3, g2)
            k += 2
        }
        if k < stages.count {
            let f = stages[k]
            var (z1, z2) = (register(2 * k), register(2 * k + 1))
            for i in 0..<n {
                let input = load(i)
                let y = f.b0 * input + z1
                z1 = (f.b1 * input + z2) - f.a1 * y
                z2 = f.b2 * input - f.a2 * y
                store(i, y)
            }
            setRegister(2 * k, z1); setRegister(2 * k + 1, z2)
        }
    }

    public func processed(_ x: [Float]) -> [Float] {
        var y = x
        process(&y)
        return y
    }
}

/// Linkwitz–Riley 4th-order crossover: two Butterworth sections per side, so low + high sum
/// to an all-pass (flat magnitude). Splitting into three bands puts the upper crossover's
/// all-pass on the low band, so all three still sum flat.
public struct ThreeBandSplit: Sendable {
    public let low, high: Double
    public let rate: Int
    public init(low: Double, high: Double, rate: Int) { (self.low, self.high, self.rate) = (low, high, rate) }

    /// The three bands of a whole signal.
    public func split(_ x: [Float]) -> (low: [Float], mid: [Float], high: [Float]) {
        var bands = Channels(self, channels: 1)
        var block = AudioBlock(channels: 1, capacity: 0)
        (block.channels, block.frames) = ([x], x.count)
        bands.split(block)
        let band = { (b: Int) in Array(bands.bands[b].channels[0].prefix(x.count)) }
        return (band(0), band(1), band(2))
    }
}

extension ThreeBandSplit {
    /// The split of every channel of a stream, block by block, pairs of channels in SIMD lanes:
    /// `split(_:)` fills `bands` (low, mid, high) with the block's frames.
    public struct Channels: Sendable {
        var lp1, hp1, lp2, hp2, ap2: FilterChain.Channels
        public private(set) var bands: [AudioBlock]

        /// LR4 low and high at each crossover, and the high crossover's all-pass on the low band,
        /// which keeps it in phase with the other two (their sum is then an all-pass of the input).
        public init(_ split: ThreeBandSplit, channels: Int) {
            let (low, high, rate) = (split.low, split.high, split.rate)
            func chain(_ stages: [Biquad]) -> FilterChain.Channels { FilterChain.Channels(FilterChain(stages), channels: channels) }
            lp1 = chain([.lowPass(low, rate: rate), .lowPass(low, rate: rate)])
            hp1 = chain([.highPass(low, rate: rate), .highPass(low, rate: rate)])
            lp2 = chain([.lowPass(high, rate: rate), .lowPass(high, rate: rate)])
            hp2 = chain([.highPass(high, rate: rate), .highPass(high, rate: rate)])
            ap2 = chain([.allPass(high, q: 0.5, rate: rate)])
            bands = Array(repeating: AudioBlock(channels: channels, capacity: 4_096), count: 3)
        }

        public mutating func split(_ block: AudioBlock) {
            if bands[0].capacity < block.frames {
                bands = Array(repeating: AudioBlock(channels: block.channelCount, capacity: block.frames), count: 3)
            }
            bands[0].copy(from: block)
            bands[1].copy(from: block)
            lp1.process(&bands[0])
            ap2.process(&bands[0])
            hp1.process(&bands[1])
            bands[2].copy(from: bands[1])
            lp2.process(&bands[1])
            hp2.process(&bands[2])
        }

        /// Lets a band be processed in place (a band's compressor).
        public mutating func withBand<R>(_ b: Int, _ body: (inout AudioBlock) throws -> R) rethrows -> R { try body(&bands[b]) }
    }
}

extension FilterChain {
    /// A chain with its own state for every channel of a stream: filters blocks in place, two
    /// channels at a time in SIMD lanes.
    public struct Channels: Sendable {
        public let chain: FilterChain
        var states: [State]

        public init(_ chain: FilterChain, channels: Int) {
            self.chain = chain
            states = Array(repeating: State(chain), count: channels)
        }

        public mutating func process(_ block: inout AudioBlock) {
            let n = block.frames
            var c = 0
            while c + 1 < block.channelCount {
                // The second state is swapped out (no copy) so the two can be passed together.
                var second = State()
                swap(&second, &states[c + 1])
                block.channels.withPair(c, c + 1) { a, b in
                    chain.process(UnsafeMutableBufferPointer(rebasing: a[0..<n]), UnsafeMutableBufferPointer(rebasing: b[0..<n]),
                                  state: &states[c], &second)
                }
                swap(&second, &states[c + 1])
                c += 2
            }
            if c < block.channelCount { block.withChannel(c) { chain.process($0, state: &states[c]) } }
        }
    }
}

/// What a biquad's recursion needs of its signal type: one channel (Double) or two side by side
/// (SIMD2<Double>), with the same operations in the same order either way.
protocol BiquadLanes {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (c: Double, v: Self) -> Self
}

extension Double: BiquadLanes {}
extension SIMD2: BiquadLanes where Scalar == Double {}
