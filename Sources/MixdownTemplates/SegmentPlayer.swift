import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

extension SoundTemplate.Segment {
    /// Crossfade at each loop seam: 20 ms, or a quarter of a short loop.
    public static let seamLength = 960

    /// The segment's continuous output for `count` samples: from the start of the audio to
    /// `loopEnd`, then the loop over and over. Each seam is crossfaded (equal gain, raised
    /// cosine) so it cannot click: into the audio after `loopEnd` when the file has it (the
    /// ring of the last notes), else from the audio just before `loopStart`. A loop with
    /// neither uses its own first 20 ms as that pre-roll, so its repeats start 20 ms in (and
    /// are 20 ms shorter): the price of a file with nothing around its loop.
    public func playback(count: Int) -> [[Float]] {
        var out = audio.channels.map { _ in [Float](repeating: 0, count: count) }
        playback(from: 0, count: count, once: false, into: &out)
        return out
    }

    /// Where the repeats resume after each `loopEnd`: `loopStart`, or 20 ms later for a loop
    /// with no audio around it (its own first 20 ms are the seam's lead-in). The planner counts
    /// loops with it (`main2` switches on loop boundaries) and starts a region here to enter a
    /// segment on its loop start rather than its pickup.
    public var loopRestart: Int {
        let xf = min(Self.seamLength, (loopEnd - loopStart) / 4)
        let intoTail = audio.frameCount - loopEnd >= xf
        return !intoTail && loopStart < xf ? loopStart + xf : loopStart
    }

    /// Segment time [from, from + count) of the playback into `out[c][0..<count]` (overwritten).
    /// `once`: an outro or a button, which plays its audio once and is then silent (no seam: a loop seam
    /// near its end would start a new attack just before the programme ends). Any window of
    /// the playback is computed on its own, so a bed rendered in blocks is the bed rendered whole.
    public func playback(from: Int, count: Int, once: Bool, into out: inout [[Float]]) {
        let xf = min(Self.seamLength, (loopEnd - loopStart) / 4)
        let intoTail = audio.frameCount - loopEnd >= xf
        let start = loopRestart
        let loopLength = loopEnd - start
        for c in out.indices {
            let src = audio.channels[min(c, audio.channelCount - 1)]
            src.withUnsafeBufferPointer { s in
                out[c].withUnsafeMutableBufferPointer { o in
                    if once {
                        let have = max(0, min(count, audio.frameCount - from))
                        if have > 0 { o.baseAddress!.update(from: s.baseAddress! + from, count: have) }
                        if have < count { (o.baseAddress! + max(0, have)).update(repeating: 0, count: count - max(0, have)) }
                        return
                    }
                    // Plain mapping, in contiguous runs.
                    var t = from
                    while t < from + count {
                        let (at, run): (Int, Int) = t < loopEnd
                            ? (t, min(loopEnd - t, from + count - t))
                            : { let p = (t - loopEnd) % loopLength; return (start + p, min(loopLength - p, from + count - t)) }()
                        (o.baseAddress! + (t - from)).update(from: s.baseAddress! + at, count: run)
                        t += run
                    }
                    guard xf > 0 else { return }
                    // Seams at loopEnd + k·loopLength whose crossfade overlaps the window.
                    let windowStart = intoTail ? 0 : -xf
                    var k = max(0, (from - (loopEnd + windowStart + xf)) / loopLength)
                    while true {
                        let seamAt = loopEnd + k * loopLength
                        let first = seamAt + windowStart
                        if first >= from + count { break }
                        for d in Mixing.clamped(max(0, from - first), min(xf, from + count - first)) {
                            let i = first + d - from
                            let fadeIn = Float(0.5 - 0.5 * cos(Double.pi * (Double(d) + 0.5) / Double(xf)))
                            if intoTail {
                                // After the seam: the ring past loopEnd fades out under the loop's start.
                                o[i] = s[start + d] * fadeIn + s[loopEnd + d] * (1 - fadeIn)
                            } else {
                                // Before the seam: the loop's end fades out over the audio leading into its start.
                                o[i] = s[loopEnd - xf + d] * (1 - fadeIn) + s[start - xf + d] * fadeIn
                            }
                        }
                        k += 1
                    }
                }
            }
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

    /// Adds the part of a source that falls in a block: `source[c][0..<count]` holds source
    /// samples [sourceOffset, sourceOffset + count) of a source `sourceLength` long that starts
    /// at `position` on the timeline; the block covers [blockStart, blockStart + frames). Fades
    /// are by position in the whole source, so a clip added block by block is the clip added whole.
    public static func add(_ source: [[Float]], count: Int, sourceOffset: Int, sourceLength: Int, at position: Int,
                           into block: inout AudioBlock, blockStart: Int, gain: Float, fadeIn: Int = 0, fadeOut: Int = 0) {
        // Source indices (whole-source numbering) that land in the block and are present.
        let lower = max(sourceOffset, blockStart - position), upper = min(sourceOffset + count, blockStart + block.frames - position)
        guard lower < upper else { return }
        for c in 0..<block.channelCount {
            source[min(c, source.count - 1)].withUnsafeBufferPointer { s in
                block.channels[c].withUnsafeMutableBufferPointer { o in
                    let shift = position - blockStart
                    for i in lower..<upper { o[i + shift] += s[i - sourceOffset] * gain }
                    for i in clamped(lower, min(upper, fadeIn)) {
                        o[i + shift] -= s[i - sourceOffset] * gain * (1 - Float(ramp(i, fadeIn)))
                    }
                    for i in clamped(max(lower, sourceLength - fadeOut), upper) {
                        o[i + shift] -= s[i - sourceOffset] * gain * (1 - Float(ramp(sourceLength - 1 - i, fadeOut)))
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
