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
    public let stages: [Biquad]
    /// The stages with their coefficients in every lane (one channel, two), made once: a
    /// chain is run on every block, and rebuilding them there allocated on the hot path.
    let single: [LaneBiquad<Double>], double: [LaneBiquad<SIMD2<Double>>]
    public init(_ stages: [Biquad]) {
        self.stages = stages
        single = stages.map { LaneBiquad($0, splat: Double.splat) }
        double = stages.map { LaneBiquad($0, splat: SIMD2.splat) }
    }

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
        public init() { z = [] }
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
            Self.cascade(single, count: p.count, register: { z[$0] }, setRegister: { z[$0] = $1 },
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
                Self.cascade(double, count: min(a.count, b.count), register: { SIMD2(za[$0], zb[$0]) },
                             setRegister: { za[$0] = $1[0]; zb[$0] = $1[1] },
                             load: { SIMD2(Double(a[$0]), Double(b[$0])) }, store: { a[$0] = Float($1[0]); b[$0] = Float($1[1]) })
            }
        }
        sa.settle()
        sb.settle()
    }

    /// Biquads in series over `count` frames, in lanes `V` whose coefficients may differ lane
    /// by lane (two filters side by side). Registers 2k and 2k + 1 are stage k's. Stages run
    /// two at a time in one loop: each stage's recursion is a chain of dependent multiply-adds,
    /// and interleaving two independent chains keeps the core busy.
    @inline(__always)
    static func cascade<V: BiquadLanes>(_ stages: [LaneBiquad<V>], count n: Int, register: (Int) -> V, setRegister: (Int, V) -> Void,
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
        /// The low crossover's halves side by side, then the high crossover's on the upper half.
        var lowCrossover, highCrossover: FilterPair.Channels
        var ap2: FilterChain.Channels
        var low, mid, high: AudioBlock
        /// The upper half of the low crossover, which the high crossover splits.
        var upper: AudioBlock

        /// LR4 low and high at each crossover, and the high crossover's all-pass on the low band,
        /// which keeps it in phase with the other two (their sum is then an all-pass of the input).
        public init(_ split: ThreeBandSplit, channels: Int) {
            let (low, high, rate) = (split.low, split.high, split.rate)
            func lr4(_ f: Double) -> FilterPair {
                FilterPair(FilterChain([.lowPass(f, rate: rate), .lowPass(f, rate: rate)]), FilterChain([.highPass(f, rate: rate), .highPass(f, rate: rate)]))
            }
            lowCrossover = FilterPair.Channels(lr4(low), channels: channels)
            highCrossover = FilterPair.Channels(lr4(high), channels: channels)
            ap2 = FilterChain.Channels(FilterChain([.allPass(high, q: 0.5, rate: rate)]), channels: channels)
            self.low = AudioBlock(channels: channels, capacity: 4_096)
            (mid, self.high, upper) = (self.low, self.low, self.low)
        }

        /// The three bands (low, mid, high) of the last block split.
        public var bands: [AudioBlock] { [low, mid, high] }

        /// Band `b` (0 low, 1 mid, 2 high) of the last block split.
        public func band(_ b: Int) -> AudioBlock { b == 0 ? low : b == 1 ? mid : high }

        public mutating func split(_ block: AudioBlock) {
            if low.capacity < block.frames {
                low = AudioBlock(channels: block.channelCount, capacity: block.frames)
                (mid, high, upper) = (low, low, low)
            }
            lowCrossover.split(block, into: &low, &upper)
            ap2.process(&low)
            highCrossover.split(upper, into: &mid, &high)
        }

        /// Sets frames `range` of the three bands (of `frames` frames) to the first
        /// `range.count` frames of bands split before, side by side in `kept`: band b's channel
        /// c is `kept`'s channel b · channels + c.
        public mutating func load(_ kept: AudioBlock, channels: Int, into range: Range<Int>, frames: Int) {
            if low.capacity < frames {
                low = AudioBlock(channels: channels, capacity: frames)
                (mid, high, upper) = (low, low, low)
            }
            func fill(_ band: inout AudioBlock, _ b: Int) {
                band.frames = frames
                for c in 0..<channels {
                    kept.withChannel(b * channels + c) { (x: UnsafeBufferPointer<Float>) in
                        band.withChannel(c) { (out: UnsafeMutableBufferPointer<Float>) in
                            (out.baseAddress! + range.lowerBound).update(from: x.baseAddress!, count: range.count)
                        }
                    }
                }
            }
            fill(&low, 0)
            fill(&mid, 1)
            fill(&high, 2)
        }

        /// Lets a band be processed in place (a band's compressor).
        public mutating func withBand<R>(_ b: Int, _ body: (inout AudioBlock) throws -> R) rethrows -> R {
            switch b {
            case 0: return try body(&low)
            case 1: return try body(&mid)
            default: return try body(&high)
            }
        }
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

/// What a biquad's recursion needs of its signal type: one channel (Double) or several side
/// by side (SIMD2, SIMD4 of Double), with the same operations in the same order either way.
/// A scalar coefficient times a vector is the coefficient in every lane times it, so one
/// arithmetic serves a filter run on several channels and several filters run side by side.
protocol BiquadLanes: Sendable {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func splat(_ c: Double) -> Self
}

extension Double: BiquadLanes { static func splat(_ c: Double) -> Double { c } }
extension SIMD2: BiquadLanes where Scalar == Double { static func splat(_ c: Double) -> Self { Self(repeating: c) } }
extension SIMD4: BiquadLanes where Scalar == Double { static func splat(_ c: Double) -> Self { Self(repeating: c) } }

/// One biquad stage's coefficients lane by lane: lanes whose filters differ run in one loop.
struct LaneBiquad<V: BiquadLanes>: Sendable {
    var b0, b1, b2, a1, a2: V
    /// `first` in the lower lanes, `second` in the upper half (all lanes when `V` is one lane).
    init(_ first: Biquad, _ second: Biquad, _ lanes: (Double, Double) -> V) {
        (b0, b1, b2, a1, a2) = (lanes(first.b0, second.b0), lanes(first.b1, second.b1), lanes(first.b2, second.b2),
                                lanes(first.a1, second.a1), lanes(first.a2, second.a2))
    }
    /// The same stage in every lane.
    init(_ stage: Biquad, splat: (Double) -> V) { self.init(stage, stage) { a, _ in splat(a) } }
}

/// Two filter chains run side by side in one loop, lane by lane: over the same signal (a
/// crossover's two halves) or over two signals. A biquad's recursion is a chain of dependent
/// operations that leaves the core waiting when it runs alone; two chains in the lanes of one
/// vector cost little more than one. Every lane does exactly the arithmetic of its chain run
/// alone, so the outputs are bit for bit those of running the two one after the other. The
/// shorter chain is padded with pass-through stages (y = 1·x + 0, exact).
public struct FilterPair: Sendable {
    public let first: FilterChain, second: FilterChain
    /// The two chains' stages in lanes, made once: (first, second) over two signals, and
    /// (first L, first R, second L, second R) over a channel pair.
    let pair: [LaneBiquad<SIMD2<Double>>], quad: [LaneBiquad<SIMD4<Double>>]

    public init(_ first: FilterChain, _ second: FilterChain) {
        let length = max(first.stages.count, second.stages.count)
        let through = Biquad(b0: 1, b1: 0, b2: 0, a1: 0, a2: 0)
        func padded(_ chain: FilterChain) -> FilterChain {
            FilterChain(chain.stages + Array(repeating: through, count: length - chain.stages.count))
        }
        (self.first, self.second) = (padded(first), padded(second))
        let stages = zip(self.first.stages, self.second.stages)
        pair = stages.map { LaneBiquad($0, $1) { a, b in SIMD2(a, b) } }
        quad = stages.map { LaneBiquad($0, $1) { a, b in SIMD4(a, a, b, b) } }
    }

    /// `first` over `x` and `second` over `y`, each in place (one channel each).
    public func process(_ x: UnsafeMutableBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>,
                        state sx: inout FilterChain.State, _ sy: inout FilterChain.State) {
        sx.z.withUnsafeMutableBufferPointer { zx in
            sy.z.withUnsafeMutableBufferPointer { zy in
                FilterChain.cascade(pair, count: min(x.count, y.count), register: { SIMD2(zx[$0], zy[$0]) },
                                    setRegister: { zx[$0] = $1[0]; zy[$0] = $1[1] },
                                    load: { SIMD2(Double(x[$0]), Double(y[$0])) }, store: { x[$0] = Float($1[0]); y[$0] = Float($1[1]) })
            }
        }
        sx.settle()
        sy.settle()
    }

    /// Both chains over every channel of a stream, each with its own state per channel.
    public struct Channels: Sendable {
        public let pair: FilterPair
        var first: [FilterChain.State], second: [FilterChain.State]

        public init(_ pair: FilterPair, channels: Int) {
            self.pair = pair
            first = Array(repeating: FilterChain.State(pair.first), count: channels)
            second = Array(repeating: FilterChain.State(pair.second), count: channels)
        }

        /// `first` of the block into `a`, `second` of it into `b` (both hold the block's frames
        /// after): pairs of channels in the four lanes of a SIMD4, a last lone channel in two.
        public mutating func split(_ block: AudioBlock, into a: inout AudioBlock, _ b: inout AudioBlock) {
            let n = block.frames
            a.frames = n
            b.frames = n
            let quad = pair.quad
            var c = 0
            while c + 1 < block.channelCount {
                // The four states are swapped out (no copy) so their registers can be written together.
                var (fl, fr, sl, sr) = (FilterChain.State(), FilterChain.State(), FilterChain.State(), FilterChain.State())
                swap(&fl, &first[c]); swap(&fr, &first[c + 1]); swap(&sl, &second[c]); swap(&sr, &second[c + 1])
                block.channels[c].withUnsafeBufferPointer { l in
                    block.channels[c + 1].withUnsafeBufferPointer { r in
                        a.channels.withPair(c, c + 1) { al, ar in
                            b.channels.withPair(c, c + 1) { bl, br in
                                fl.z.withUnsafeMutableBufferPointer { zfl in
                                    fr.z.withUnsafeMutableBufferPointer { zfr in
                                        sl.z.withUnsafeMutableBufferPointer { zsl in
                                            sr.z.withUnsafeMutableBufferPointer { zsr in
                                                FilterChain.cascade(
                                                    quad, count: n, register: { SIMD4(zfl[$0], zfr[$0], zsl[$0], zsr[$0]) },
                                                    setRegister: { zfl[$0] = $1[0]; zfr[$0] = $1[1]; zsl[$0] = $1[2]; zsr[$0] = $1[3] },
                                                    load: { SIMD4(Double(l[$0]), Double(r[$0]), Double(l[$0]), Double(r[$0])) },
                                                    store: { al[$0] = Float($1[0]); ar[$0] = Float($1[1]); bl[$0] = Float($1[2]); br[$0] = Float($1[3]) })
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                swap(&fl, &first[c]); swap(&fr, &first[c + 1]); swap(&sl, &second[c]); swap(&sr, &second[c + 1])
                c += 2
            }
            if c < block.channelCount {
                a.withChannel(c) { (x: UnsafeMutableBufferPointer<Float>) in block.withChannel(c) { (src: UnsafeBufferPointer<Float>) in _ = x.update(fromContentsOf: src) } }
                b.withChannel(c) { (x: UnsafeMutableBufferPointer<Float>) in block.withChannel(c) { (src: UnsafeBufferPointer<Float>) in _ = x.update(fromContentsOf: src) } }
                var (sa, sb) = (FilterChain.State(), FilterChain.State())
                swap(&sa, &first[c]); swap(&sb, &second[c])
                a.channels.withUnsafeMutableBufferPointer { ac in
                    b.channels.withUnsafeMutableBufferPointer { bc in
                        ac[c].withUnsafeMutableBufferPointer { x in
                            bc[c].withUnsafeMutableBufferPointer { y in
                                pair.process(UnsafeMutableBufferPointer(rebasing: x[0..<n]), UnsafeMutableBufferPointer(rebasing: y[0..<n]), state: &sa, &sb)
                            }
                        }
                    }
                }
                swap(&sa, &first[c]); swap(&sb, &second[c])
            }
            for k in first.indices { first[k].settle(); second[k].settle() }
        }
    }
}
