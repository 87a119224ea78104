import Dispatch
import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// A look-ahead peak limiter: gain never lets a sample (or, with `truePeak`, the signal between
/// samples, found by 4x oversampling) exceed `ceiling`, reaches its floor over the look-ahead
/// window before the peak (no step, no click) and recovers with a release.
///
/// The required gain min(1, ceiling/|x|) is taken as a running minimum over the next `lookAhead`
/// samples, released smoothly upward, then averaged over `lookAhead` samples: since every value
/// in the window ending at a peak is at most the peak's required gain, so is their mean.
public struct PeakLimiter: Sendable {
    public var ceiling: Float
    public var lookAhead: Int
    public var releaseSamples: Int
    public var truePeak: Bool

    public init(ceiling: Float, lookAhead: Int = 240, releaseSamples: Int = 4_800, truePeak: Bool = false) {
        (self.ceiling, self.lookAhead, self.releaseSamples, self.truePeak) = (ceiling, lookAhead, releaseSamples, truePeak)
    }

    /// Applies `gain` and the limiter to every channel with one shared gain curve (the stereo
    /// image stays put).
    ///
    /// Most of a programme never comes near the ceiling, so the work is sparse: blocks whose
    /// (bounded) peak stays under the ceiling need no gain curve at all; the curve is computed
    /// only over spans around the blocks that might exceed it, widened by the look-ahead before
    /// and by the time the release takes to settle after (to within 10⁻⁶ of unity).
    public func process(_ buffer: AudioBuffer, gain: Float) -> AudioBuffer { limit(buffer, gain: gain).audio }

    /// As `process`, and says whether the limiter acted anywhere: when it did not, the output
    /// is exactly the input times `gain`, and so are its loudness and true peak.
    public func limit(_ buffer: AudioBuffer, gain: Float) -> (audio: AudioBuffer, acted: Bool) {
        let n = buffer.frameCount
        let meter = TruePeakMeter(sampleRate: buffer.sampleRate)
        let threshold = ceiling / gain   // input level above which the output would exceed the ceiling
        let blockSize = 1_024
        let blockCount = (n + blockSize - 1) / blockSize
        // Per channel, side by side: which blocks could exceed the ceiling.
        var hotByChannel = [[Bool]](repeating: [], count: buffer.channelCount)
        hotByChannel.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: buffer.channelCount) { c in
                slots[c] = buffer.channels[c].withUnsafeBufferPointer { x in
                    (0..<blockCount).map { b in
                        let range = (b * blockSize)..<min(n, (b + 1) * blockSize)
                        // Exact true peaks only where the cheap bound cannot rule the block out.
                        return VectorOps.peak(x.baseAddress! + range.lowerBound, count: range.count) > threshold
                            || (truePeak && meter.peakBound(x, range: range) > threshold && meter.peak(x, range: range) > threshold)
                    }
                }
            }
        }
        let hot = (0..<blockCount).map { b in hotByChannel.contains { $0[b] } }
        let settle = lookAhead + 14 * max(1, releaseSamples)
        var spans = [Range<Int>]()
        for b in 0..<blockCount where hot[b] {
            let span = max(0, b * blockSize - lookAhead - 1)..<min(n, (b + 1) * blockSize + settle)
            if let last = spans.last, last.upperBound >= span.lowerBound {
                spans[spans.count - 1] = last.lowerBound..<span.upperBound
            } else {
                spans.append(span)
            }
        }
        // Spans are independent (the curve is exactly 1 between them): compute them side by side.
        var curves = [[Float]](repeating: [], count: spans.count)
        curves.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: spans.count) { s in
                slots[s] = curve(over: spans[s], of: buffer, gain: gain, hot: hot, blockSize: blockSize, meter: meter)
            }
        }
        var channels = buffer.channels
        channels.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: slots.count) { c in
                slots[c].withUnsafeMutableBufferPointer { o in
                    for i in 0..<n { o[i] *= gain }
                    for (span, curve) in zip(spans, curves) {
                        curve.withUnsafeBufferPointer { g in
                            let base = o.baseAddress! + span.lowerBound
                            for i in 0..<span.count { base[i] *= g[i] }
                        }
                    }
                }
            }
        }
        return (AudioBuffer(sampleRate: buffer.sampleRate, channels: channels), !spans.isEmpty)
    }

    /// The gain curve over `span`, which starts at least a look-ahead before its first hot block
    /// and ends after the release has settled, so it meets unity at both ends.
    private func curve(over span: Range<Int>, of buffer: AudioBuffer, gain: Float, hot: [Bool], blockSize: Int,
                       meter: TruePeakMeter) -> [Float] {
        let m = span.count, start = span.lowerBound
        // Required gain min(1, ceiling/level) per frame; 1 outside hot blocks.
        var required = [Float](repeating: 1, count: m)
        var b = start / blockSize
        while b * blockSize < span.upperBound {
            guard hot[b] else { b += 1; continue }
            var end = b
            while end + 1 < hot.count && hot[end + 1] && (end + 1) * blockSize < span.upperBound { end += 1 }
            let range = max(start, b * blockSize)..<min(span.upperBound, (end + 1) * blockSize)
            for channel in buffer.channels {
                let detected = channel.withUnsafeBufferPointer { x in
                    truePeak ? meter.envelope(x, range: range) : range.map { abs(x[$0]) }
                }
                detected.withUnsafeBufferPointer { d in
                    required.withUnsafeMutableBufferPointer { r in
                        let offset = range.lowerBound - start
                        for i in 0..<range.count {
                            let level = d[i] * gain
                            if level > ceiling { r[offset + i] = min(r[offset + i], ceiling / level) }
                        }
                    }
                }
            }
            b = end + 1
        }
        var out = [Float](repeating: 1, count: m)
        required.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { o in
                // Running minimum over [i, i + lookAhead] with a monotonic queue (indices in a
                // flat buffer: each enters and leaves once).
                var queue = [Int](repeating: 0, count: m)
                queue.withUnsafeMutableBufferPointer { q in
                    var head = 0, tail = 0, next = 0
                    for i in 0..<m {
                        while next < m && next <= i + lookAhead {
                            while tail > head && r[q[tail - 1]] >= r[next] { tail -= 1 }
                            q[tail] = next
                            tail += 1
                            next += 1
                        }
                        while q[head] < i { head += 1 }
                        o[i] = r[q[head]]
                    }
                }
                // Release: fall at once, rise by a one-pole towards the floor. Then average over
                // the look-ahead window (causal): every value in the window ending at a peak is
                // at most the peak's required gain, so is their mean — a smooth approach.
                let coefficient = Float(1) - Float(exp(-1 / Double(max(1, releaseSamples))))
                var g: Float = 1
                var window = [Float](repeating: 1, count: lookAhead)
                var sum = Float(lookAhead)
                window.withUnsafeMutableBufferPointer { w in
                    var slot = 0, compensation = 0
                    for i in 0..<m {
                        let floor = o[i]
                        g = floor < g ? floor : g + (floor - g) * coefficient
                        sum += g - w[slot]
                        w[slot] = g
                        slot = slot + 1 == lookAhead ? 0 : slot + 1
                        o[i] = min(1, sum / Float(lookAhead))
                        compensation += 1
                        if compensation == 65_536 { sum = w.reduce(0, +); compensation = 0 }
                    }
                }
            }
        }
        return out
    }
}
