import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO

/// A recording's phrases and pauses, from its K-weighted level every 10 ms (kept: 4 bytes per
/// 10 ms, 1.4 MB an hour), and what leveling and pause trimming make of them.
///
/// Speech is where the level stands above a threshold set between the recording's quiet end
/// and its loud end (a third of the way, at least 6 dB over the floor); gaps under 250 ms are
/// inside a phrase; a phrase reaches 100 ms beyond its speech each side (at most half the gap),
/// so no consonant's edge counts as pause.
public struct Phrases: Sendable {
    public static let framesPerSecond = 100
    public struct Phrase: Sendable, Equatable {
        /// 10 ms frames [start, end).
        public var start: Int
        public var end: Int
        /// Where the speech itself starts and ends (the phrase has 100 ms more each side).
        public var speechStart: Int
        public var speechEnd: Int
        /// Gated loudness of the phrase (its frames above the threshold), LUFS-like dB.
        public var loudness: Double
        public var seconds: Double { Double(end - start) / Double(Phrases.framesPerSecond) }
    }

    public var phrases: [Phrase]
    public var frames: Int
    public let frameSamples: Int

    /// K-weighted mean-square energy of each 10 ms of a stream (channels averaged).
    public struct Meter {
        let frame: Int
        /// One K-weighting filter per pair of channels (the loudness meter's).
        var filters: [KWeighting.Pair]
        var sum = 0.0, filled = 0
        public private(set) var energies = [Float]()

        public init(sampleRate: Int, channels: Int) {
            frame = sampleRate / Phrases.framesPerSecond
            filters = Array(repeating: KWeighting.Pair(sampleRate: sampleRate), count: (channels + 1) / 2)
        }

        public mutating func add(_ block: AudioBlock) {
            let channels = block.channelCount
            let scale = 1 / Double(channels)
            var done = 0
            while done < block.frames {
                let run = min(block.frames - done, frame - filled)
                for pair in filters.indices {
                    let a = 2 * pair, b = a + 1 < channels ? a + 1 : a
                    let w = SIMD2(scale, a + 1 < channels ? scale : 0)
                    let e = block.channels[a].withUnsafeBufferPointer { pa in
                        block.channels[b].withUnsafeBufferPointer { pb in
                            filters[pair].energy(pa.baseAddress! + done, pb.baseAddress! + done, count: run, from: .zero, weights: w)
                        }
                    }
                    sum += e.sum()
                }
                done += run
                filled += run
                if filled == frame {
                    energies.append(Float(sum / Double(frame)))
                    (sum, filled) = (0, 0)
                }
            }
        }

        /// The phrases in what was measured.
        public func phrases() -> Phrases { Phrases(energies: energies, frameSamples: frame) }
    }

    static func db(_ e: Float) -> Double { e > 1e-14 ? 10 * log10(Double(e)) - 0.691 : -140 }

    init(energies: [Float], frameSamples: Int) {
        self.frameSamples = frameSamples
        frames = energies.count
        phrases = []
        guard !energies.isEmpty else { return }
        let levels = energies.map(Self.db)
        let sorted = levels.sorted()
        let loud = sorted[min(sorted.count - 1, sorted.count * 95 / 100)]
        let quiet = max(sorted[sorted.count / 10], loud - 60)
        // No phrases to tell apart in a recording without a level contrast (noise, a tone).
        guard loud - quiet >= 10 else { return }
        let threshold = quiet + max(6, (loud - quiet) / 3)
        // Runs of speech; gaps under 250 ms (between words, a stop's closure) are inside them.
        var runs = [(start: Int, end: Int)]()
        var i = 0
        while i < levels.count {
            guard levels[i] > threshold else { i += 1; continue }
            var j = i
            while j < levels.count && levels[j] > threshold { j += 1 }
            if let last = runs.last, i - last.end < 25 { runs[runs.count - 1].end = j } else { runs.append((i, j)) }
            i = j
        }
        // A lone burst (a knock, a click) under 50 ms is no phrase.
        runs = runs.filter { run in (run.start..<run.end).filter { levels[$0] > threshold }.count >= 5 }
        for (r, run) in runs.enumerated() {
            var e = 0.0, n = 0
            for f in run.start..<run.end where levels[f] > threshold { e += Double(energies[f]); n += 1 }
            // 100 ms each side of speech belongs to the phrase, never more than half the gap.
            let before = r > 0 ? min(10, (run.start - runs[r - 1].end) / 2) : min(10, run.start)
            let after = r + 1 < runs.count ? min(10, (runs[r + 1].start - run.end) - (runs[r + 1].start - run.end) / 2) : min(10, levels.count - run.end)
            phrases.append(Phrase(start: run.start - before, end: run.end + after, speechStart: run.start, speechEnd: run.end,
                                  loudness: 10 * log10(e / Double(n)) - 0.691))
        }
    }

    /// Phrases long enough to judge loudness by (half a second).
    var judged: [Phrase] { phrases.filter { $0.seconds >= 0.5 } }

    /// The loudest judged phrase's loudness minus the quietest's (LU), or nil with fewer than two.
    public func spread() -> Double? {
        let values = judged.map(\.loudness)
        guard values.count >= 2, let lo = values.min(), let hi = values.max() else { return nil }
        return hi - lo
    }

    /// The gain (dB) each phrase needs to reach the phrases' duration-weighted mean loudness
    /// (in dB), within ±`limit` dB. The mean, not the median: with two groups of phrases (a
    /// speaker near the microphone and leaning away) the median sits in one group and the other
    /// needs twice the gain, which the limit may cut short; the mean asks each group for half.
    /// The level it sets matters little otherwise: mastering sets the programme's loudness.
    public func levelGains(limit: Double = 10) -> [Double] {
        let judged = self.judged
        let total = judged.reduce(0) { $0 + $1.seconds }
        guard !judged.isEmpty, total > 0 else { return phrases.map { _ in 0 } }
        let target = judged.reduce(0) { $0 + $1.loudness * $1.seconds } / total
        return phrases.map { min(limit, max(-limit, target - $0.loudness)) }
    }

    /// A linear gain per 10 ms frame: each phrase's own, ramped (in dB) across the pauses
    /// between phrases, never inside one.
    public func gainCurve(_ gains: [Double]) -> [Float] {
        guard !phrases.isEmpty else { return [] }
        var curve = [Float](repeating: 1, count: frames)
        func linear(_ db: Double) -> Float { Float(pow(10, db / 20)) }
        for f in 0..<phrases[0].start { curve[f] = linear(gains[0]) }
        for (j, p) in phrases.enumerated() {
            for f in p.start..<p.end { curve[f] = linear(gains[j]) }
            let next = j + 1 < phrases.count ? phrases[j + 1].start : frames
            let to = j + 1 < phrases.count ? gains[j + 1] : gains[j]
            let length = next - p.end
            for f in p.end..<next {
                let t = Double(f - p.end + 1) / Double(length + 1)
                curve[f] = linear(gains[j] + (to - gains[j]) * t)
            }
        }
        return curve
    }

    /// The stretches of samples kept when pauses longer than `longest` seconds are shortened to
    /// it: the middle of each such pause goes, the ends stay (room tone either side), joined by
    /// a `crossfade`-sample equal-power fade. Consecutive segments overlap by `crossfade`.
    public func keptSegments(longest: Double, totalSamples: Int, sampleRate: Int, crossfade: Int) -> [Range<Int>] {
        let keep = Int((longest * Double(sampleRate)).rounded())
        var segments = [Range<Int>]()
        var start = 0
        for j in 0..<max(0, phrases.count - 1) {
            // The pause is between the speech itself: that is what a listener hears as one.
            let p0 = phrases[j].speechEnd * frameSamples, p1 = min(totalSamples, phrases[j + 1].speechStart * frameSamples)
            guard p1 - p0 > keep + crossfade else { continue }
            let head = (keep + crossfade + 1) / 2
            let end = p0 + head
            let next = p1 - (keep + crossfade - head)
            segments.append(start..<end)
            start = next
        }
        segments.append(start..<totalSamples)
        return segments
    }
}

/// The last pass of leveling and trimming: the kept segments of `source`, each sample times the
/// gain curve (interpolated between 10 ms frame centres), segments joined by equal-power
/// crossfades, into `sink`.
struct LevelAndTrim {
    let curve: [Float]
    let frameSamples: Int
    let segments: [Range<Int>]
    let crossfade: Int

    func gain(at n: Int) -> Float {
        guard !curve.isEmpty else { return 1 }
        let x = (Double(n) + 0.5) / Double(frameSamples) - 0.5
        if x <= 0 { return curve[0] }
        let i = Int(x)
        if i >= curve.count - 1 { return curve[curve.count - 1] }
        let t = Float(x - Double(i))
        return curve[i] * (1 - t) + curve[i + 1] * t
    }

    /// Writes the result (the sink counts what it gets).
    func run(_ source: BlockSource, into sink: BlockSink, blockFrames: Int) throws {
        let channels = source.channelCount
        var out = AudioBlock(channels: channels, capacity: blockFrames)
        var input = AudioBlock(channels: channels, capacity: blockFrames)
        // The previous segment's last `crossfade` samples (gained), waiting for the next to fade in.
        var tail = AudioBlock(channels: channels, capacity: max(1, crossfade))
        func put(_ c: Int, _ value: Float) { out.channels[c][out.frames] = value }
        func flushIfFull() throws {
            if out.frames == out.capacity { try sink.consume(out); out.frames = 0 }
        }
        for (s, segment) in segments.enumerated() {
            let last = s == segments.count - 1
            let bodyEnd = last ? segment.upperBound : segment.upperBound - crossfade
            var position = segment.lowerBound
            while position < segment.upperBound {
                input.frames = 0
                try source.read(from: position, into: &input)
                let n = min(input.frames, segment.upperBound - position)
                guard n > 0 else { break }
                for i in 0..<n {
                    let at = position + i
                    let g = gain(at: at)
                    let intoSegment = at - segment.lowerBound
                    if s > 0 && intoSegment < crossfade {
                        // Equal power: the room tone either side is uncorrelated noise.
                        let t = (Float(intoSegment) + 0.5) / Float(crossfade)
                        let fadeIn = sin(t * .pi / 2), fadeOut = cos(t * .pi / 2)
                        for c in 0..<channels { put(c, input.channels[c][i] * g * fadeIn + tail.channels[c][intoSegment] * fadeOut) }
                        out.frames += 1
                        try flushIfFull()
                    } else if at < bodyEnd {
                        for c in 0..<channels { put(c, input.channels[c][i] * g) }
                        out.frames += 1
                        try flushIfFull()
                    } else {
                        for c in 0..<channels { tail.channels[c][at - bodyEnd] = input.channels[c][i] * g }
                    }
                }
                position += n
            }
        }
        if out.frames > 0 { try sink.consume(out) }
        try sink.finish()
    }
}
