import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// Long-term energy of the mid signal in six bands (docs/analysis.md), by Welch's method: Hann
/// frames of ~6 Hz resolution, no overlap, one-sided power summed over each band's bins.
/// A band's value is the mean square of the band-limited mid signal in dB: a full-scale
/// sine inside the band reads −3.01 dB.
public enum BandEnergy {
    public static let bands: [(name: String, low: Double, high: Double)] = [
        ("sub", 20, 60), ("bass", 60, 200), ("lowMid", 200, 500),
        ("mid", 500, 2_000), ("presence", 2_000, 6_000), ("air", 6_000, 16_000),
    ]

    /// Welch's long-term power spectrum: |X_k|² of Hann-windowed frames of `size` samples, no
    /// overlap, summed over the frames (k = 0…size/2), with the window's power and frame count
    /// for normalising. The shared measure of tonal balance (band energies, reference matching,
    /// hybrid voice). `keep`, given a frame's mean square, selects frames (speech, or pauses).
    public static func longTermSpectrum(of x: [Float], size: Int, keep: ((Double) -> Bool)? = nil) -> (power: [Double], windowPower: Double, frames: Int) {
        let fft = RealFFT(size: size)
        let window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
        let windowPower = window.reduce(0) { $0 + Double($1) * Double($1) }
        var accumulated = [Double](repeating: 0, count: size / 2 + 1)
        var frames = 0
        x.withUnsafeBufferPointer { p in
            window.withUnsafeBufferPointer { w in
                for f in 0..<(x.count / size) {
                    let base = f * size
                    if let keep, !keep(VectorOps.sumOfSquares(p.baseAddress! + base, count: size) / Double(size)) { continue }
                    frames += 1
                    fft.powerSpectrum(fill: { buf in for i in 0..<size { buf[i] = p[base + i] * w[i] } },
                                      power: { q in for k in 0..<q.count { accumulated[k] += Double(q[k]) } })
                }
            }
        }
        return (accumulated, windowPower, frames)
    }

    /// Mean square per band, in the order of `bands`; nil where the band holds no bins or
    /// the signal is silent there.
    public static func meanSquares(of mid: [Float], sampleRate: Int) -> [Double?] {
        var size = 1
        while size < sampleRate / 6 { size *= 2 }
        while size > mid.count && size > 256 { size /= 2 }
        guard mid.count >= size else { return bands.map { _ in nil } }
        let (accumulated, windowPower, frames) = longTermSpectrum(of: mid, size: size)
        return bandMeanSquares(accumulated, windowPower: windowPower, frames: frames, size: size, sampleRate: sampleRate)
    }

    /// Mean square per band from a Welch spectrum summed over `frames` frames of `size`.
    public static func bandMeanSquares(_ accumulated: [Double], windowPower: Double, frames: Int, size: Int, sampleRate: Int) -> [Double?] {
        let binHz = Double(sampleRate) / Double(size)
        let nyquist = size / 2
        return bands.map { band in
            let lo = Int((band.low / binHz).rounded(.up))
            let hi = min(Int((band.high / binHz).rounded(.up)), nyquist)
            guard lo < hi, frames > 0 else { return nil }
            var sum = 0.0
            for k in lo..<hi { sum += (k == 0 || k == nyquist ? 1 : 2) * accumulated[k] }
            let meanSquare = sum / (Double(size) * windowPower * Double(frames))
            return meanSquare > 0 ? meanSquare : nil
        }
    }
}
