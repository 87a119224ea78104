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

    /// Gain (linear) per sample for the music, from the speech bus (whole).
    public func gains(speech: [[Float]], rate: Int) -> [Float] {
        guard let n = speech.first?.count, n > 0 else { return [] }
        var levels = Levels(rate: rate)
        var block = AudioBlock(channels: speech.count, capacity: 0)
        block.channels = speech
        block.frames = n
        levels.process(block)
        let curve = self.curve(levels)
        var out = [Float](repeating: 1, count: n)
        out.withUnsafeMutableBufferPointer { curve.gains(from: 0, into: $0) }
        return out
    }

    /// Speech activity measured block by block: the mean square of each 10 ms frame.
    public struct Levels: Sendable {
        let frame: Int
        /// dB per 10 ms frame (Float: 4 bytes per frame, 1.4 MB an hour).
        var level: [Float] = []
        var energy = 0.0, filled = 0, channels = 1
        public init(rate: Int) { frame = max(1, rate / 100) }

        public mutating func process(_ block: AudioBlock) {
            channels = block.channelCount
            var i = 0
            while i < block.frames {
                let run = min(block.frames - i, frame - filled)
                for c in 0..<block.channelCount {
                    // Sample after sample: the sums do not depend on where blocks end.
                    block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in for k in i..<(i + run) { energy += Double(x[k]) * Double(x[k]) } }
                }
                filled += run
                i += run
                if filled == frame { push() }
            }
        }

        mutating func push() {
            let ms = energy / Double(filled * channels)
            level.append(Float(ms > 0 ? 10 * log10(ms) : -200))
            energy = 0; filled = 0
        }

        /// The levels, the last partial frame included.
        public func finished() -> (level: [Float], frame: Int) {
            var copy = self
            if copy.filled > 0 { copy.push() }
            return (copy.level, frame)
        }
    }

    /// The duck as a function of position: 0…1 per 10 ms frame, interpolated and shaped per
    /// sample on demand, so any block of the music bus can be ducked on its own.
    public struct Curve: Sendable {
        /// 0…1 per 10 ms frame.
        let amount: [Float]
        let frame: Int
        let depthDB: Double

        /// The deepest gain (dB, 0 = no duck) in each `bucket` frames of a `total`-frame
        /// programme: the duck as a visual report draws it, from the same curve the music bus
        /// is ducked by.
        public func deepestGainDb(bucket: Int, total: Int) -> [Float] {
            let buckets = (total + bucket - 1) / bucket
            var out = [Float](repeating: 0, count: buckets)
            for (f, a) in amount.enumerated() {
                // Within a frame the amount runs from its value to the next frame's: the larger
                // of the two bounds it.
                let reach = max(a, f + 1 < amount.count ? amount[f + 1] : a)
                guard reach > 0 else { continue }
                let deepest = Float(-depthDB * (0.5 - 0.5 * cos(Double.pi * Double(reach))))
                let first = f * frame / bucket, last = min(buckets - 1, ((f + 1) * frame - 1) / bucket)
                guard first < buckets else { break }
                for b in first...last { out[b] = min(out[b], deepest) }
            }
            return out
        }

        /// Gains for positions [from, from + out.count).
        public func gains(from: Int, into g: UnsafeMutableBufferPointer<Float>) {
            let frames = amount.count
            var k = 0
            while k < g.count {
                let position = from + k
                let f = position / frame
                guard f < frames else { g[k] = 1; k += 1; continue }
                let a0 = Double(amount[f]), a1 = Double(f + 1 < frames ? amount[f + 1] : amount[f])
                if a0 == a1 {
                    // A steady stretch (no duck, or held at one depth: most of a programme):
                    // every position of the frame has the gain of a0 exactly, computed once.
                    let end = min(g.count, (f + 1) * frame - from)
                    let gain = a0 == 0 ? 1 : Float(pow(10, -depthDB * (0.5 - 0.5 * cos(Double.pi * a0)) / 20))
                    for j in k..<end { g[j] = gain }
                    k = end
                    continue
                }
                let a = a0 + (a1 - a0) * Double(position - f * frame) / Double(frame)
                let shaped = 0.5 - 0.5 * cos(Double.pi * a)
                g[k] = Float(pow(10, -depthDB * shaped / 20))
                k += 1
            }
        }
    }

    /// From the speech's frame levels to the duck: speech frames are those above the floor and
    /// within `rangeDB` of the loud ones; gaps shorter than `hold` count as speech; the duck
    /// ramps up over the pre-roll before activity (looking ahead) and down over the release.
    public func curve(_ levels: Levels) -> Curve {
        let (level, frame) = levels.finished()
        let frames = level.count
        let loud = level.filter { Double($0) > floorDB }.sorted()
        guard !loud.isEmpty else { return Curve(amount: [Float](repeating: 0, count: frames), frame: frame, depthDB: depthDB) }
        let threshold = max(floorDB, Double(loud[Int(Double(loud.count - 1) * 0.95)]) - rangeDB)
        var active = level.map { Double($0) > threshold }
        let holdFrames = Int(hold * 100)
        var lastActive: Int?
        for f in 0..<frames where active[f] {
            if let l = lastActive, f - l - 1 <= holdFrames { for g in (l + 1)..<f { active[g] = true } }
            lastActive = f
        }
        let up = max(1, Int(preRoll * 100)), down = max(1, Int(release * 100))
        var amount = active.map { Float($0 ? 1 : 0) }
        active = []
        if frames >= 2 {
            for f in stride(from: frames - 2, through: 0, by: -1) { amount[f] = max(amount[f], amount[f + 1] - 1 / Float(up)) }
            for f in 1..<frames { amount[f] = max(amount[f], amount[f - 1] - 1 / Float(down)) }
        }
        return Curve(amount: amount, frame: frame, depthDB: depthDB)
    }
}
