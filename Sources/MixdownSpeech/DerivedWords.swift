import Foundation
import MixdownCore

/// Word timings for engines that report none (hibari, Pico), derived from the clip itself
/// (docs/speech.md, "Derived word timings"): the clip's pauses anchor the word boundaries
/// that punctuation and position say they belong to, and the words between two anchors
/// share that stretch of speech by their weight (letters, syllables, digits).
public enum DerivedWords {
    /// Part of the engines' cache identity: a change here re-derives their clips.
    public static let version = 1

    /// The method's numbers (tuned on Piper clips with true alignments: docs/speech.md).
    struct Settings {
        /// Frames quieter than the clip's loud level (95th percentile of 10 ms frames) by this
        /// many dB are silent.
        var silenceDb = 25.0
        /// A silent run at least this many frames long inside the speech is a pause.
        var minimumPause = 16
        /// A word's weight: `base + perLetter × letters + perSyllable × syllables + perDigit × digits`.
        var base = 0.0, perLetter = 0.5, perSyllable = 1.0, perDigit = 2.5
        /// The pause expected after a word ending a sentence or a clause, in weight units.
        var sentencePause = 4.0, clausePause = 3.0
        /// Matching pauses to boundaries: the cost of a pause left unmatched (per second of
        /// it), of a punctuated boundary without a pause, of the distance between a pause and
        /// where its boundary was expected (per clip length), and the reward of a punctuated
        /// boundary getting one.
        var dropCost = 0.2, missCost = 0.3, distanceCost = 10.0, punctuationBonus = 0.5
    }

    static let settings = Settings()

    static func syllables(_ word: String) -> Int {
        var count = 0, inVowel = false
        for c in word.lowercased() {
            let vowel = "aeiouyäöüàâéèêëîïôûùœæåáíóú".contains(c)
            if vowel && !inVowel { count += 1 }
            inVowel = vowel
        }
        return count
    }

    static func weight(_ word: String, _ s: Settings) -> Double {
        let letters = word.filter(\.isLetter).count, digits = word.filter(\.isNumber).count
        // A word of neither (a dash, a symbol) still takes a little time.
        guard letters + digits > 0 else { return max(s.base, 0.5) }
        let syllables = letters > 0 ? max(1, syllables(word)) : 0
        return s.base + s.perLetter * Double(letters) + s.perSyllable * Double(syllables) + s.perDigit * Double(digits)
    }

    static func pauseWeight(_ word: String, _ s: Settings) -> Double {
        guard let last = word.last else { return 0 }
        if ".!?…".contains(last) { return s.sentencePause }
        if ",;:—–-".contains(last) { return s.clausePause }
        return 0
    }

    /// One span per whitespace-separated word of `text`, over `samples` (48 kHz or any rate:
    /// frames are `rate / 100` samples).
    public static func derive(_ text: String, over samples: [Float], rate: Int = SampleTime.renderRate) -> [SpeechClip.Word] {
        derive(text, over: samples, rate: rate, settings: settings)
    }

    static func derive(_ text: String, over samples: [Float], rate: Int, settings s: Settings) -> [SpeechClip.Word] {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let hop = max(1, rate / 100)
        let frames = samples.count / hop
        guard !words.isEmpty, frames > 2 else { return EstimatedWords.spread(text, over: samples) }
        // 1. Frame levels, the loud level, the voiced span.
        let db: [Double] = (0..<frames).map { f in
            var sum: Double = 0
            for i in (f * hop)..<((f + 1) * hop) { sum += Double(samples[i]) * Double(samples[i]) }
            return 10 * log10(sum / Double(hop) + 1e-18)
        }
        let loud = db.sorted()[min(frames - 1, frames * 95 / 100)]
        let threshold = max(loud - s.silenceDb, -70)
        guard let first = db.firstIndex(where: { $0 > threshold }), let lastFrame = db.lastIndex(where: { $0 > threshold }) else {
            return EstimatedWords.spread(text, over: samples)
        }
        let last = lastFrame + 1
        // 2. The pauses inside it.
        var pauses = [Range<Int>]()
        var f = first
        while f < last {
            guard db[f] <= threshold else { f += 1; continue }
            var end = f
            while end < last && db[end] <= threshold { end += 1 }
            if end - f >= s.minimumPause { pauses.append(f..<end) }
            f = end
        }
        // 3. Where each boundary is expected: words (and the pauses punctuation asks for) by weight.
        let n = words.count
        let weights = words.map { weight($0, s) }
        let pauseWeights = words.dropLast().map { pauseWeight($0, s) }
        let total = weights.reduce(0, +) + pauseWeights.reduce(0, +)
        let span = Double(last - first)
        var expected = [Double]()
        var running = 0.0
        for b in 0..<(n - 1) {
            running += weights[b] + pauseWeights[b]
            expected.append(Double(first) + (running - pauseWeights[b] / 2) / total * span)
        }
        // 4. Pauses matched to boundaries in order (dynamic programming): a boundary may take
        //    one pause, a pause may stay unmatched (a stop inside a word).
        let boundaries = n - 1, m = pauses.count
        var cost = [[Double]](repeating: [Double](repeating: .infinity, count: m + 1), count: boundaries + 1)
        var back = [[(Int, Int, Int?)]](repeating: [(Int, Int, Int?)](repeating: (0, 0, nil), count: m + 1), count: boundaries + 1)
        cost[0][0] = 0
        for b in 0...boundaries {
            for p in 0...m {
                let c = cost[b][p]
                guard c.isFinite else { continue }
                if p < m {
                    let drop = c + s.dropCost * Double(pauses[p].count) / 100
                    if drop < cost[b][p + 1] { cost[b][p + 1] = drop; back[b][p + 1] = (b, p, nil) }
                }
                guard b < boundaries else { continue }
                let punctuated = pauseWeights[b] > 0
                let skip = c + (punctuated ? s.missCost : 0)
                if skip < cost[b + 1][p] { cost[b + 1][p] = skip; back[b + 1][p] = (b, p, nil) }
                if p < m {
                    let centre = Double(pauses[p].lowerBound + pauses[p].upperBound) / 2
                    let take = c + abs(centre - expected[b]) / span * s.distanceCost - (punctuated ? s.punctuationBonus : 0)
                    if take < cost[b + 1][p + 1] { cost[b + 1][p + 1] = take; back[b + 1][p + 1] = (b, p, p) }
                }
            }
        }
        var anchors = [(boundary: Int, pause: Range<Int>)]()
        var (b, p) = (boundaries, m)
        while b > 0 || p > 0 {
            let (pb, pp, taken) = back[b][p]
            if let taken { anchors.append((pb, pauses[taken])) }
            (b, p) = (pb, pp)
        }
        anchors.reverse()
        // 5. The words between two anchors share their stretch by weight.
        var starts = [Double](repeating: 0, count: n), ends = [Double](repeating: 0, count: n)
        var word = 0, from = Double(first)
        for (boundary, pause) in anchors + [(n - 1, last..<last)] {
            let group = word...boundary
            let sum = group.map { weights[$0] }.reduce(0, +)
            var position = from
            let length = Double(pause.lowerBound) - from
            for k in group {
                starts[k] = position
                position += length * weights[k] / max(sum, 1e-9)
                ends[k] = position
            }
            (word, from) = (boundary + 1, Double(pause.upperBound))
        }
        return (0..<n).map { k in
            let start = min(samples.count, Int((starts[k] * Double(hop)).rounded()))
            return SpeechClip.Word(text: words[k], start: start, end: max(start, min(samples.count, Int((ends[k] * Double(hop)).rounded()))))
        }
    }
}
