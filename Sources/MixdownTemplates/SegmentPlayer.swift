import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

extension SoundTemplate.Segment {
    /// Crossfade at each loop seam: 20 ms, or a quarter of a short loop.
    public static let seamLength = 960

    /// Adds this segment's playback for segment time [0, count) into `out` (planar, same
    /// channel count) starting at `position`, times `gain`, with raised-cosine fades of
    /// `fadeIn` samples at the start and `fadeOut` at the end. Samples before 0 or past the end
    /// of `out` are dropped.
    public func render(into out: inout [[Float]], at position: Int, count: Int, gain extra: Float = 1, fadeIn: Int = 0, fadeOut: Int = 0) {
        let source = playback(count: count)
        Mixing.add(source, into: &out, at: position, gain: gain * extra, fadeIn: fadeIn, fadeOut: fadeOut)
    }

    /// The segment's continuous output for `count` samples: from the start of the audio to
    /// `loopEnd`, then the loop over and over. Each seam is crossfaded (equal gain, raised
    /// cosine) so it cannot click: into the audio after `loopEnd` when the file has it (the
    /// ring of the last notes), else from the audio just before `loopStart`. A loop with
    /// neither uses its own first 20 ms as that pre-roll, so its repeats start 20 ms in (and
    /// are 20 ms shorter): the price of a file with nothing around its loop.
    public func playback(count: Int) -> [[Float]] {
        let xf = min(Self.seamLength, (loopEnd - loopStart) / 4)
        let intoTail = audio.frameCount - loopEnd >= xf
        let start = !intoTail && loopStart < xf ? loopStart + xf : loopStart
        let loopLength = loopEnd - start
        return audio.channels.map { src -> [Float] in
            var out = [Float](repeating: 0, count: count)
            src.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    // Plain mapping, in contiguous runs.
                    var t = 0
                    while t < count {
                        let (from, run): (Int, Int) = t < loopEnd
                            ? (t, min(loopEnd - t, count - t))
                            : { let p = (t - loopEnd) % loopLength; return (start + p, min(loopLength - p, count - t)) }()
                        (o.baseAddress! + t).update(from: s.baseAddress! + from, count: run)
                        t += run
                    }
                    guard xf > 0 else { return }
                    // Seams at loopEnd + k·loopLength.
                    var seamAt = loopEnd
                    while seamAt - xf < count {
                        for d in 0..<xf {
                            let fadeIn = Float(0.5 - 0.5 * cos(Double.pi * (Double(d) + 0.5) / Double(xf)))
                            if intoTail {
                                // After the seam: the ring past loopEnd fades out under the loop's start.
                                let i = seamAt + d
                                if i < count { o[i] = s[start + d] * fadeIn + s[loopEnd + d] * (1 - fadeIn) }
                            } else {
                                // Before the seam: the loop's end fades out over the audio leading into its start.
                                let i = seamAt - xf + d
                                if i >= 0 && i < count { o[i] = s[loopEnd - xf + d] * (1 - fadeIn) + s[start - xf + d] * fadeIn }
                            }
                        }
                        seamAt += loopLength
                    }
                }
            }
            return out
        }
    }
}

/// Adding one planar buffer into another at an offset, with gain and fades: the one place the
/// renderer's buses are summed.
public enum Mixing {
    public static func add(_ source: [[Float]], into out: inout [[Float]], at position: Int, gain: Float,
                           fadeIn: Int = 0, fadeOut: Int = 0) {
        guard let count = source.first?.count, !out.isEmpty else { return }
        let total = out[0].count
        let first = max(0, -position), last = min(count, total - position)
        guard first < last else { return }
        for c in out.indices {
            let src = source[min(c, source.count - 1)]
            src.withUnsafeBufferPointer { s in
                out[c].withUnsafeMutableBufferPointer { o in
                    for i in first..<last { o[position + i] += s[i] * gain }
                    // Fades touch only their few samples.
                    for i in clamped(first, min(last, fadeIn)) {
                        o[position + i] -= s[i] * gain * (1 - Float(ramp(i, fadeIn)))
                    }
                    for i in clamped(max(first, count - fadeOut), last) {
                        o[position + i] -= s[i] * gain * (1 - Float(ramp(count - 1 - i, fadeOut)))
                    }
                }
            }
        }
    }

    /// `lower..<upper`, empty when upper falls below lower.
    @inline(__always)
    static func clamped(_ lower: Int, _ upper: Int) -> Range<Int> { lower..<max(lower, upper) }

    /// Raised-cosine ramp from 0 to 1 over `length` samples, at sample i.
    @inline(__always)
    public static func ramp(_ i: Int, _ length: Int) -> Double {
        guard length > 0 else { return 1 }
        return 0.5 - 0.5 * cos(Double.pi * (Double(i) + 0.5) / Double(length))
    }
}
