import MixdownCore
import MixdownDSP
#if canImport(Glibc)
import Glibc
#endif

/// The spine's master: make-up gain to the loudness target with a look-ahead peak limiter
/// under the true-peak ceiling, measured, adjusted and re-measured. (The mastering chain of
/// DESIGN.md §9 replaces this.)
enum LoudnessAlignment {
    struct Result {
        var audio: AudioBuffer
        var output: AudioAnalysis
        var reachedTarget: Bool
    }

    static func align(_ mix: AudioBuffer, target: Double, ceiling: Double, input: AudioAnalysis) -> Result {
        guard let measured = input.integratedLufs else {
            return Result(audio: mix, output: input, reachedTarget: false)   // silence: nothing to align
        }
        // The limiter works on samples; a margin under the ceiling leaves room for the peaks
        // between them, and the loop below checks the true peak itself.
        var margin = 0.5
        var gainDB = target - measured
        var best = Result(audio: mix, output: input, reachedTarget: false)
        for _ in 0..<4 {
            let limiter = PeakLimiter(ceiling: Float(pow(10, (ceiling - margin) / 20)))
            let out = limiter.process(mix, gain: Float(pow(10, gainDB / 20)))
            let analysis = AudioAnalysis.analyze(out)
            let loudness = analysis.integratedLufs ?? -70, peak = analysis.truePeakDbtp ?? -100
            let peakOK = peak <= ceiling + 1e-6
            best = Result(audio: out, output: analysis, reachedTarget: peakOK && abs(loudness - target) <= 0.5)
            if peakOK && abs(loudness - target) <= 0.2 { break }
            if !peakOK { margin += peak - ceiling + 0.1 }
            // Limiting costs loudness; push the gain by what is missing (within reason).
            gainDB += max(-6, min(6, target - loudness))
        }
        return best
    }
}
