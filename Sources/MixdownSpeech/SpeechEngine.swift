import MixdownCore

/// What to say and how: one clip's worth of speech.
public struct SpeechRequest: Sendable, Hashable {
    /// Plain text (personalised), as spoken and as reported.
    public var text: String
    /// The same as SSML, for engines that honour it; nil when the script used none.
    public var markup: String?
    public var voice: String
    /// 1 = the engine's normal rate.
    public var speed: Double
    /// 1 = the voice's own pitch.
    public var pitch: Double
    /// The item as runs of one prosody, lexicon and normalisation applied (SpokenForm): what a
    /// `DirectedEngine` speaks; nil for a plain engine call (`text` as it is).
    public var runs: [SpeechRun]?
    /// Gain after the clip is levelled (an item-wide `<prosody volume>`), dB.
    public var gainDb: Double

    public init(text: String, markup: String? = nil, voice: String, speed: Double, pitch: Double = 1, runs: [SpeechRun]? = nil, gainDb: Double = 0) {
        (self.text, self.markup, self.voice, self.speed, self.pitch, self.runs, self.gainDb) = (text, markup, voice, speed, pitch, runs, gainDb)
    }
}

/// A text-to-speech engine. `identity` names the engine and its version: it is part of the
/// cache key, so a new engine version never serves stale audio.
public protocol SpeechEngine: Sendable {
    var identity: String { get }
    /// An engine with process-wide state (espeak-ng) is called one request at a time, in
    /// script order; others run side by side.
    var isSerial: Bool { get }
    /// Speech at 48 kHz mono, with word timings where the engine gives them.
    func synthesize(_ request: SpeechRequest) throws -> SpeechClip
    /// Whether the engine reads SSML itself (`request.markup`); others are directed run by run.
    var takesSSML: Bool { get }
    /// How the engine takes phonemes in its text, if it does (lexicon entries, `<phoneme>`).
    var phonemeInput: PhonemeInput? { get }
    /// For an engine that reads SSML: the `<prosody pitch>` percentage that moves its f0 by 1 %
    /// (measured; 1 when the engine's pitch percentages are f0 percentages).
    var ssmlPitchScale: Double { get }
}

extension SpeechEngine {
    public var isSerial: Bool { false }
    public var takesSSML: Bool { false }
    public var phonemeInput: PhonemeInput? { nil }
    public var ssmlPitchScale: Double { 1 }
}

/// Word timings for engines that do not report them: words share the clip's voiced span in
/// proportion to their length in characters (plus one for the gap after each).
public enum EstimatedWords {
    public static func spread(_ text: String, over samples: [Float]) -> [SpeechClip.Word] {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard !words.isEmpty, !samples.isEmpty else { return [] }
        let threshold = (samples.map { abs($0) }.max() ?? 0) * 0.05
        let first = samples.firstIndex { abs($0) > threshold } ?? 0
        let last = (samples.lastIndex { abs($0) > threshold } ?? samples.count - 1) + 1
        let weights = words.map { Double($0.count + 1) }
        let total = weights.reduce(0, +)
        var position = Double(first)
        let span = Double(last - first)
        return zip(words, weights).map { word, weight in
            let start = Int(position.rounded())
            position += span * weight / total
            return SpeechClip.Word(text: word, start: start, end: min(last, Int(position.rounded())))
        }
    }
}
