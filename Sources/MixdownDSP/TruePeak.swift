import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// True-peak level (ITU-R BS.1770-4 Annex 2): the largest magnitude of the signal reconstructed
/// between its samples, found by oversampling to at least 192 kHz (4x at 48 kHz, 5x at 44.1,
/// 8x at 24; 2x from 96 kHz).
///
/// The interpolator is a Kaiser-windowed sinc with its cut-off at the original Nyquist
/// frequency, in polyphase form. Its phase 0 falls on the sinc's zero crossings, so it is the
/// input itself and the true peak is never below the sample peak. Phase p reconstructs the
/// signal at n + p/L from `tapsPerPhase` neighbours.
public struct TruePeakMeter: Sendable {
    public static let tapsPerPhase = 24
    public let oversampling: Int
    /// phases[p - 1][k] weights x[n − taps/2 + 1 + k] for position n + p/L.
    public let phases: [[Float]]
    /// The largest Σ|h| of any phase: no interpolated value exceeds this times the local
    /// sample peak, which lets whole blocks be skipped once the running maximum is higher.
    public let gainBound: Float

    public init(sampleRate: Int) {
        // At least 4x (BS.1770), and at least 192 kHz in all: a 24 kHz file needs 8x to see its
        // peaks as finely as a 48 kHz one does at 4x.
        oversampling = sampleRate >= 192_000 ? 1 : sampleRate >= 96_000 ? 2 : max(4, (192_000 + sampleRate - 1) / sampleRate)
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

    public static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > sum * 1e-12 {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }

    /// Largest reconstructed magnitude (linear) of one channel. Beyond both ends the signal
    /// is taken as silence.
    public func peak(_ samples: UnsafeBufferPointer<Float>) -> Float {
        peak(samples, range: 0..<samples.count)
    }

    /// Largest reconstructed magnitude over positions `range`. Positions whose taps stay inside
    /// the signal are scanned in place; the few near either end over a zero-padded copy.
    public func peak(_ samples: UnsafeBufferPointer<Float>, range: Range<Int>) -> Float {
        let n = samples.count, half = Self.tapsPerPhase / 2
        guard !range.isEmpty else { return 0 }
        func padded(_ r: Range<Int>, _ peak: Float) -> Float {
            guard !r.isEmpty else { return peak }
            var copy = [Float](repeating: 0, count: r.count + 2 * half)
            for i in max(0, r.lowerBound - half)..<min(n, r.upperBound + half) { copy[i - r.lowerBound + half] = samples[i] }
            return copy.withUnsafeBufferPointer { scan($0.baseAddress! + half, from: 0, to: r.count, peak: peak) }
        }
        let inside = max(range.lowerBound, half)..<max(max(range.lowerBound, half), min(range.upperBound, n - half))
        guard !inside.isEmpty else { return padded(range, 0) }
        var peak = padded(range.lowerBound..<inside.lowerBound, 0)
        peak = scan(samples.baseAddress!, from: inside.lowerBound, to: inside.upperBound, peak: peak)
        return padded(inside.upperBound..<range.upperBound, peak)
    }

    /// Scans positions [from, to) of `x`, which may be read `taps/2` beyond both ends, in
    /// blocks; a block whose neighbourhood cannot beat the running peak is skipped.
    func scan(_ x: UnsafePointer<Float>, from: Int, to: Int, peak initial: Float) -> Float {
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

    /// The reconstructed magnitude at and after each of `count` positions of `x`: out[j] is the
    /// largest of |x[j]| and the L − 1 reconstructions between x[j] and x[j + 1]. Reads x
    /// `taps/2 − 1` samples before and `taps/2` after. Per position this is what `scan` finds
    /// for a one-position range, computed for a whole run at once (a limiter's detector).
    public func levels(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        for j in 0..<count { out[j] = abs(x[j]) }
        let first = x - (Self.tapsPerPhase / 2 - 1)
        for phase in phases {
            phase.withUnsafeBufferPointer { h in
                Self.interpolate(first, outputs: count, taps: h,
                                 sixteen: { j, a0, a1 in
                                     let o = out + j
                                     VectorOps.store(VectorOps.maximum(VectorOps.load(o), a0), to: o)
                                     VectorOps.store(VectorOps.maximum(VectorOps.load(o + 8), a1), to: o + 8)
                                 },
                                 one: { j, v in out[j] = max(out[j], v) })
            }
        }
    }

    /// max |Σ_k h[k]·x[j + k]| over j < outputs.
    @inline(__always)
    private static func interpolatedPeak(_ x: UnsafePointer<Float>, outputs: Int, taps h: UnsafeBufferPointer<Float>) -> Float {
        var peak = VectorOps.Lane()
        var m: Float = 0
        interpolate(x, outputs: outputs, taps: h,
                    sixteen: { _, a0, a1 in peak = VectorOps.maximum(peak, VectorOps.maximum(a0, a1)) },
                    one: { _, v in m = max(m, v) })
        return max(m, peak.max())
    }

    /// |Σ_k h[k]·x[j + k]| for every j < outputs, handed over sixteen at a time (two SIMD8
    /// accumulators: register blocking keeps the taps' loads in flight) and the rest one by
    /// one. Each output sums its taps in the same order either way, so its value does not
    /// depend on where a run starts.
    @inline(__always)
    private static func interpolate(_ x: UnsafePointer<Float>, outputs: Int, taps h: UnsafeBufferPointer<Float>,
                                    sixteen: (Int, VectorOps.Lane, VectorOps.Lane) -> Void, one: (Int, Float) -> Void) {
        var j = 0
        while j + 16 <= outputs {
            var a0 = VectorOps.Lane(), a1 = VectorOps.Lane()
            let src = x + j
            for k in 0..<h.count {
                let c = h[k]
                a0 += c * VectorOps.load(src + k)
                a1 += c * VectorOps.load(src + k + 8)
            }
            sixteen(j, VectorOps.magnitude(a0), VectorOps.magnitude(a1))
            j += 16
        }
        while j < outputs {
            var acc: Float = 0
            for k in 0..<h.count { acc += h[k] * x[j + k] }
            one(j, abs(acc))
            j += 1
        }
    }
}

extension TruePeakMeter {
    /// Frames per entry of `Stream.blockPeaks`: the grid on which a limiter skips what cannot
    /// reach its ceiling.
    public static let peakBlock = 4_096

    /// True peak of one channel measured block by block. A position's reconstruction needs the
    /// 12 samples after it, so each call finishes the positions it can and keeps the last 23
    /// samples for the next; `finish` completes the end against silence. Besides the overall
    /// peak it keeps the peak of every 4,096-frame block of the programme (4 bytes per 85 ms),
    /// unless asked for the overall peak alone: then a stretch whose samples cannot beat the
    /// peak so far (`gainBound` times their own peak) is not oversampled at all, which on
    /// most programmes is most of them.
    public struct Stream: Sendable {
        let meter: TruePeakMeter
        /// Whether `blockPeaks` is kept (every position oversampled).
        let perBlock: Bool
        /// Samples [done − 11, seen): what the next positions need.
        var carry: [Float]
        var scratch: [Float] = []
        var done = 0
        public private(set) var peak: Float = 0
        public private(set) var blockPeaks: [Float] = []

        public init(_ meter: TruePeakMeter, blockPeaks: Bool = true) {
            self.meter = meter
            perBlock = blockPeaks
            carry = [Float](repeating: 0, count: TruePeakMeter.tapsPerPhase / 2 - 1)
        }

        public mutating func process(_ x: UnsafeBufferPointer<Float>) {
            let history = TruePeakMeter.tapsPerPhase / 2 - 1, lookAhead = TruePeakMeter.tapsPerPhase / 2
            let total = carry.count + x.count
            if scratch.count < total + lookAhead { scratch = [Float](repeating: 0, count: total + lookAhead + 1_024) }
            scratch.withUnsafeMutableBufferPointer { s in
                _ = UnsafeMutableBufferPointer(rebasing: s[0..<carry.count]).update(fromContentsOf: carry)
                _ = UnsafeMutableBufferPointer(rebasing: s[carry.count..<total]).update(fromContentsOf: x)
            }
            // Positions done..<(seen − 12) have all their taps.
            let ready = max(0, total - history - lookAhead)
            measure(positions: ready)
            // Keep what the remaining positions need.
            carry = Array(scratch[ready..<total])
            done += ready
        }

        /// Per 4,096-frame block, the largest of several channels' peaks.
        public static func blockPeaks(of streams: [Stream]) -> [Float] {
            var peaks = [Float]()
            for s in streams { peaks = peaks.isEmpty ? s.blockPeaks : zip(peaks, s.blockPeaks).map { max($0, $1) } }
            return peaks
        }

        /// Completes the last positions against silence after the end.
        public mutating func finish() {
            let history = TruePeakMeter.tapsPerPhase / 2 - 1, lookAhead = TruePeakMeter.tapsPerPhase / 2
            let pending = carry.count - history
            guard pending > 0 else { return }
            if scratch.count < carry.count + lookAhead { scratch = [Float](repeating: 0, count: carry.count + lookAhead) }
            scratch.withUnsafeMutableBufferPointer { s in
                _ = UnsafeMutableBufferPointer(rebasing: s[0..<carry.count]).update(fromContentsOf: carry)
                s.baseAddress!.advanced(by: carry.count).update(repeating: 0, count: lookAhead)
            }
            measure(positions: pending)
            done += pending
            carry = Array(carry.suffix(history))
        }

        /// Measures `count` positions from `done`; scratch[history + j] is position done + j.
        private mutating func measure(positions count: Int) {
            let history = TruePeakMeter.tapsPerPhase / 2 - 1
            guard perBlock else {
                peak = scratch.withUnsafeBufferPointer { s in meter.scan(s.baseAddress! + history, from: 0, to: count, peak: peak) }
                return
            }
            var j = 0
            while j < count {
                let position = done + j
                let block = position / TruePeakMeter.peakBlock
                let run = min(count - j, (block + 1) * TruePeakMeter.peakBlock - position)
                let p = scratch.withUnsafeBufferPointer { s in meter.scan(s.baseAddress! + history + j, from: 0, to: run, peak: 0) }
                while blockPeaks.count <= block { blockPeaks.append(0) }
                blockPeaks[block] = max(blockPeaks[block], p)
                peak = max(peak, p)
                j += run
            }
        }
    }
}
