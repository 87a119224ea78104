import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownDelivery
import MixdownMaster
import MixdownReport
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
        try OutputTransaction.checkTargets(endFormats.map { paths[$0]! } + [reportPath, reportPagePath].compactMap { $0 },
                                           creating: OutputTransaction.folderToMake(output))
        return (target, ceiling, paths)
    }
}

/// decode → (match the reference) → master chain → align loudness under the ceiling →
/// encode, each a named stage (docs/mastering.md). The chain is measured, then applied while
/// the result is metered; delivery then encodes every format in one pass per shape.
public enum Mastering {
    public struct Result: Sendable {
        public var outputs: [EncodedOutput]
        public var warnings: [String]
        /// With `analyse` or a report path.
        public var report: MasterReport?
    }

    public static func master(_ request: MasterRequest) throws -> Result {
        var clock = StageClock(request.control)
        let checked = try clock.run(.checking) { try check(request) }
        let source = try clock.run(.rendering) { try decode(request, reference: checked.reference) }
        let chained = try clock.run(.mastering) { try masterChain(source, settings: settings(request.preset), analyse: checked.analyse, request: request) }
        let transaction = OutputTransaction()
        if let folder = OutputTransaction.folderToMake(request.output) { try transaction.makeFolder(folder) }
        let delivered = try clock.run(.encoding) {
            try Delivery.deliver(chained.output, measurement: chained.measurement, as: request.endFormats, to: checked.paths, in: transaction,
                                 target: checked.target, ceiling: checked.ceiling, spillDirectory: request.temporaryDirectory,
                                 analyse: checked.analyse, pool: request.pool, progress: request.control.ticker(.encoding))
        }
        let result = try clock.run(.finishing) {
            try finish(request, checked: checked, source: source, chained: chained, delivered: delivered, transaction: transaction)
        }
        try request.control.step(.finishing, 1)
        try transaction.commit()
        return result
    }

    /// A request checked, with what follows from it: the target (the reference's loudness
    /// unless one is given), the ceiling, where each format goes.
    struct Checked {
        var target: Double
        var ceiling: Double
        var paths: [EndFormat: String]
        var analyse: Bool
        /// The reference track, decoded like the input.
        var reference: AudioBuffer?
    }

    static func check(_ request: MasterRequest) throws -> Checked {
        let (givenTarget, ceiling, paths) = try request.check()
        let reference = try request.reference.map { try AudioDecoder.decodeForMix($0, pool: request.pool) }
        let referenceLoudness = reference.flatMap { AudioAnalysis.analyze($0, pool: request.pool).integratedLufs }
        try request.control.step(.checking, 1)
        return Checked(target: givenTarget ?? referenceLoudness ?? LoudnessPreset.streaming.integrated, ceiling: ceiling, paths: paths,
                       analyse: request.analyse || request.reportPath != nil || request.reportPagePath != nil, reference: reference)
    }

    /// The input at the render rate in stereo, and matched to the reference when there is one.
    struct Source {
        var mix: AudioBuffer
        var matched: AudioBuffer
        /// With the reference preset: the octave-band distance to the reference, before and after.
        var spectralDistance: (before: Double, after: Double)?
    }

    static func decode(_ request: MasterRequest, reference: AudioBuffer?) throws -> Source {
        let decoded = try AudioFileReader.read(request.input)
        let mix = try Resampler.resample(ChannelMix.toStereo(decoded.audio, roles: decoded.roles), to: SampleTime.renderRate, pool: request.pool)
        guard let reference else { return Source(mix: mix, matched: mix) }
        let matched = ReferenceMatch.match(mix, to: reference)
        return Source(mix: mix, matched: matched.audio, spectralDistance: (matched.distanceBefore, matched.distanceAfter))
    }

    /// What the master chain leaves: the chained programme, metered, and the input's checks.
    struct Chained {
        var output: MemorySink
        var measurement: ProgrammeMeter.Measurement
        var input: InputChecks
    }

    /// The input's checks (the full analysis only when asked; the warnings need the true peak
    /// and correlation) run beside the chain's first pass; then the chain is applied and metered.
    static func masterChain(_ source: Source, settings: MasteringSettings, analyse: Bool, request: MasterRequest) throws -> Chained {
        let (matched, pool) = (source.matched, request.pool)
        let input = BufferSource(matched)
        let (checks, decisions) = try pool.both({ InputChecks(source.mix, analyse: analyse, pool: pool) },
                                                { try MasterChain.analyze(input, settings: settings, pool: pool) })
        let chained = MemorySink(sampleRate: matched.sampleRate, channels: matched.channelCount, capacity: matched.frameCount)
        var meter = ProgrammeMeter(sampleRate: matched.sampleRate, channels: matched.channelCount, pool: pool)
        var done = 0
        try MasterChain.run(input, settings: settings, decisions: decisions, pool: pool) {
            meter.process($0)
            try chained.consume($0)
            done += $0.frames
            try request.control.step(.mastering, Double(done) / Double(max(1, matched.frameCount)))
        }
        return Chained(output: chained, measurement: meter.finish(), input: checks)
    }

    /// The warnings and the report, and the sidecars written into the transaction.
    static func finish(_ request: MasterRequest, checked: Checked, source: Source, chained: Chained, delivered: Delivery.Result,
                       transaction: OutputTransaction) throws -> Result {
        var warnings = chained.input.warnings
        if let alignment = delivered.alignment {
            warnings += LoudnessWarnings.check(alignment, delivered: delivered.analysis, files: delivered.loudness, target: checked.target, ceiling: checked.ceiling,
                                               measurable: alignment.integratedLufs != nil).map(\.message)
        }
        var report: MasterReport?
        if checked.analyse, let before = chained.input.analysis, let after = delivered.analysis {
            report = MasterReport(preset: request.preset.rawValue, loudnessTarget: checked.target, truePeakLimit: checked.ceiling, input: before,
                                  output: after, warnings: warnings, outputs: delivered.outputs,
                                  spectralDistanceBeforeDb: source.spectralDistance?.before, spectralDistanceAfterDb: source.spectralDistance?.after)
        }
        if let report {
            let sidecars = Sidecars(reportPath: request.reportPath, pagePath: request.reportPagePath, player: request.reportPagePlayer)
            try sidecars.write(json: report.json, page: { player in
                try ReportPage.master(report, curves: delivered.curves, title: URL(fileURLWithPath: request.input).lastPathComponent, player: player)
            }, outputs: delivered.outputs, in: transaction)
        }
        return Result(outputs: delivered.outputs, warnings: warnings, report: report)
    }

    /// What each standalone preset does (the reference preset masters like streaming, after
    /// matching the reference's tone).
    static func settings(_ preset: MasterRequest.Preset) -> MasteringSettings {
        switch preset {
        case .streaming, .reference: .streaming
        case .loud: .loud
        }
    }
}

/// What the input itself earns a warning for: too hot, clipped, out of phase.
struct InputChecks: Sendable {
    /// The input's full analysis, when asked for.
    var analysis: AudioAnalysis?
    var truePeak: Double?
    var correlation: Double?
    var clippedRuns = 0

    init(_ mix: AudioBuffer, analyse: Bool, pool: WorkerPool) {
        analysis = analyse ? AudioAnalysis.analyze(mix, pool: pool) : nil
        (truePeak, correlation) = analysis.map { ($0.truePeakDbtp, $0.stereoCorrelation) } ?? AudioAnalysis.truePeakAndCorrelation(mix, pool: pool)
        clippedRuns = Clipping.runs(in: mix)
    }

    var warnings: [String] {
        var warnings = [String]()
        if let truePeak, truePeak > 0 { warnings.append(String(format: "input too hot: true peak %+.1f dBTP", truePeak)) }
        if clippedRuns > 0 { warnings.append("clipped input: \(clippedRuns) runs of 3 or more samples at full scale") }
        if let correlation, correlation < 0 { warnings.append(String(format: "mono issues: the channels are out of phase (correlation %.2f)", correlation)) }
        return warnings
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
