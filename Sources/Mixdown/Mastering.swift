import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster
import MixdownScript

/// A finished mix to master, and where the results go (`mixdown master`, `POST /v1/master`).
/// Like `RenderRequest`, everything the engine needs comes in here.
public struct MasterRequest: Sendable {
    public enum Preset: String, Sendable, CaseIterable {
        /// Clean and dynamic.
        case streaming
        /// Dense and punchy, with controlled distortion.
        case loud
        /// The tonal balance (and, unless a target is given, the loudness) of `reference`.
        case reference
    }

    /// The mix (any readable audio file).
    public var input: String
    /// A file, a folder or a stem of a name (as `-o` of `mixdown render`).
    public var output: String
    public var preset = Preset.streaming
    /// With `.reference`: the track to match.
    public var reference: String?
    /// At least one.
    public var endFormats: [EndFormat]
    /// Sets target and ceiling unless they are given; with neither, `.streaming`
    /// (or the reference's loudness under the streaming ceiling).
    public var loudnessPreset: LoudnessPreset?
    public var targetLufs: Double?
    public var truePeak: Double?
    /// The report as JSON, written with the outputs (atomically, like them).
    public var reportPath: String?
    /// The visual report (a self-contained page), written with them, and its player link for
    /// an output (nil: the file's path relative to the page).
    public var reportPagePath: String?
    public var reportPagePlayer: (@Sendable (EncodedOutput) -> String)?
    /// Analyse the input and the delivered output fully (implied by `reportPath` and `reportPagePath`).
    public var analyse = false
    public var temporaryDirectory = "/tmp"
    public var pool: WorkerPool
    public var control = RenderControl()

    public init(input: String, output: String, endFormats: [EndFormat], pool: WorkerPool) {
        (self.input, self.output, self.endFormats, self.pool) = (input, output, endFormats, pool)
    }

    /// The settings alone (no files touched): the preset's reference, at least one format,
    /// the target's and ceiling's ranges. Returns the target (nil: the reference's loudness)
    /// and the ceiling. Errors are usage errors whose key path names the setting.
    public func checkSettings() throws -> (target: Double?, ceiling: Double) {
        // Errors name the setting by its API name; the CLI shows its option instead.
        func wrong(_ setting: String, _ reason: String) -> MixdownError { MixdownError(.usage, reason, keyPath: setting) }
        if preset == .reference && reference == nil { throw wrong("reference", "the reference preset needs a reference track") }
        if preset != .reference && reference != nil { throw wrong("reference", "a reference track goes with the reference preset") }
        guard !endFormats.isEmpty else { throw wrong("endFormat", "give at least one end format") }
        if let t = targetLufs, !(t.isFinite && (-70.0...0).contains(t)) { throw wrong("targetLufs", "the loudness target must lie within -70…0 LUFS") }
        if let p = truePeak, !(p.isFinite && (-20.0...0).contains(p)) { throw wrong("truePeak", "the true-peak ceiling must lie within -20…0 dBTP") }
        // A reference sets the target unless a target or loudness preset is given.
        let target = targetLufs ?? loudnessPreset?.integrated ?? (reference == nil ? LoudnessPreset.streaming.integrated : nil)
        let ceiling = truePeak ?? (loudnessPreset ?? .streaming).truePeak
        return (target, ceiling)
    }

    /// Everything that can be checked before decoding: the settings, and that every output
    /// (and the report) can be written.
    public func check() throws -> (target: Double?, ceiling: Double, paths: [EndFormat: String]) {
        let (target, ceiling) = try checkSettings()
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let paths = AudioEncoder.outputPaths(for: endFormats, output: output, inputStem: stem)
        try OutputTransaction.checkTargets(endFormats.map { paths[$0]! } + [reportPath, reportPagePath].compactMap { $0 })
        return (target, ceiling, paths)
    }
}

/// What `mixdown master` writes with `--report`, and what `POST /v1/master` answers as the
/// job's report.
public struct MasterReport: Sendable, EncodesEveryKey {
    public var preset: String
    public var loudnessTarget: Double
    public var truePeakLimit: Double
    public var input: AudioAnalysis
    public var output: AudioAnalysis
    public var warnings: [String]
    public var outputs: [EncodedOutput]
    /// With the reference preset: octave-band distance of the mid to the reference (dB RMS).
    public var spectralDistanceBeforeDb: Double?
    public var spectralDistanceAfterDb: Double?

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// decode → (match the reference) → master chain → align loudness under the ceiling →
/// encode. The chain is measured, then applied while the result is metered; delivery then
/// encodes every format in one pass per shape.
public enum Mastering {
    public struct Result: Sendable {
        public var outputs: [EncodedOutput]
        public var warnings: [String]
        /// With `analyse` or a report path.
        public var report: MasterReport?
    }

    public static func master(_ request: MasterRequest) throws -> Result {
        let control = request.control, pool = request.pool
        try control.step(.checking, 0)
        let (givenTarget, ceiling, paths) = try request.check()
        let analyse = request.analyse || request.reportPath != nil || request.reportPagePath != nil

        // The reference, decoded like the input; its loudness is the target unless one is given.
        let referenceMix = try request.reference.map { try AudioDecoder.decodeForMix($0, pool: pool) }
        let referenceLoudness = referenceMix.flatMap { AudioAnalysis.analyze($0, pool: pool).integratedLufs }
        let target = givenTarget ?? referenceLoudness ?? LoudnessPreset.streaming.integrated
        try control.step(.checking, 1)

        let decoded = try AudioFileReader.read(request.input)
        let mix = try Resampler.resample(ChannelMix.toStereo(decoded.audio, roles: decoded.roles), to: SampleTime.renderRate, pool: pool)
        try control.step(.rendering, 0)
        var source = mix
        var spectralDistance: (before: Double, after: Double)?
        if let referenceMix {
            let matched = ReferenceMatch.match(mix, to: referenceMix)
            source = matched.audio
            spectralDistance = (matched.distanceBefore, matched.distanceAfter)
        }
        let settings = MasteringSettings.preset(request.preset == .reference ? "streaming" : request.preset.rawValue)!
        try control.step(.mastering, 0)

        // The input's checks (the full analysis only when asked; the warnings need the true
        // peak and correlation) run beside the chain's first pass.
        final class Checks: @unchecked Sendable { var before: AudioAnalysis?; var peak: Double?; var correlation: Double?; var clipped = 0 }
        let checks = Checks()
        let input = BufferSource(source)
        var decisions: MasterChain.Decisions?
        try pool.forEach(2) { (job: Int) throws in
            if job == 0 {
                checks.before = analyse ? AudioAnalysis.analyze(mix, pool: pool) : nil
                (checks.peak, checks.correlation) = checks.before.map { ($0.truePeakDbtp, $0.stereoCorrelation) }
                    ?? AudioAnalysis.truePeakAndCorrelation(mix, pool: pool)
                checks.clipped = Clipping.runs(in: mix)
            } else {
                decisions = try MasterChain.analyze(input, settings: settings, pool: pool)
            }
        }
        var warnings = [String]()
        if let peak = checks.peak, peak > 0 { warnings.append(String(format: "input too hot: true peak %+.1f dBTP", peak)) }
        if checks.clipped > 0 { warnings.append("clipped input: \(checks.clipped) runs of 3 or more samples at full scale") }
        if let c = checks.correlation, c < 0 { warnings.append(String(format: "mono issues: the channels are out of phase (correlation %.2f)", c)) }

        let chained = MemorySink(sampleRate: source.sampleRate, channels: source.channelCount, capacity: source.frameCount)
        var meter = ProgrammeMeter(sampleRate: source.sampleRate, channels: source.channelCount, pool: pool)
        var done = 0
        try MasterChain.run(input, settings: settings, decisions: decisions!, pool: pool) {
            meter.process($0)
            try chained.consume($0)
            done += $0.frames
            try control.step(.mastering, Double(done) / Double(max(1, source.frameCount)))
        }
        try control.step(.encoding, 0)
        let transaction = OutputTransaction()
        let delivered = try Delivery.deliver(chained, measurement: meter.finish(), as: request.endFormats, to: paths, in: transaction,
                                             target: target, ceiling: ceiling, spillDirectory: request.temporaryDirectory,
                                             analyse: analyse, pool: pool, progress: control.ticker(.encoding))
        if let mastered = delivered.alignment {
            if mastered.limiting > 6 {
                warnings.append(String(format: "target unreachable without crushing: up to %.1f dB of limiting for %.1f LUFS", mastered.limiting, target))
            }
            if !mastered.reachedTarget, let i = mastered.integratedLufs {
                warnings.append(String(format: "delivered %.1f LUFS for a target of %.1f", i, target))
            }
        }
        try control.step(.finishing, 0)
        var report: MasterReport?
        if analyse, let before = checks.before, let after = delivered.analysis {
            report = MasterReport(preset: request.preset.rawValue, loudnessTarget: target, truePeakLimit: ceiling, input: before,
                                  output: after, warnings: warnings, outputs: delivered.outputs,
                                  spectralDistanceBeforeDb: spectralDistance?.before, spectralDistanceAfterDb: spectralDistance?.after)
        }
        if let path = request.reportPath, let report {
            try report.json().write(to: URL(fileURLWithPath: try transaction.temporaryPath(for: path)))
        }
        if let path = request.reportPagePath, let report {
            let page = try ReportPage.master(report, curves: delivered.curves, title: URL(fileURLWithPath: request.input).lastPathComponent,
                                             player: delivered.outputs.first.map { request.reportPagePlayer?($0) ?? ReportPage.relativePath(to: $0.path, from: path) })
            try Data(page.utf8).write(to: URL(fileURLWithPath: try transaction.temporaryPath(for: path)))
        }
        try control.step(.finishing, 1)
        try transaction.commit()
        return Result(outputs: delivered.outputs, warnings: warnings, report: report)
    }
}

enum Clipping {
    /// Runs of three or more consecutive samples at (or within 0.01 dB of) full scale.
    static func runs(in buffer: AudioBuffer) -> Int {
        var count = 0
        for ch in buffer.channels {
            var run = 0
            for v in ch {
                if abs(v) >= 0.9988 { run += 1 } else { if run >= 3 { count += 1 }; run = 0 }
            }
            if run >= 3 { count += 1 }
        }
        return count
    }
}
