import Foundation
import MixdownDSP
import MixdownMaster

/// The warnings a delivered loudness earns: one set of rules for a render's report and for
/// `mixdown master`'s (docs/report.md, docs/mastering.md).
public enum LoudnessWarnings {
    /// `alignment` is the reported shape's; `delivered` the analysis of that output when there
    /// is one (else the alignment's own measurement is quoted); `files` each delivered file's
    /// loudness, of which those that are not the reported output are said on their own when
    /// they miss (a mono or low-rate file can, where the reported one does not). A programme
    /// with no measurable loudness (silence) misses no target.
    public static func check(_ alignment: LoudnessMaster.Alignment, delivered: AudioAnalysis?, files: [LoudnessMaster.FormatLoudness] = [],
                             target: Double, ceiling: Double, measurable: Bool = true) -> [RenderReport.Warning] {
        var warnings = [RenderReport.Warning]()
        if !alignment.reachedTarget, measurable {
            let loudness = delivered.map { $0.integratedLufs } ?? alignment.integratedLufs
            let peak = delivered.map { $0.truePeakDbtp } ?? alignment.truePeakDbtp
            warnings.append(.init(code: .loudnessTargetMissed, section: nil, overflowMs: nil, message: String(
                format: "delivered %.1f LUFS, %.1f dBTP for a target of %.1f LUFS under %.1f dBTP", loudness ?? -70, peak ?? -100, target, ceiling)))
        }
        for file in files where !file.isReported && measurable && file.misses(target: target, ceiling: ceiling) {
            warnings.append(.init(code: .loudnessTargetMissed, section: nil, overflowMs: nil, message: String(
                format: "%@ delivered %.1f LUFS, %.1f dBTP for a target of %.1f LUFS under %.1f dBTP", file.endFormat.name,
                file.integratedLufs ?? -70, file.truePeakDbtp ?? -100, target, ceiling)))
        }
        if alignment.limiting > 6 {
            warnings.append(.init(code: .heavyLimiting, section: nil, overflowMs: nil, message: String(
                format: "reaching %.1f LUFS took up to %.1f dB of limiting: the programme's peaks are far above its loudness", target, alignment.limiting)))
        }
        return warnings
    }
}
