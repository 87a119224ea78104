import Foundation

/// Speech lengths from text alone, for `mixdown plan --estimate` (docs/plan.md). A first
/// model: espeak-ng's 175 words per minute at speed 1.
public enum SpeechEstimate {
    public enum Engine: Sendable { case espeak, piper, external }

    /// Estimated length in samples at 48 kHz of one trimmed speech clip.
    public static func samples(for text: String, voice: String, speed: Double, engine: Engine) -> Int {
        let words = text.split(whereSeparator: \.isWhitespace).count
        return Int((Double(words) / (175 * max(0.1, speed)) * 60 * 48_000).rounded())
    }
}
