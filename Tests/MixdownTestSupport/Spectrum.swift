import Foundation

/// An independent spectrum for tests: the product's analysis is not used to judge the product.
/// A Welch average (Hann-windowed frames of 8,192 samples, half overlapping) of the power
/// spectrum by a plain radix-2 FFT, summed into octave bands.
public enum Spectrum {
    /// Octave-band centres from 63 Hz to 16 kHz (ISO 266 nominal).
    public static let octaveCentres: [Double] = [63, 125, 250, 500, 1_000, 2_000, 4_000, 8_000, 16_000]

    /// Mean power spectrum of `channels` (averaged over channels), bins 0…n/2.
    public static func power(_ channels: [[Float]], frame n: Int = 8_192) -> [Double] {
        var sum = [Double](repeating: 0, count: n / 2 + 1)
        var frames = 0
        let window = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) }
        for x in channels where x.count >= n {
            for start in stride(from: 0, through: x.count - n, by: n / 2) {
                var re = (0..<n).map { Double(x[start + $0]) * window[$0] }
                var im = [Double](repeating: 0, count: n)
                fft(&re, &im)
                for k in 0...(n / 2) { sum[k] += re[k] * re[k] + im[k] * im[k] }
                frames += 1
            }
        }
        return sum.map { $0 / Double(max(frames, 1)) }
    }

    /// Energy (dB, arbitrary reference) in each octave band around `octaveCentres`.
    public static func octaveLevels(_ channels: [[Float]], sampleRate: Int, frame n: Int = 8_192) -> [Double] {
        let p = power(channels, frame: n)
        let binHz = Double(sampleRate) / Double(n)
        return octaveCentres.map { centre in
            let low = centre / 2.0.squareRoot(), high = min(centre * 2.0.squareRoot(), Double(sampleRate) / 2)
            var e = 0.0
            for k in p.indices where Double(k) * binHz >= low && Double(k) * binHz < high { e += p[k] }
            return 10 * log10(e + 1e-30)
        }
    }

    /// The spectral balance of two signals compared: each signal's octave levels less their own
    /// mean (so overall loudness does not count), then the RMS of the differences (dB).
    public static func balanceDistance(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        let d = zip(a, b).map { ($0 - ma) - ($1 - mb) }
        return (d.map { $0 * $0 }.reduce(0, +) / Double(d.count)).squareRoot()
    }

    /// In-place iterative radix-2 FFT (n a power of two).
    public static func fft(_ re: inout [Double], _ im: inout [Double]) {
        let n = re.count
        precondition(n > 0 && n & (n - 1) == 0, "FFT length must be a power of two")
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var length = 2
        while length <= n {
            let angle = -2 * Double.pi / Double(length)
            let (wr, wi) = (cos(angle), sin(angle))
            for start in stride(from: 0, to: n, by: length) {
                var (cr, ci) = (1.0, 0.0)
                for k in 0..<(length / 2) {
                    let a = start + k, b = a + length / 2
                    let tr = re[b] * cr - im[b] * ci, ti = re[b] * ci + im[b] * cr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                    (cr, ci) = (cr * wr - ci * wi, cr * wi + ci * wr)
                }
            }
            length <<= 1
        }
    }
}
