import Foundation
import MixdownCore
import MixdownDelivery
import MixdownDSP
import MixdownHybrid
import MixdownIO
import MixdownMaster
import MixdownReport
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownTimeline

/// parse → check → speak → plan → render → master → encode → report (docs/architecture.md),
/// top to bottom, each stage a named function that hands its result on as a value. Rendering
/// streams: the plan is rendered in blocks, twice (the speech's activity for the duck, then the
/// mix), the master chain is measured then applied, and every format is encoded in one
/// processing pass per shape. Memory holds blocks, never the programme.
public enum Pipeline {
    public static let version = "0.2.0"

    public static func render(_ asked: RenderRequest) throws -> RenderReport {
        let started = Date()
        let request = try asked.withProductionSidecars()
        let (production, pool) = (request.production, request.pool)
        let settings = MasteringSettings(production.masteringPreset)
        var clock = StageClock(request.control)
        let laid = try layOut(request, estimate: false, outputs: true, clock: &clock)
        let (checked, speech, hybrid, clips, plan) = (laid.checked, laid.speech, laid.hybrid, laid.clips, laid.plan)
        let transaction = OutputTransaction()
        if let folder = OutputTransaction.folderToMake(request.output) { try transaction.makeFolder(folder) }
        var (mix, duck) = try clock.run(.rendering) {
            try renderBuses(plan, clips: clips, template: checked.template, hybrid: hybrid?.matching, settings: settings, request: request, transaction: transaction)
        }
        let chained = try clock.run(.mastering) {
            // The chained programme is measured only when a format keeps its shape (48 kHz
            // stereo); other shapes are measured as they are conformed.
            try masterChain(mix.spill, decisions: mix.decisions, kept: mix.kept, settings: settings,
                            measure: checked.formats.contains { $0.sampleRate == plan.sampleRate && $0.channels == 2 }, request: request)
        }
        mix.kept = nil   // the bands have served: their memory is free for delivery
        let delivered = try clock.run(.encoding) {
            try Delivery.deliver(chained.spill, measurement: chained.measurement, as: checked.formats, to: checked.paths, in: transaction,
                                 target: production.targetLoudness, ceiling: production.truePeakCeiling, spillDirectory: request.temporaryDirectory,
                                 analyse: true, curves: request.reportPagePath != nil, tagging: tagging(checked.tagging, plan), pool: pool,
                                 progress: request.control.ticker(.encoding))
        }
        let timings = timings(clock)
        var report = try clock.run(.finishing) {
            try finish(plan, checked: checked, speech: speech, mix: mix, duck: (duck, settings.duckDepthDB), hybrid: hybrid?.matching,
                       recordings: laid.recordings, delivered: delivered, timings: timings, started: started, request: request, transaction: transaction)
        }
        try request.control.step(.finishing, 1)
        try transaction.commit()
        report.runtimeSeconds = Date().timeIntervalSince(started)
        return report
    }

    /// The files' tags with one chapter per section, named as the section, from its first
    /// sample to its last (the plan's own positions; each format rescales them to its rate).
    static func tagging(_ tags: Tagging, _ plan: TimelinePlan) -> Tagging {
        var tagging = tags
        tagging.chapters = plan.sections.map { Chapter(title: $0.name, start: $0.startSample, end: $0.endSample) }
        tagging.rate = plan.sampleRate
        return tagging
    }

    /// The stages a render and a plan share: check, media, speech (or its estimate), hybrid
    /// matching, plan; strict delivery refuses what they warned of (`outputs`: check where the
    /// files go; a plan writes none). One sequence, so a plan's
    /// boundaries are the render's.
    struct LaidOut {
        let checked: Checked
        let speech: SpokenClips
        let hybrid: (matching: HybridMatching, matched: [ItemID: [Float]])?
        let clips: PreparedClips
        let plan: TimelinePlan
        let warnings: [RenderReport.Warning]
        /// The speech recordings cleaned on their way in (for the report).
        let recordings: [RenderReport.Recording]
    }

    static func layOut(_ request: RenderRequest, estimate: Bool, outputs: Bool, clock: inout StageClock) throws -> LaidOut {
        let (production, pool) = (request.production, request.pool)
        let checked = try clock.run(.checking) { try check(request, outputs: outputs) }
        let media = try ClipPreparation.prepareMedia(checked.script, production: production, template: checked.template, pool: pool)
        let speech = try clock.run(.speaking) {
            estimate ? ClipPreparation.estimate(checked.script, production: production, casting: checked.casting, voices: request.voices)
                : try speak(checked.script, casting: checked.casting, request)
        }
        // Hybrid voice lengthens the synthetic clips (the recordings' room rings on after them).
        let hybrid = estimate ? nil : try clock.run(.matching) {
            try matchHybrid(checked.script, media: media, speech: speech, settings: MasteringSettings(production.masteringPreset), pool: pool)
        }
        let clips = PreparedClips(media: media, speech: speech, matched: hybrid?.matched ?? [:])
        let plan = try clock.run(.planning) { try self.plan(checked, clips: clips, request) }
        let warnings = RenderReport.warnings(checks: checked.warnings, plan: plan, scriptWarnings: checked.script.warnings, speech: speech.outcome,
                                             recordings: media.cleaned)
        try refuseWarnings(warnings, request)
        return LaidOut(checked: checked, speech: speech, hybrid: hybrid, clips: clips, plan: plan, warnings: warnings, recordings: media.cleaned)
    }

    /// All speech, together: shared, cached and synthesised in parallel, kept on disk.
    static func speak(_ script: Script, casting: Casting, _ request: RenderRequest) throws -> SpokenClips {
        let spool = try ClipSpool(directory: request.temporaryDirectory)
        return try ClipPreparation.speak(script, production: request.production, casting: casting, cache: request.cache, spool: spool, pool: request.pool,
                                         voices: request.voices, progress: request.control.ticker(.speaking))
    }

    /// Hybrid voice: the speech flow's recordings and synthetic clips, in script order; the
    /// synthetic clips matched to the recordings' room (nil: the flow does not mix them).
    static func matchHybrid(_ script: Script, media: MediaClips, speech: SpokenClips, settings: MasteringSettings,
                            pool: WorkerPool) throws -> (matching: HybridMatching, matched: [ItemID: [Float]])? {
        var voices = [(id: ItemID, recorded: Bool)]()
        for section in script.sections {
            for item in section.items {
                switch item.kind {
                case .speech: voices.append((item.id, false))
                case .media where media.rooms[item.id] != nil: voices.append((item.id, true))
                default: break
                }
            }
        }
        guard HybridMatching.applies(recorded: voices.filter(\.recorded).count, synthetic: voices.filter { !$0.recorded }.count) else { return nil }
        // Matching reads every voice clip: the synthetic ones come into memory for it.
        let flow = try voices.map { voice in
            let audio = voice.recorded ? media.audio[voice.id] : speech.audio[voice.id]
            return HybridMatching.Voice(id: voice.id, audio: try audio?.load().first ?? [], room: media.rooms[voice.id])
        }
        return try HybridMatching.match(flow, settings: settings, pool: pool)
    }

    /// The pure planner over the clips' lengths, and the length limit on what it planned.
    static func plan(_ checked: Checked, clips: PreparedClips, _ request: RenderRequest) throws -> TimelinePlan {
        let production = request.production
        let plan = try TimelinePlanner.plan(planInput(checked.script, production: production, template: checked.template, clips: clips))
        if Double(plan.totalSamples) > request.maximumDuration * Double(plan.sampleRate) {
            throw MixdownError(.badInput, String(format: "the programme would be %.3f s long; at most %g s (--max-duration)",
                                                 Double(plan.totalSamples) / Double(plan.sampleRate), request.maximumDuration),
                               code: .invalidTiming, keyPath: production.timeline.forceLength != nil ? "forceLength" : nil)
        }
        return plan
    }

    /// The buses rendered: the duck from the speech's activity (pass 1), then the mix, spilled
    /// (pass 2).
    static func renderBuses(_ plan: TimelinePlan, clips: PreparedClips, template: SoundTemplate?, hybrid: HybridMatching?, settings: MasteringSettings,
                            request: RenderRequest, transaction: OutputTransaction) throws -> (Mix, Ducker.Curve) {
        let insertNames = Set(request.production.mediaFiles.filter { $0.value.role == .insert }.map(\.key))
        let renderer = BusRenderer(plan: plan, clips: clips, template: template, insertNames: insertNames)
        let duck = try duckCurve(renderer, depthDB: settings.duckDepthDB, blockFrames: request.blockFrames, pool: request.pool,
                                 progress: { try request.control.step(.rendering, 0.3 * $0) })
        let mix = try mixdown(renderer, plan: plan, hybrid: hybrid, duck: duck, settings: settings, request: request, transaction: transaction)
        return (mix, duck)
    }

    /// The report, and the sidecars (captions, report, page) written into the transaction.
    static func finish(_ plan: TimelinePlan, checked: Checked, speech: SpokenClips, mix: Mix, duck: (curve: Ducker.Curve, depthDb: Double),
                       hybrid: HybridMatching?, recordings: [RenderReport.Recording],
                       delivered: Delivery.Result, timings: RenderReport.Timings, started: Date, request: RenderRequest,
                       transaction: OutputTransaction) throws -> RenderReport {
        let production = request.production
        guard let alignment = delivered.alignment, let output = delivered.analysis else {
            throw MixdownError.failure("delivery measured no output")
        }
        let report = RenderReport(
            plan: plan, checks: checked.warnings, scriptWarnings: checked.script.warnings, speech: speech.outcome,
            mastering: .init(preset: production.masteringPreset.rawValue, target: production.targetLoudness, ceiling: production.truePeakCeiling,
                             input: mix.analysis, alignment: alignment, output: output, files: delivered.loudness),
            hybrid: hybrid, recordings: recordings, outputs: delivered.outputs, timings: timings, runtimeSeconds: Date().timeIntervalSince(started), version: version)
        try refuseWarnings(report.warnings, request)   // the loudness warnings: known only now
        if let format = request.captions, let first = delivered.outputs.first {
            try Captions.write(report.allWords, format: format, sampleRate: plan.sampleRate, beside: first.path, in: transaction)
        }
        if let vast = production.vast, let first = delivered.outputs.first {
            let media = delivered.outputs.map { VastDocument.Media($0, url: VastDocument.url(base: vast.mediaBaseUrl, file: $0.path)) }
            let document = VastDocument.xml(vast, id: request.name, totalSamples: plan.totalSamples, sampleRate: plan.sampleRate, media: media, version: version)
            try Data(document.utf8).write(to: URL(fileURLWithPath: try transaction.temporaryPath(for: vastPath(beside: first.path))))
        }
        try request.sidecars.write(json: report.json, page: { player in
            try ReportPage.render(report, curves: delivered.curves, duck: duck, target: production.targetLoudness,
                                  ceiling: production.truePeakCeiling, title: request.name, player: player)
        }, outputs: delivered.outputs, in: transaction)
        return report
    }

    /// `<stem>.vast.xml` beside the first output.
    static func vastPath(beside output: String) -> String {
        URL(fileURLWithPath: output).deletingPathExtension().path + ".vast.xml"
    }

    /// The report's timings from the stages' clock.
    static func timings(_ clock: StageClock) -> RenderReport.Timings {
        var t = RenderReport.Timings()
        (t.speech, t.hybrid, t.plan) = (clock.seconds[.speaking] ?? 0, clock.seconds[.matching] ?? 0, clock.seconds[.planning] ?? 0)
        (t.render, t.master, t.encode) = (clock.seconds[.rendering] ?? 0, clock.seconds[.mastering] ?? 0, clock.seconds[.encoding] ?? 0)
        return t
    }
}

extension MasteringSettings {
    /// What a production's `masteringPreset` does.
    init(_ preset: MasteringPreset) {
        switch preset {
        case .balanced: self = .balanced
        case .voiceenhanced: self = .voiceEnhanced
        case .musicenhanced: self = .musicEnhanced
        case .lightducking: self = .lightDucking
        case .heavyducking: self = .heavyDucking
        case .radio: self = .radio
        }
    }
}
