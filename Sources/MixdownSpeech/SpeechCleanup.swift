import MixdownCore
import MixdownDSP
#if canImport(Glibc)
import Glibc
#endif

/// The clean-up every speech clip gets, synthetic or recorded (docs/speech.md): leading and
/// trailing silence trimmed, level brought to the common speech level.
public enum SpeechCleanup {
    /// The level speech clips are brought to before mixing (LUFS, integrated or, for clips
    /// too short to gate, their loudest 400 ms).
    public static let speechLevel = -20.0
    /// Audio kept before the first and after the last sample above the threshold, so soft
    /// consonants are not clipped: 10 ms.
    public static let margin = 480

    /// A recording keeps 50 ms of its room at each end: the room-tone bridge of hybrid voice
    /// crossfades inside it, and a fade over room noise is inaudible where one over speech is not.
    public static let recordingMargin = 2_400

    /// Trims silence: the threshold is 45 dB below the clip's peak (but never below −65 dBFS),
    /// and for a recording at least 10 dB over its noise floor, so a noisy room is trimmed
    /// like a quiet one. Word timings move with the audio.
    public static func trim(_ clip: SpeechClip, margin: Int = margin, noiseFloorDb: Double? = nil) -> SpeechClip {
        let peak = clip.audio.withUnsafeBufferPointer { VectorOps.peak($0.baseAddress!, count: $0.count) }
        guard peak > 0 else { return SpeechClip(audio: [], words: []) }
        // Frame RMS 10 dB over the floor: its peaks (crest ≈ 4 for noise) are about 12 dB higher.
        let overNoise = noiseFloorDb.map { Float(pow(10, ($0 + 22) / 20)) } ?? 0
        let threshold = max(peak * 0.005_6, 0.000_56, min(overNoise, peak * 0.25))
        guard let first = clip.audio.firstIndex(where: { abs($0) > threshold }),
              let last = clip.audio.lastIndex(where: { abs($0) > threshold }) else { return clip }
        let from = max(0, first - margin), to = min(clip.audio.count, last + 1 + margin)
        let words = clip.words.map { w in
            SpeechClip.Word(text: w.text, start: min(max(w.start - from, 0), to - from), end: min(max(w.end - from, 0), to - from))
        }
        return SpeechClip(audio: Array(clip.audio[from..<to]), words: words)
    }

    /// Gain that brings the clip to `speechLevel`.
    public static func levelGain(_ audio: [Float]) -> Float {
        guard !audio.isEmpty else { return 1 }
        // Only the loudness is needed here, not the full analysis (spectrum, statistics).
        let profile = LoudnessProfile(AudioBuffer(sampleRate: SampleTime.renderRate, channels: [audio]), weights: [1])
        let peak = audio.withUnsafeBufferPointer { VectorOps.peak($0.baseAddress!, count: $0.count) }
        let measured = profile.integrated ?? profile.momentaryMax
            ?? (peak > 0 ? 20 * log10(Double(peak)) - 12 : nil)   // shorter than 400 ms: estimate from the peak
        guard let measured else { return 1 }
        return Float(pow(10, (speechLevel - measured) / 20))
    }

    public static func level(_ clip: SpeechClip) -> SpeechClip {
        let g = levelGain(clip.audio)
        return SpeechClip(audio: clip.audio.map { $0 * g }, words: clip.words)
    }
}
