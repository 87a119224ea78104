import Foundation
import MixdownCleanup
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
    /// Clean the input before mastering it (docs/cleanup.md); nil: as it is.
    public var cleanup: CleanupSettings?
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
/// encode, each a named stage (docs/mastering.md). Every stage streams: the input is decoded
/// and resampled into a spill file, the chain is measured over it and then applied into a
/// second spill while the result is metered, and delivery encodes every format from that in
/// one pass per shape. Memory stays a few blocks (and the meters' per-block figures) however
/// long the input is; the spills live in `temporaryDirectory`.
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
        let settings = settings(request.preset)
        let source = try clock.run(.rendering) { try decode(request, settings: settings, analyse: checked.analyse, reference: checked.reference) }
        let chained = try clock.run(.mastering) { try masterChain(source, settings: settings, request: request) }
        let transaction = OutputTransaction()
        if let folder = OutputTransaction.folderToMake(request.output) { try transaction.makeFolder(folder) }
        let delivered = try clock.run(.encoding) {
            try Delivery.deliver(chained.output, measurement: chained.measurement, as: request.endFormats, to: checked.paths, in: transaction,
                                 target: checked.target, ceiling: checked.ceiling, spillDirectory: request.temporaryDirectory,
                                 analyse: checked.analyse, curves: request.reportPagePath != nil, pool: request.pool, progress: request.control.ticker(.encoding))
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
        /// The reference track's spectra, measured as it streamed past (it is not kept).
        var reference: ReferenceMatch.Spectra?
    }

    static func check(_ request: MasterRequest) throws -> Checked {
        let (givenTarget, ceiling, paths) = try request.check()
        var reference: ReferenceMatch.Spectra?, referenceLoudness: Double?
        if let path = request.reference {
            var spectra = ReferenceMatch.Spectra()
            var meter = ProgrammeMeter(sampleRate: SampleTime.renderRate, channels: 2, truePeak: false, pool: request.pool)
            try AudioDecoder.stream(path, pool: request.pool) { block in
                meter.process(block)
                spectra.process(block)
            }
            (reference, referenceLoudness) = (spectra, meter.finish().integrated)
        }
        try request.control.step(.checking, 1)
        return Checked(target: givenTarget ?? referenceLoudness ?? LoudnessPreset.streaming.integrated, ceiling: ceiling, paths: paths,
                       analyse: request.analyse || request.reportPath != nil || request.reportPagePath != nil, reference: reference)
    }

    /// The input at the render rate in stereo (spilled), matched to the reference when there
    /// is one (a second spill), with what the passes that wrote them measured: the input's
    /// checks and what the master chain decides from the whole programme.
    struct Source {
        var mix: BlockSource
        var matched: BlockSource
        var input: InputChecks
        var decisions: MasterChain.Decisions
        /// With the reference preset: the octave-band distance to the reference, before and after.
        var spectralDistance: (before: Double, after: Double)?
        /// With `cleanup`: what cleaning changed.
        var cleanup: RecordingCleanup.Figures?
    }

    /// One pass decodes the input into a spill while the input's checks, the master chain's
    /// analysis (or, with a reference, the mix's spectra) measure it: the decoder makes the next
    /// block while the last is written and measured, side by side. With a reference, a second
    /// pass writes the matched mix, which the chain's analysis then measures.
    static func decode(_ request: MasterRequest, settings: MasteringSettings, analyse: Bool,
                       reference: ReferenceMatch.Spectra?) throws -> Source {
        let (pool, rate) = (request.pool, SampleTime.renderRate)
        let stream = try MixStream(request.input, rate: rate, pool: pool)
        // A WAV, AIFF or FLAC at 48 kHz is read again from the file itself; anything else
        // (MP3, another rate) is spilled as it is decoded.
        let spill = stream.isRereadable ? nil : try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: 2)
        var checks = InputChecks.Meter(analyse: analyse, expectedFrames: stream.expectedFrames, sampleRate: rate, channels: 2, pool: pool)
        var analyzer = MasterChain.Analyzer(settings: settings, rate: rate, channels: 2, pool: pool)
        var spectra = reference.map { _ in ReferenceMatch.Spectra() }
        let expected = Double(max(1, stream.expectedFrames ?? 0))
        // The two sides balanced: the decoder also writes the spill and analyses for the chain
        // (or the reference match); the input's checks (true peak, mostly) take the other side.
        try Pipelined.run(make: { AudioBlock(channels: 2, capacity: MixStream.blockFrames) }, pool: pool, produce: { block in
            guard try stream.next(into: &block) else { return false }
            try spill?.consume(block)
            // A mix to be cleaned is measured for the chain once it is clean.
            if request.cleanup == nil {
                if spectra != nil { spectra!.process(block) } else { try analyzer.process(block) }
            }
            return true
        }, consume: { block in
            checks.process(block)
            try request.control.step(.rendering, min(1, Double(stream.frames) / expected))
        })
        let input = checks.finish()
        var mix = try spill ?? reread(request, frames: stream.frames)
        var cleanup: RecordingCleanup.Figures?
        if let settings = request.cleanup {
            // Cleaned into a spill of its own, measured as the chain (or the match) needs.
            let cleaned = try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: 2)
            cleanup = try RecordingCleanup.clean(mix, settings: settings, into: cleaned, spillDirectory: request.temporaryDirectory) {
                try request.control.step(.rendering, $0)
            }
            mix = cleaned
            try mix.forEachBlock(capacity: LoudnessMaster.blockFrames) { block in
                if spectra != nil { spectra!.process(block) } else { try analyzer.process(block) }
            }
        }
        guard let reference, let spectra else {
            return Source(mix: mix, matched: mix, input: input, decisions: analyzer.decisions, cleanup: cleanup)
        }

        // The matched mix: the fitted EQ applied as the spill is read back; its spectrum is
        // measured on the way (how close it came), and the chain's analysis with it.
        let matched = try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: 2)
        var equaliser = ReferenceMatch.Equaliser(mix: spectra, reference: reference, rate: rate)
        var after = ReferenceMatch.Spectra()
        var position = 0
        try Pipelined.run(channels: 2, capacity: LoudnessMaster.blockFrames, pool: pool, produce: { block in
            guard position < mix.frameCount else { return false }
            try mix.read(from: position, into: &block)
            position += block.frames
            equaliser.process(&block)
            return true
        }, consume: { block in
            try pool.forEach(3) { (job: Int) throws in
                switch job {
                case 0: try matched.consume(block)
                case 1: after.process(block)
                default: try analyzer.process(block)
                }
            }
        })
        return Source(mix: mix, matched: matched, input: input, decisions: analyzer.decisions,
                      spectralDistance: (ReferenceMatch.distance(spectra, to: reference, rate: rate),
                                         ReferenceMatch.distance(after, to: reference, rate: rate)), cleanup: cleanup)
    }

    /// The input as the first pass decoded it, read again: from the file itself, or (should
    /// it not open again as it did) spilled by decoding it once more.
    static func reread(_ request: MasterRequest, frames: Int) throws -> BlockSource {
        let rate = SampleTime.renderRate
        if let source = FileSource.rereading(request.input, rate: rate, frames: frames) { return source }
        let spill = try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: 2)
        try AudioDecoder.stream(request.input, rate: rate, pool: request.pool) { try spill.consume($0) }
        guard spill.frameCount == frames else {
            throw MixdownError.badInput("\(request.input): the file changed while it was being mastered", code: .invalidAudio)
        }
        return spill
    }

    /// What the master chain leaves: the chained programme (spilled) and its measurement.
    struct Chained {
        var output: SpillFile
        var measurement: ProgrammeMeter.Measurement
    }

    /// The chain applied with the decisions the first pass made, and the result metered as it
    /// is written.
    static func masterChain(_ source: Source, settings: MasteringSettings, request: MasterRequest) throws -> Chained {
        let (matched, pool) = (source.matched, request.pool)
        let chained = try SpillFile(directory: request.temporaryDirectory, sampleRate: matched.sampleRate, channels: matched.channelCount)
        var meter = ProgrammeMeter(sampleRate: matched.sampleRate, channels: matched.channelCount, pool: pool)
        var done = 0
        // The spill is written on the chain's side, the meter (true peak, mostly) takes the other.
        try MasterChain.run(matched, settings: settings, decisions: source.decisions, pool: pool, made: { try chained.consume($0) }) {
            meter.process($0)
            done += $0.frames
            try request.control.step(.mastering, Double(done) / Double(max(1, matched.frameCount)))
        }
        return Chained(output: chained, measurement: meter.finish())
    }

    /// The warnings and the report, and the sidecars written into the transaction.
    static func finish(_ request: MasterRequest, checked: Checked, source: Source, chained: Chained, delivered: Delivery.Result,
                       transaction: OutputTransaction) throws -> Result {
        var warnings = source.input.warnings
        if let settings = request.cleanup, let figures = source.cleanup {
            warnings += RecordingCleanup.warnings(figures, settings: settings).map { "cleanup: \($0)" }
        }
        if let alignment = delivered.alignment {
            warnings += LoudnessWarnings.check(alignment, delivered: delivered.analysis, files: delivered.loudness, target: checked.target, ceiling: checked.ceiling,
                                               measurable: alignment.integratedLufs != nil).map(\.message)
        }
        var report: MasterReport?
        if checked.analyse, let before = source.input.analysis, let after = delivered.analysis {
            report = MasterReport(preset: request.preset.rawValue, loudnessTarget: checked.target, truePeakLimit: checked.ceiling, input: before,
                                  output: after, warnings: warnings, outputs: delivered.outputs,
                                  spectralDistanceBeforeDb: source.spectralDistance?.before, spectralDistanceAfterDb: source.spectralDistance?.after)
            report?.cleanupSettings = request.cleanup
            report?.cleanup = source.cleanup
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

/// What the input itself earns a warning for: too hot, clipped, out of phase. Measured as the
/// input is decoded.
struct InputChecks: Sendable {
    /// The input's full analysis, when asked for.
    var analysis: AudioAnalysis?
    var truePeak: Double?
    var correlation: Double?
    var clippedRuns = 0

    /// The checks, block by block: the full analysis when asked for, else the true peak and
    /// correlation alone (what the warnings need), and clipped runs either way.
    struct Meter: Sendable {
        var full: AnalysisAccumulator?
        var light: PeakAndCorrelation?
        var clipping: Clipping

        /// `expectedFrames` (from the file's header) sizes the full analysis' band frames and
        /// waveform buckets as the whole-file analysis sizes them; unknown, it is taken as
        /// long (only an input under 0.2 s would have been measured differently).
        init(analyse: Bool, expectedFrames: Int?, sampleRate: Int, channels: Int, pool: WorkerPool) {
            full = analyse ? AnalysisAccumulator(sampleRate: sampleRate, channels: channels, expectedFrames: expectedFrames ?? Int(Int32.max),
                                                 curves: false, pool: pool) : nil
            light = analyse ? nil : PeakAndCorrelation(sampleRate: sampleRate, channels: channels, pool: pool)
            clipping = Clipping(channels: channels)
        }

        mutating func process(_ block: AudioBlock) {
            full?.process(block)
            light?.process(block)
            clipping.process(block)
        }

        mutating func finish() -> InputChecks {
            var checks = InputChecks()
            checks.analysis = full.map { var a = $0; return a.finish().analysis }
            (checks.truePeak, checks.correlation) = checks.analysis.map { ($0.truePeakDbtp, $0.stereoCorrelation) }
                ?? light.map { var l = $0; return l.finish() } ?? (nil, nil)
            checks.clippedRuns = clipping.finish()
            return checks
        }
    }

    var warnings: [String] {
        var warnings = [String]()
        if let truePeak, truePeak > 0 { warnings.append(String(format: "input too hot: true peak %+.1f dBTP", truePeak)) }
        if clippedRuns > 0 { warnings.append("clipped input: \(clippedRuns) runs of 3 or more samples at full scale") }
        if let correlation, correlation < 0 { warnings.append(String(format: "mono issues: the channels are out of phase (correlation %.2f)", correlation)) }
        return warnings
    }
}

/// Counts runs of three or more consecutive samples at (or within 0.01 dB of) full scale, per
/// channel, as blocks stream past (a run may span blocks).
struct Clipping: Sendable {
    private var run: [Int]
    private var count = 0
    init(channels: Int) { run = [Int](repeating: 0, count: channels) }

    mutating func process(_ block: AudioBlock) {
        for c in run.indices {
            block.withChannel(c) { (x: UnsafeBufferPointer<Float>) in
                var length = run[c]
                for v in x {
                    if abs(v) >= 0.9988 { length += 1 } else { if length >= 3 { count += 1 }; length = 0 }
                }
                run[c] = length
            }
        }
    }

    mutating func finish() -> Int {
        for length in run where length >= 3 { count += 1 }
        run = run.map { _ in 0 }
        return count
    }
}
