/// The pauses a speech engine made inside a clip: runs of near-silence between its words
/// (docs/timeline.md "Overflow"). `overflow: fit` shortens them before it compresses speech.
/// Found on the audio, not the word timings: engines' word spans often include the pause.
public enum SpeechPauses {
    /// 10 ms frames; a frame whose RMS is below −50 dBFS (30 dB under the level speech clips
    /// are set to) is silent, and a pause is at least 80 ms of silent frames.
    public static let frame = 480
    public static let silentRMS: Float = 0.003_162   // −50 dBFS
    public static let shortest = 8

    /// The pauses of a clip on disk, read a block at a time: memory stays a block, whatever the
    /// clip's length (an hour's narration has minute-long clips).
    public static func find(in clip: StoredClip) throws -> [Range<Int>] {
        var runs = [Range<Int>](), runStart: Int?
        var block = [Float]()
        let frames = clip.length / frame, framesPerBlock = 1_024
        var f = 0
        while f < frames {
            let count = min(framesPerBlock, frames - f)
            try clip.read(from: f * frame, count: count * frame, into: &block)
            for k in 0..<count {
                var energy: Float = 0
                for i in (k * frame)..<((k + 1) * frame) { energy += block[i] * block[i] }
                let silent = (energy / Float(frame)).squareRoot() < silentRMS
                let index = f + k
                if silent {
                    if runStart == nil { runStart = index }
                } else if let s = runStart {
                    if s > 0, index - s >= shortest { runs.append((s * frame)..<(index * frame)) }
                    runStart = nil
                }
            }
            f += count
        }
        return runs
    }

    /// Silent runs strictly inside `audio` (not touching either end), in frame-aligned sample
    /// ranges, in order.
    public static func find(in audio: [Float]) -> [Range<Int>] {
        let frames = audio.count / frame
        guard frames > 2 else { return [] }
        var runs = [Range<Int>]()
        var runStart: Int?
        audio.withUnsafeBufferPointer { samples in
            for f in 0..<frames {
                var energy: Float = 0
                for i in (f * frame)..<((f + 1) * frame) { energy += samples[i] * samples[i] }
                let silent = (energy / Float(frame)).squareRoot() < silentRMS
                if silent {
                    if runStart == nil { runStart = f }
                } else if let s = runStart {
                    if s > 0, f - s >= shortest { runs.append((s * frame)..<(f * frame)) }
                    runStart = nil
                }
            }
        }
        return runs   // a run still open at the end touches the clip's end: not a pause inside it
    }
}
