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
