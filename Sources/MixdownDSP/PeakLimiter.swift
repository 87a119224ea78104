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
    public func process(_ buffer: AudioBuffer, gain: Float) -> AudioBuffer {
        let n = buffer.frameCount
        // Required gain per frame, after the make-up gain.
        var required = [Float](repeating: 1, count: n)
        let meter = TruePeakMeter(sampleRate: buffer.sampleRate)
        // The oversampled envelopes of the channels are independent: compute them side by side.
        var envelopes = [[Float]](repeating: [], count: buffer.channelCount)
        if truePeak {
            envelopes.withUnsafeMutableBufferPointer { slots in
                DispatchQueue.concurrentPerform(iterations: buffer.channelCount) { c in slots[c] = meter.envelope(buffer.channels[c]) }
            }
        }
        for (c, channel) in buffer.channels.enumerated() {
            let detected = truePeak ? envelopes[c] : channel
            detected.withUnsafeBufferPointer { x in
                required.withUnsafeMutableBufferPointer { r in
                    for i in 0..<n {
                        let level = abs(x[i] * gain)
                        if level > ceiling { r[i] = min(r[i], ceiling / level) }
                    }
                }
            }
        }
        // Running minimum over [i, i + lookAhead] with a monotonic queue.
        var floorGain = [Float](repeating: 1, count: n)
        var queue = [Int](), head = 0
        var next = 0
        for i in 0..<n {
            while next < n && next <= i + lookAhead {
                while queue.count > head && required[queue[queue.count - 1]] >= required[next] { queue.removeLast() }
                queue.append(next)
                next += 1
            }
            while queue[head] < i { head += 1 }
            floorGain[i] = required[queue[head]]
            if head > 4_096 { queue.removeFirst(head); head = 0 }
        }
        // Release: fall at once, rise by a one-pole towards the floor.
        let coefficient = Float(1) - Float(exp(-1 / Double(max(1, releaseSamples))))
        var released = floorGain
        var g: Float = 1
        for i in 0..<n {
            g = floorGain[i] < g ? floorGain[i] : g + (floorGain[i] - g) * coefficient
            released[i] = g
        }
        // Average over the look-ahead window (causal): a smooth approach to every peak.
        var smooth = [Float](repeating: 1, count: n)
        var sum = Float(lookAhead), window = [Float](repeating: 1, count: lookAhead)
        var compensation = 0
        for i in 0..<n {
            let slot = i % lookAhead
            sum += released[i] - window[slot]
            window[slot] = released[i]
            smooth[i] = min(1, sum / Float(lookAhead))
            compensation += 1
            if compensation == 65_536 { sum = window.reduce(0, +); compensation = 0 }
        }
        let channels = buffer.channels.map { ch -> [Float] in
            var out = ch
            out.withUnsafeMutableBufferPointer { o in
                smooth.withUnsafeBufferPointer { s in
                    for i in 0..<n { o[i] = o[i] * gain * s[i] }
                }
            }
            return out
        }
        return AudioBuffer(sampleRate: buffer.sampleRate, channels: channels)
    }
}
