import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// True-peak level (ITU-R BS.1770-4 Annex 2): the largest magnitude of the signal reconstructed
/// between its samples, found by oversampling (4x below 96 kHz, 2x below 192 kHz).
///
/// The interpolator is a Kaiser-windowed sinc with its cut-off at the original Nyquist
/// frequency, in polyphase form. Its phase 0 falls on the sinc's zero crossings, so it is the
/// input itself and the true peak is never below the sample peak. Phase p reconstructs the
/// signal at n + p/L from `tapsPerPhase` neighbours.
public struct TruePeakMeter: Sendable {
    public static let tapsPerPhase = 24
    public let oversampling: Int
    /// phases[p - 1][k] weights x[n − taps/2 + 1 + k] for position n + p/L.
    let phases: [[Float]]
    /// The largest Σ|h| of any phase: no interpolated value exceeds this times the local
    /// sample peak, which lets whole blocks be skipped once the running maximum is higher.
    let gainBound: Float

    public init(sampleRate: Int) {
        oversampling = sampleRate < 96_000 ? 4 : (sampleRate < 192_000 ? 2 : 1)
        let taps = Self.tapsPerPhase
        let beta = 7.0
        var phases = [[Float]]()
        for p in 1..<oversampling {
            let fraction = Double(p) / Double(oversampling)
            var h = (0..<taps).map { k -> Double in
                let t = fraction - Double(k - taps / 2 + 1)   // distance from tap to the position
                let u = t / (Double(taps) / 2)
                let window = abs(u) >= 1 ? 0 : Self.besselI0(beta * (1 - u * u).squareRoot()) / Self.besselI0(beta)
                let sinc = t == 0 ? 1 : sin(Double.pi * t) / (Double.pi * t)
                return sinc * window
            }
            // Unity gain at DC for every phase: a constant stays constant between samples.
            let sum = h.reduce(0, +)
            h = h.map { $0 / sum }
            phases.append(h.map(Float.init))
        }
        self.phases = phases
        gainBound = phases.map { $0.reduce(0) { $0 + abs($1) } }.max() ?? 1
    }

    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > sum * 1e-12 {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }

    /// Largest reconstructed magnitude (linear) of one channel. Beyond both ends the signal
    /// is taken as silence, so the first and last blocks run over small zero-padded copies.
    public func peak(_ samples: UnsafeBufferPointer<Float>) -> Float {
        let n = samples.count
        guard n > 0 else { return 0 }
        let half = Self.tapsPerPhase / 2, edge = 256
        let zeros = [Float](repeating: 0, count: half)
        if n <= 2 * edge {
            let padded = zeros + Array(samples) + zeros
            return padded.withUnsafeBufferPointer { scan($0.baseAddress! + half, from: 0, to: n, peak: 0) }
        }
        let head = zeros + Array(samples[0..<(edge + half)])
        var peak = head.withUnsafeBufferPointer { scan($0.baseAddress! + half, from: 0, to: edge, peak: 0) }
        peak = scan(samples.baseAddress!, from: edge, to: n - edge, peak: peak)
        let tail = Array(samples[(n - edge - half)..<n]) + zeros
        return tail.withUnsafeBufferPointer { scan($0.baseAddress! + half, from: 0, to: edge, peak: peak) }
    }

    /// Scans positions [from, to) of `x`, which may be read `taps/2` beyond both ends, in
    /// blocks; a block whose neighbourhood cannot beat the running peak is skipped.
    private func scan(_ x: UnsafePointer<Float>, from: Int, to: Int, peak initial: Float) -> Float {
        let taps = Self.tapsPerPhase, half = taps / 2
        var peak = initial
        var start = from
        while start < to {
            let count = min(1024, to - start)
            let first = x + (start - half + 1)   // the earliest sample any output of this block reads
            let local = VectorOps.peak(first, count: count + taps - 1)
            peak = max(peak, VectorOps.peak(x + start, count: count))
            if local * gainBound > peak {
                for phase in phases {
                    phase.withUnsafeBufferPointer { h in
                        peak = max(peak, Self.interpolatedPeak(first, outputs: count, taps: h))
                    }
                }
            }
            start += count
        }
        return peak
    }

    /// max |Σ_k h[k]·x[j + k]| over j < outputs, sixteen outputs at a time in two SIMD8
    /// accumulators (register blocking keeps the taps' loads in flight).
    @inline(__always)
    private static func interpolatedPeak(_ x: UnsafePointer<Float>, outputs: Int, taps h: UnsafeBufferPointer<Float>) -> Float {
        var peak = VectorOps.Lane()
        var j = 0
        while j + 16 <= outputs {
            var a0 = VectorOps.Lane(), a1 = VectorOps.Lane()
            let src = x + j
            for k in 0..<h.count {
                let c = h[k]
                a0 += c * VectorOps.load(src + k)
                a1 += c * VectorOps.load(src + k + 8)
            }
            peak = VectorOps.maximum(peak, VectorOps.maximum(VectorOps.magnitude(a0), VectorOps.magnitude(a1)))
            j += 16
        }
        var m = peak.max()
        while j < outputs {
            var acc: Float = 0
            for k in 0..<h.count { acc += h[k] * x[j + k] }
            m = max(m, abs(acc))
            j += 1
        }
        return m
    }
}
