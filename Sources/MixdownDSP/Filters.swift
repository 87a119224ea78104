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
        x.withUnsafeMutableBufferPointer { process($0) }
    }

    /// Stages run two at a time in one loop: each stage's recursion is a chain of dependent
    /// multiply-adds, and interleaving two independent chains keeps the core busy.
    public func process(_ p: UnsafeMutableBufferPointer<Float>) {
        var k = 0
        while k + 1 < stages.count {
            let f = stages[k], g = stages[k + 1]
            var (f1, f2, g1, g2) = (0.0, 0.0, 0.0, 0.0)
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
            k += 2
        }
        if k < stages.count {
            let f = stages[k]
            var z1 = 0.0, z2 = 0.0
            for i in 0..<p.count {
                let input = Double(p[i])
                let y = f.b0 * input + z1
                z1 = (f.b1 * input + z2) - f.a1 * y
                z2 = f.b2 * input - f.a2 * y
                p[i] = Float(y)
            }
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
        let lp1 = FilterChain([.lowPass(low, rate: rate), .lowPass(low, rate: rate)])
        let hp1 = FilterChain([.highPass(low, rate: rate), .highPass(low, rate: rate)])
        let lp2 = FilterChain([.lowPass(high, rate: rate), .lowPass(high, rate: rate)])
        let hp2 = FilterChain([.highPass(high, rate: rate), .highPass(high, rate: rate)])
        // An LR4 all-pass at `high` is LP² + HP², i.e. a 2nd-order all-pass with Q = 0.5.
        let ap2 = FilterChain([.allPass(high, q: 0.5, rate: rate)])
        let lowBand = ap2.processed(lp1.processed(x))
        let rest = hp1.processed(x)
        return (lowBand, lp2.processed(rest), hp2.processed(rest))
    }
}
