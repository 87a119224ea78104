#if canImport(Glibc)
import Glibc
#endif

/// The BS.1770 K-weighting pre-filter (a high-shelf "head" filter followed by the RLB high-pass)
/// derived for any sample rate from its analogue prototype by the bilinear transform, rather
/// than the 48 kHz coefficient table in the standard. At 48 kHz this reproduces the table to
/// ~1e-9; at other rates it is the same filter, not a resampled approximation.
public enum KWeighting {
    // Analogue prototype parameters that reproduce the BS.1770 48 kHz coefficients
    // (the derivation libebur128 publishes).
    static let shelfFrequency = 1_681.974_450_955_533
    static let shelfGainDB = 3.999_843_853_973_347
    static let shelfQ = 0.707_175_236_955_419_6
    static let highPassFrequency = 38.135_470_876_024_44
    static let highPassQ = 0.500_327_037_323_877_3

    public static func stages(sampleRate: Int) -> (shelf: Biquad, highPass: Biquad) {
        let rate = Double(sampleRate)

        var k = tan(Double.pi * shelfFrequency / rate)
        let vh = pow(10, shelfGainDB / 20)
        let vb = pow(vh, 0.499_666_774_154_541_6)
        var a0 = 1 + k / shelfQ + k * k
        let shelf = Biquad(b0: (vh + vb * k / shelfQ + k * k) / a0,
                           b1: 2 * (k * k - vh) / a0,
                           b2: (vh - vb * k / shelfQ + k * k) / a0,
                           a1: 2 * (k * k - 1) / a0,
                           a2: (1 - k / shelfQ + k * k) / a0)

        // The standard's high-pass numerator is an unnormalised [1, −2, 1], which gives it a
        // passband gain of a0(48 kHz) ≈ 1.005 (+0.043 dB). Keep that gain at every rate, so the
        // filter is the same filter everywhere and 48 kHz is exactly the table.
        let passbandGain = highPassA0(rate: 48_000)
        k = tan(Double.pi * highPassFrequency / rate)
        a0 = highPassA0(rate: rate)
        let g = passbandGain / a0
        let highPass = Biquad(b0: g, b1: -2 * g, b2: g,
                              a1: 2 * (k * k - 1) / a0,
                              a2: (1 - k / highPassQ + k * k) / a0)
        return (shelf, highPass)
    }

    private static func highPassA0(rate: Double) -> Double {
        let k = tan(Double.pi * highPassFrequency / rate)
        return 1 + k / highPassQ + k * k
    }
}

extension KWeighting {
    /// The K-weighting filter over two channels at once (SIMD2 lanes, transposed direct form
    /// II), summing the weighted energy of what comes out: what a loudness meter needs, and
    /// what `Phrases` needs every 10 ms. The registers carry on from call to call, so where a
    /// stream is cut into calls changes nothing.
    public struct Pair: Sendable {
        let shelf: Biquad, highPass: Biquad
        var registers = SIMD8<Double>.zero

        public init(sampleRate: Int) { (shelf, highPass) = KWeighting.stages(sampleRate: sampleRate) }

        /// Σ weights · z² over `count` samples of `a` and `b` (one lane each), on from `start`.
        @inline(__always)
        public mutating func energy(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                                    from start: SIMD2<Double>, weights: SIMD2<Double>) -> SIMD2<Double> {
            let s = (b0: SIMD2(repeating: shelf.b0), b1: SIMD2(repeating: shelf.b1), b2: SIMD2(repeating: shelf.b2),
                     a1: SIMD2(repeating: shelf.a1), a2: SIMD2(repeating: shelf.a2))
            let h = (b0: SIMD2(repeating: highPass.b0), b1: SIMD2(repeating: highPass.b1), b2: SIMD2(repeating: highPass.b2),
                     a1: SIMD2(repeating: highPass.a1), a2: SIMD2(repeating: highPass.a2))
            let r = registers
            var s1 = SIMD2(r[0], r[1]), s2 = SIMD2(r[2], r[3]), h1 = SIMD2(r[4], r[5]), h2 = SIMD2(r[6], r[7])
            var sum = start
            for i in 0..<count {
                let x = SIMD2(Double(a[i]), Double(b[i]))
                let y = s.b0 * x + s1
                s1 = s.b1 * x - s.a1 * y + s2
                s2 = s.b2 * x - s.a2 * y
                let z = h.b0 * y + h1
                h1 = h.b1 * y - h.a1 * z + h2
                h2 = h.b2 * y - h.a2 * z
                sum += z * z * weights
            }
            var next = SIMD8(s1[0], s1[1], s2[0], s2[1], h1[0], h1[1], h2[0], h2[1])
            // Registers decayed below 1e-50 go to zero, as in FilterChain.State.settle: silence
            // would otherwise leave them cycling in the slow subnormal range.
            next.replace(with: 0, where: (next .< 1e-50) .& (next .> -1e-50))
            registers = next
            return sum
        }
    }
}
