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

    public static func highShelf(_ f: Double, gainDB: Double, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), a = pow(10, gainDB / 40), alpha = s / 2 * 2.0.squareRoot(), sq = 2 * a.squareRoot() * alpha
        return normalised(a * ((a + 1) + (a - 1) * c + sq), -2 * a * ((a - 1) + (a + 1) * c), a * ((a + 1) + (a - 1) * c - sq),
                          (a + 1) - (a - 1) * c + sq, 2 * ((a - 1) - (a + 1) * c), (a + 1) - (a - 1) * c - sq)
    }

    public static func lowShelf(_ f: Double, gainDB: Double, rate: Int) -> Biquad {
        let (c, s) = w(f, rate), a = pow(10, gainDB / 40), alpha = s / 2 * 2.0.squareRoot(), sq = 2 * a.squareRoot() * alpha
        return normalised(a * ((a + 1) - (a - 1) * c + sq), 2 * a * ((a - 1) - (a + 1) * c), a * ((a + 1) - (a - 1) * c - sq),
                          (a + 1) + (a - 1) * c + sq, -2 * ((a - 1) + (a + 1) * c), (a + 1) + (a - 1) * c - sq)
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
        public mutating func reset() { for i in z.indices { z[i] = 0 } }
    }

    /// Filters `p` in place, continuing from `state` and leaving it where the block ends.
    /// Stages run two at a time in one loop: each stage's recursion is a chain of dependent
    /// multiply-adds, and interleaving two independent chains keeps the core busy.
    public func process(_ p: UnsafeMutableBufferPointer<Float>, state: inout State) {
        var k = 0
        while k + 1 < stages.count {
            let f = stages[k], g = stages[k + 1]
            var (f1, f2, g1, g2) = (state.z[2 * k], state.z[2 * k + 1], state.z[2 * k + 2], state.z[2 * k + 3])
            for i in 0..<p.count {
                let input = Double(p[i])
                let y = f.b0 * input + f1
                f1 = (f.b1 * input + f2) - f.a1 * y
                f2 = f.b2 * input - f.a2 * y
                let z = g.b0 * y + g1
                g1 = (g.b1 * y + g2) - g.a1 * z
                g2 = g.b2 * y - g.a2 * z
                p[i] = Float(z)
            }
            (state.z[2 * k], state.z[2 * k + 1], state.z[2 * k + 2], state.z[2 * k + 3]) = (f1, f2, g1, g2)
            k += 2
        }
        if k < stages.count {
            let f = stages[k]
            var z1 = state.z[2 * k], z2 = state.z[2 * k + 1]
            for i in 0..<p.count {
                let input = Double(p[i])
                let y = f.b0 * input + z1
                z1 = (f.b1 * input + z2) - f.a1 * y
                z2 = f.b2 * input - f.a2 * y
                p[i] = Float(y)
            }
            (state.z[2 * k], state.z[2 * k + 1]) = (z1, z2)
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

    public func split(_ x: [Float]) -> (low: [Float], mid: [Float], high: [Float]) {
        var stream = Stream(self)
        var (low, mid, high) = ([Float](repeating: 0, count: x.count), [Float](repeating: 0, count: x.count), [Float](repeating: 0, count: x.count))
        x.withUnsafeBufferPointer { x in
            low.withUnsafeMutableBufferPointer { l in
                mid.withUnsafeMutableBufferPointer { m in
                    high.withUnsafeMutableBufferPointer { h in stream.split(x, low: l, mid: m, high: h) }
                }
            }
        }
        return (low, mid, high)
    }
}

extension ThreeBandSplit {
    /// The split of one channel carried across blocks: `split(_:into:)` fills the three bands
    /// of a block, and blocks of any size give the same bands as the whole signal.
    public struct Stream: Sendable {
        let lp1, hp1, lp2, hp2, ap2: FilterChain
        var s1, s2, s3, s4, s5: FilterChain.State

        public init(_ split: ThreeBandSplit) {
            lp1 = FilterChain([.lowPass(split.low, rate: split.rate), .lowPass(split.low, rate: split.rate)])
            hp1 = FilterChain([.highPass(split.low, rate: split.rate), .highPass(split.low, rate: split.rate)])
            lp2 = FilterChain([.lowPass(split.high, rate: split.rate), .lowPass(split.high, rate: split.rate)])
            hp2 = FilterChain([.highPass(split.high, rate: split.rate), .highPass(split.high, rate: split.rate)])
            ap2 = FilterChain([.allPass(split.high, q: 0.5, rate: split.rate)])
            (s1, s2, s3, s4, s5) = (.init(lp1), .init(hp1), .init(lp2), .init(hp2), .init(ap2))
        }

        /// Low, mid and high bands of `x` (each at least `x.count` long).
        public mutating func split(_ x: UnsafeBufferPointer<Float>, low: UnsafeMutableBufferPointer<Float>,
                                   mid: UnsafeMutableBufferPointer<Float>, high: UnsafeMutableBufferPointer<Float>) {
            let n = x.count
            let lo = UnsafeMutableBufferPointer(rebasing: low[0..<n]), mi = UnsafeMutableBufferPointer(rebasing: mid[0..<n])
            let hi = UnsafeMutableBufferPointer(rebasing: high[0..<n])
            _ = lo.update(fromContentsOf: x)
            _ = mi.update(fromContentsOf: x)
            lp1.process(lo, state: &s1)
            ap2.process(lo, state: &s5)
            hp1.process(mi, state: &s2)
            _ = hi.update(fromContentsOf: mi)
            lp2.process(mi, state: &s3)
            hp2.process(hi, state: &s4)
        }
    }
}
