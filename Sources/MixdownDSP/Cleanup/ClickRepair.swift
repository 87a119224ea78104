import Foundation
import MixdownCore

/// Mouth clicks found and repaired.
///
/// A click is a short burst that no linear prediction from the samples before it explains:
/// in each 21 ms frame an order-16 predictor (autocorrelation method, over the frame and its
/// context) leaves a residual; samples whose residual stands `threshold` times over its robust
/// spread (1.4826 × median |e|) are hits, hits within 1 ms make one span, widened by 0.5 ms
/// before and 1 ms after. Spans longer than 3 ms are left alone (a plosive, an onset), and so
/// is a frame with more than three spans or a span whose peak is not twice every other peak in
/// the frame: voiced speech's glottal pulses come in rows of like peaks, clicks stand alone. A span is rebuilt from both sides — predicted forwards from the samples before,
/// backwards from those after, cross-faded — in every channel.
public enum ClickRepair {
    public static let order = 16
    public static let threshold: Float = 12

    public final class Stream {
        let frame: Int, context: Int
        let channels: Int
        var buffer: [[Float]]       // context + frame + context
        var ready: [[Float]]        // the repaired frame going out while the next comes in
        var filled: Int
        public private(set) var repaired = 0
        var mono: [Float]
        var residual: [Float]
        /// Scratch for the residual's median, and the predictor's analysis window (both made
        /// once: a frame allocates nothing).
        var magnitudes: [Float]
        let taper: [Double]
        var windowed: [Double]

        public var latency: Int { frame + context }

        public init(sampleRate: Int, channels: Int) {
            frame = 1_024 * sampleRate / 48_000
            context = 256 * sampleRate / 48_000
            self.channels = channels
            buffer = Array(repeating: [Float](repeating: 0, count: frame + 2 * context), count: channels)
            ready = Array(repeating: [Float](repeating: 0, count: frame), count: channels)
            filled = 2 * context
            mono = [Float](repeating: 0, count: frame + 2 * context)
            residual = [Float](repeating: 0, count: frame)
            magnitudes = residual
            let n = frame + 2 * context
            taper = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(n)) }
            windowed = [Double](repeating: 0, count: n)
        }

        /// Repairs `block` in place, `latency` samples behind.
        public func process(_ block: inout AudioBlock) {
            var position = 0
            let length = frame + 2 * context
            while position < block.frames {
                let n = min(length - filled, block.frames - position)
                let start = filled - 2 * context
                for c in 0..<channels {
                    for i in 0..<n {
                        buffer[c][filled + i] = block.channels[c][position + i]
                        block.channels[c][position + i] = ready[c][start + i]
                    }
                }
                filled += n
                position += n
                if filled == length {
                    repairFrame()
                    for c in 0..<channels {
                        for i in 0..<frame { ready[c][i] = buffer[c][context + i] }
                        buffer[c].withUnsafeMutableBufferPointer { b in b.baseAddress!.update(from: b.baseAddress! + frame, count: 2 * context) }
                    }
                    filled = 2 * context
                }
            }
        }

        func repairFrame() {
            let length = frame + 2 * context
            let scale = 1 / Float(channels)
            for i in 0..<length {
                var s: Float = 0
                for c in 0..<channels { s += buffer[c][i] }
                mono[i] = s * scale
            }
            for i in 0..<length { windowed[i] = Double(mono[i]) * taper[i] }
            guard let a = ClickRepair.predictor(windowed: windowed, order: ClickRepair.order) else { return }
            let p = ClickRepair.order
            for i in 0..<frame {
                let n = context + i
                var prediction: Float = 0
                for k in 1...p { prediction += a[k] * mono[n - k] }
                residual[i] = mono[n] - prediction
            }
            for i in 0..<frame { magnitudes[i] = abs(residual[i]) }
            let middle = magnitudes.count / 2
            magnitudes.sort()
            let spread = 1.4826 * magnitudes[middle]
            // Digital silence or near it: nothing to tell a click from.
            guard spread > 1e-6 else { return }
            let limit = ClickRepair.threshold * spread
            let joinGap = frame / 21            // ~1 ms
            var spans = [(start: Int, end: Int)]()
            for i in 0..<frame where abs(residual[i]) > limit {
                if let last = spans.last, i - last.end <= joinGap { spans[spans.count - 1].end = i + 1 } else { spans.append((i, i + 1)) }
            }
            guard !spans.isEmpty, spans.count <= 3 else { return }
            let before = joinGap / 2, after = joinGap
            for span in spans {
                // A click stands alone: its peak at least twice anything else in the frame's
                // residual. Glottal pulses (a buzzy synthetic voice's above all) come in rows of
                // like peaks and are left alone.
                var inside: Float = 0, outside: Float = 0
                for i in 0..<frame {
                    let m = abs(residual[i])
                    if i >= span.start - joinGap && i < span.end + joinGap { inside = max(inside, m) } else { outside = max(outside, m) }
                }
                guard inside >= 2 * outside else { continue }
                let a0 = context + span.start - before, b0 = context + span.end + after
                guard b0 - a0 <= 3 * joinGap + before + after, a0 >= p, b0 + p <= length else { continue }
                for c in 0..<channels { rebuild(&buffer[c], from: a0, to: b0, predictor: a) }
                repaired += 1
            }
        }

        /// Samples [start, end) of `x` predicted forwards from before and backwards from after
        /// (the autocorrelation predictor serves both directions), cross-faded.
        func rebuild(_ x: inout [Float], from start: Int, to end: Int, predictor a: [Float]) {
            let p = ClickRepair.order
            let n = end - start
            var forward = [Float](repeating: 0, count: n + p), backward = [Float](repeating: 0, count: n + p)
            for k in 0..<p { forward[k] = x[start - p + k]; backward[n + k] = x[end + k] }
            for i in 0..<n {
                var s: Float = 0
                for k in 1...p { s += a[k] * forward[p + i - k] }
                forward[p + i] = s
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s: Float = 0
                for k in 1...p { s += a[k] * backward[i + k] }
                backward[i] = s
            }
            for i in 0..<n {
                let t = (Float(i) + 0.5) / Float(n)
                let w = 0.5 - 0.5 * cos(Float.pi * t)
                x[start + i] = forward[p + i] * (1 - w) + backward[i] * w
            }
        }
    }

    /// Linear-prediction coefficients a[1…order] (a[0] unused) by Levinson–Durbin over the
    /// autocorrelation of `w` (the frame, Hann-windowed), with a little white-noise correction;
    /// nil for silence.
    static func predictor(windowed w: [Double], order: Int) -> [Float]? {
        let n = w.count
        var r = [Double](repeating: 0, count: order + 1)
        w.withUnsafeBufferPointer { w in
            for lag in 0...order {
                var s = 0.0
                for i in lag..<n { s += w[i] * w[i - lag] }
                r[lag] = s
            }
        }
        guard r[0] > 1e-12 else { return nil }
        r[0] *= 1.0001
        var a = [Double](repeating: 0, count: order + 1)
        var error = r[0]
        for i in 1...order {
            var acc = r[i]
            for j in 1..<i { acc -= a[j] * r[i - j] }
            let k = acc / error
            var next = a
            next[i] = k
            for j in 1..<i { next[j] = a[j] - k * a[i - j] }
            a = next
            error *= (1 - k * k)
            guard error > 0 else { return nil }
        }
        return a.map { Float($0) }
    }
}
