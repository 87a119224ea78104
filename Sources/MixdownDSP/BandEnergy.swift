import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// Long-term energy of the mid signal in six bands (DESIGN.md §5), by Welch's method: Hann
/// frames of ~6 Hz resolution, no overlap, one-sided power summed over each band's bins.
/// A band's value is the mean square of the band-limited mid signal in dB: a full-scale
/// sine inside the band reads −3.01 dB.
public enum BandEnergy {
    public static let bands: [(name: String, low: Double, high: Double)] = [
        ("sub", 20, 60), ("bass", 60, 200), ("lowMid", 200, 500),
        ("mid", 500, 2_000), ("presence", 2_000, 6_000), ("air", 6_000, 16_000),
    ]

    /// Mean square per band, in the order of `bands`; nil where the band holds no bins or
    /// the signal is silent there.
    public static func meanSquares(of mid: [Float], sampleRate: Int) -> [Double?] {
        var size = 1
        while size < sampleRate / 6 { size *= 2 }
        while size > mid.count && size > 256 { size /= 2 }
        guard mid.count >= size else { return bands.map { _ in nil } }
        let fft = RealFFT(size: size)
        let window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
        let windowPower = window.reduce(0) { $0 + Double($1) * Double($1) }
        var accumulated = [Double](repeating: 0, count: size / 2 + 1)
        let frames = mid.count / size
        mid.withUnsafeBufferPointer { x in
            window.withUnsafeBufferPointer { w in
                for f in 0..<frames {
                    let base = f * size
                    fft.powerSpectrum(fill: { buf in
                        for i in 0..<size { buf[i] = x[base + i] * w[i] }
                    }, power: { p in
                        for k in 0..<p.count { accumulated[k] += Double(p[k]) }
                    })
                }
            }
        }
        let binHz = Double(sampleRate) / Double(size)
        let nyquist = size / 2
        return bands.map { band in
            let lo = Int((band.low / binHz).rounded(.up))
            let hi = min(Int((band.high / binHz).rounded(.up)), nyquist)
            guard lo < hi else { return nil }
            var sum = 0.0
            for k in lo..<hi { sum += (k == 0 || k == nyquist ? 1 : 2) * accumulated[k] }
            let meanSquare = sum / (Double(size) * windowPower * Double(frames))
            return meanSquare > 0 ? meanSquare : nil
        }
    }
}
