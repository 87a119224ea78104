import MixdownCore
#if canImport(Glibc)
import Glibc
#endif

/// Side-chain ducking, offline: the music's gain follows where speech is, known in advance.
/// Speech activity is found in 10 ms frames; gaps shorter than `hold` count as speech (no
/// pumping between phrases); the duck starts `preRoll` before the first syllable and releases
/// over `release` after the last. Transitions are raised cosines of the duck depth in dB.
public struct Ducker: Sendable {
    public var depthDB: Double
    public var preRoll: Double = 0.25
    public var release: Double = 0.6
    public var hold: Double = 1.0
    /// A frame is speech when it is louder than this (dBFS RMS) …
    public var floorDB: Double = -50
    /// … and within this of the speech's loud frames (its 95th percentile).
    public var rangeDB: Double = 30

    public init(depthDB: Double) { self.depthDB = depthDB }

    /// Gain (linear) per sample for the music, from the speech bus.
    public func gains(speech: [[Float]], rate: Int) -> [Float] {
        guard let n = speech.first?.count, n > 0 else { return [] }
        let frame = rate / 100
        let frames = (n + frame - 1) / frame
        var level = [Double](repeating: -200, count: frames)
        for f in 0..<frames {
            let start = f * frame, count = min(frame, n - start)
            var energy = 0.0
            for ch in speech { ch.withUnsafeBufferPointer { energy += VectorOps.sumOfSquares($0.baseAddress! + start, count: count) } }
            let ms = energy / Double(count * speech.count)
            level[f] = ms > 0 ? 10 * log10(ms) : -200
        }
        let loud = level.filter { $0 > floorDB }.sorted()
        guard !loud.isEmpty else { return [Float](repeating: 1, count: n) }
        let threshold = max(floorDB, loud[Int(Double(loud.count - 1) * 0.95)] - rangeDB)
        var active = level.map { $0 > threshold }
        // Hold through short gaps.
        let holdFrames = Int(hold * 100)
        var lastActive: Int?
        for f in 0..<frames where active[f] {
            if let l = lastActive, f - l - 1 <= holdFrames { for g in (l + 1)..<f { active[g] = true } }
            lastActive = f
        }
        // Duck amount 0…1 per frame: ramps up over the pre-roll before activity (looking ahead),
        // down over the release after it.
        let up = max(1, Int(preRoll * 100)), down = max(1, Int(release * 100))
        var amount = active.map { $0 ? 1.0 : 0.0 }
        for f in stride(from: frames - 2, through: 0, by: -1) { amount[f] = max(amount[f], amount[f + 1] - 1 / Double(up)) }
        for f in 1..<frames { amount[f] = max(amount[f], amount[f - 1] - 1 / Double(down)) }
        // Per sample: interpolate between frame values, shape with a raised cosine, to dB.
        var gains = [Float](repeating: 1, count: n)
        gains.withUnsafeMutableBufferPointer { g in
            for f in 0..<frames {
                let a0 = amount[f], a1 = f + 1 < frames ? amount[f + 1] : amount[f]
                if a0 == 0 && a1 == 0 { continue }
                let start = f * frame, count = min(frame, n - start)
                for i in 0..<count {
                    let a = a0 + (a1 - a0) * Double(i) / Double(frame)
                    let shaped = 0.5 - 0.5 * cos(Double.pi * a)
                    g[start + i] = Float(pow(10, -depthDB * shaped / 20))
                }
            }
        }
        return gains
    }
}
