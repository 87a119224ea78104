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
        var spectrum = LongTermSpectrum(size: size)
        x.withUnsafeBufferPointer { spectrum.process($0, keep: keep) }
        return (spectrum.power, spectrum.windowPower, spectrum.frames)
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

/// Welch's long-term power spectrum accumulated as a signal streams past: samples gathered
/// into Hann frames of `size` (no overlap), each frame's |X_k|² added to `power`. A partial
/// last frame is left out, as the whole-signal measure leaves it out.
public struct LongTermSpectrum: Sendable {
    public let size: Int
    /// |X_k|² summed over the frames, k = 0…size/2.
    public private(set) var power: [Double]
    public private(set) var frames = 0
    public let windowPower: Double
    private let fft: RealFFT
    private let window: [Float]
    private var frame: [Float]
    private var filled = 0

    public init(size: Int) {
        self.size = size
        fft = RealFFT(size: size)
        window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size))) }
        windowPower = window.reduce(0) { $0 + Double($1) * Double($1) }
        power = [Double](repeating: 0, count: size / 2 + 1)
        frame = [Float](repeating: 0, count: size)
    }

    /// The mean power per frame: spectra of different lengths compare.
    public var meanPower: [Double] { frames > 0 ? power.map { $0 / Double(frames) } : power }

    /// Adds `x`, continuing the frame the previous call left unfinished. `keep`, given a whole
    /// frame's mean square, says whether it counts.
    public mutating func process(_ x: UnsafeBufferPointer<Float>, keep: ((Double) -> Bool)? = nil) {
        var i = 0
        while i < x.count {
            let run = min(x.count - i, size - filled)
            frame.withUnsafeMutableBufferPointer { ($0.baseAddress! + filled).update(from: x.baseAddress! + i, count: run) }
            (filled, i) = (filled + run, i + run)
            guard filled == size else { break }
            filled = 0
            if let keep, !frame.withUnsafeBufferPointer({ keep(VectorOps.sumOfSquares($0.baseAddress!, count: size) / Double(size)) }) { continue }
            frames += 1
            frame.withUnsafeBufferPointer { f in
                window.withUnsafeBufferPointer { w in
                    fft.powerSpectrum(fill: { buf in for j in 0..<f.count { buf[j] = f[j] * w[j] } },
                                      power: { q in for k in 0..<q.count { power[k] += Double(q[k]) } })
                }
            }
        }
    }
}
