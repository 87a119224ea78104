import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownTimeline

/// What to render and where the results go. Everything the engine needs from outside comes in
/// here (the CLI reads the environment, a service its settings): the engine reads no globals.
public struct RenderRequest: Sendable {
    public var production: Production
    /// `--var k=v`: personalisation that overrides the production's audience.
    public var variables: [String: String] = [:]
    /// `-o`: a file, a folder or a stem; nil writes `<name>.<ext>` in the current folder.
    public var output: String?
    /// `--end-format`: overrides the production's endFormat.
    public var endFormats: [EndFormat] = []
    public var reportPath: String?
    /// `--report-html`: the visual report, a self-contained page (DESIGN.md §16).
    public var reportPagePath: String?
    /// The page's player link for an output (nil: the file's path relative to the page; a
    /// service serves the page and the outputs under its own URLs).
    public var reportPagePlayer: (@Sendable (EncodedOutput) -> String)?
    public var stemsDirectory: String?
    /// `--captions srt|vtt`: word-timed captions beside the (first) output.
    public var captions: CaptionFormat?
    /// Where finished speech clips are kept between renders (no caching by default).
    public var cache = SpeechCache(directory: nil)
    /// Where the render spills the programme between its passes (unlinked files).
    public var temporaryDirectory = "/tmp"
    /// Frames per block through the streaming engine: any size gives the same output.
    public var blockFrames = 65_536
    /// The stem of the default output name (the production or script file's name).
    public var name: String
    /// Folders of named sound templates, searched after `<production folder>/SoundTemplates`
    /// (the CLI passes `SoundTemplate.standardLibraries`; a service its own library).
    public var templateLibraries: [String] = []
    /// Neural voices (Piper) a production may name, and the process that speaks them (nil:
    /// none; `voice` then names an espeak-ng voice).
    public var piper: PiperLibrary?
    /// Templates already decoded in this process (a batch's or a service's; nil: load afresh).
    public var templates: TemplateCache?
    /// The longest programme this render may make (seconds; `--max-duration`, a server setting).
    public var maximumDuration = Limits.maximumProgrammeSeconds
    /// The cores this render may use, shared with whatever else the process runs.
    public var pool: WorkerPool
    /// Progress events and the cancel switch (a fresh one: nobody listens, nothing cancels).
    public var control = RenderControl()

    public init(production: Production, name: String, pool: WorkerPool) {
        (self.production, self.name, self.pool) = (production, name, pool)
    }
}

/// parse → check → speak → plan → render → master → encode → report (DESIGN.md §1), top to
/// bottom. Rendering streams: the plan is rendered in blocks, twice (the speech's activity for
/// the duck, then the mix), the master chain is measured then applied, and every format is
/// encoded in one processing pass per shape. Memory holds blocks, never the programme.
public enum Pipeline {
    public static let version = "0.2.0"

    public static func render(_ request: RenderRequest) throws -> RenderReport {
        let started = Date()
        let control = request.control, pool = request.pool
        try control.step(.checking, 0)
        var timings = RenderReport.Timings()
        var lap = Date()
        func split() -> Double { defer { lap = Date() }; return Date().timeIntervalSince(lap) }
        let production = request.production
        let checked = try check(request)
        let (script, template, formats, paths) = (checked.script, checked.template, checked.formats, checked.paths)
        var clips = try ClipPreparation.prepareMedia(script, production: production, template: template, pool: pool)

        // Speak (the clips stay on disk), match the hybrid voice, plan.
        try control.step(.speaking, 0)
        _ = split()
        let spool = try ClipSpool(directory: request.temporaryDirectory)
        try ClipPreparation.speak(script, production: production, cache: request.cache, spool: spool, pool: pool, piper: request.piper,
                                  progress: control.ticker(.speaking), into: &clips)
        timings.speech = split()
        try control.step(.matching, 0)
        let hybrid = try HybridMatching.match(&clips, script: script, settings: MasteringSettings.preset(production.masteringPreset.rawValue)!, pool: pool)
        timings.hybrid = split()
        try control.step(.planning, 0)
        let plan = try TimelinePlanner.plan(planInput(script, production: production, template: template, clips: clips))
        timings.plan = split()
        if Double(plan.totalSamples) > request.maximumDuration * Double(plan.sampleRate) {
            throw MixdownError(.badInput, String(format: "the programme would be %.3f s long; at most %g s (--max-duration)",
                                                 Double(plan.totalSamples) / Double(plan.sampleRate), request.maximumDuration),
                               code: "invalidTiming", keyPath: production.timeline.forceLength != nil ? "forceLength" : nil)
        }

        // Render: the duck from the speech's activity, then the mix, spilled.
        try control.step(.rendering, 0)
        let settings = MasteringSettings.preset(production.masteringPreset.rawValue)!
        let insertNames = Set(production.mediaFiles.filter { $0.value.role == .insert }.map(\.key))
        let renderer = BusRenderer(plan: plan, clips: clips, template: template, insertNames: insertNames)
        let duck = try duckCurve(renderer, depthDB: settings.duckDepthDB, blockFrames: request.blockFrames, pool: pool,
                                 progress: { try control.step(.rendering, 0.3 * $0) })
        let transaction = OutputTransaction()
        let mix = try mixdown(renderer, plan: plan, hybrid: hybrid, duck: duck, settings: settings, request: request, transaction: transaction)
        timings.render = split()

        // Master: the chain measured, then applied and measured; delivery aligns and encodes.
        try control.step(.mastering, 0)
        // The chained programme is measured only when a format keeps its shape (48 kHz stereo);
        // other shapes are measured as they are conformed.
        let keepsShape = formats.contains { $0.sampleRate == plan.sampleRate && $0.channels == 2 }
        let chained = try masterChain(mix.spill, decisions: mix.decisions, settings: settings, measure: keepsShape, request: request)
        timings.master = split()
        try control.step(.encoding, 0)
        let delivered = try Delivery.deliver(chained.spill, measurement: chained.measurement, as: formats, to: paths, in: transaction,
                                             target: production.targetLoudness, ceiling: production.truePeakCeiling,
                                             spillDirectory: request.temporaryDirectory, analyse: true, pool: pool,
                                             progress: control.ticker(.encoding))
        timings.encode = split()
        try control.step(.finishing, 0)

        var report = makeReport(plan, script: script, clips: clips, production: production,
                                mastering: (mix.analysis, delivered.alignment!, delivered.analysis!),
                                outputs: delivered.outputs, started: started, timings: timings)
        report.hybridVoice = hybrid?.report(plan)
        if let format = request.captions, let first = delivered.outputs.first {
            let path = URL(fileURLWithPath: first.path).deletingPathExtension().path + "." + format.rawValue
            let temporary = try transaction.temporaryPath(for: path)
            try Captions.render(report.sections.flatMap { $0.items.flatMap { $0.words ?? [] } }, format: format, sampleRate: plan.sampleRate)
                .write(toFile: temporary, atomically: false, encoding: .utf8)
        }
        if let reportPath = request.reportPath {
            let temporary = try transaction.temporaryPath(for: reportPath)
            try report.json().write(to: URL(fileURLWithPath: temporary))
        }
        if let pagePath = request.reportPagePath {
            let page = try ReportPage.render(report, curves: delivered.curves, duck: (duck, settings.duckDepthDB),
                                             target: production.targetLoudness, ceiling: production.truePeakCeiling, title: request.name,
                                             player: delivered.outputs.first.map { request.reportPagePlayer?($0) ?? ReportPage.relativePath(to: $0.path, from: pagePath) })
            try Data(page.utf8).write(to: URL(fileURLWithPath: try transaction.temporaryPath(for: pagePath)))
        }
        try control.step(.finishing, 1)
        try transaction.commit()
        report.runtimeSeconds = Date().timeIntervalSince(started)
        return report
    }

    /// A request checked in everything that needs no speech: the script parsed with its
    /// variables, the template loaded, the formats and where each goes.
    public struct Checked: Sendable {
        public let script: Script
        public let template: SoundTemplate?
        public let formats: [EndFormat]
        public let paths: [EndFormat: String]
    }

    /// Checks everything that needs no speech (names, effects, `endAt` order and ranges,
    /// formats, output targets, the length limit) and loads the template: what `render` does
    /// first, for a caller that wants to refuse a request before queueing it.
    public static func check(_ request: RenderRequest) throws -> Checked {
        let production = request.production
        let variables = production.audience.merging(request.variables) { _, cli in cli }
        let script = try ScriptParser.parse(production.script, variables: variables)
        try checkSectionNames(script, production)
        let template = try production.soundTemplate.map { name -> SoundTemplate in
            let directory = try SoundTemplate.locate(name, relativeTo: production.baseDirectory, libraries: request.templateLibraries)
            return try request.templates?.load(directory: directory, pool: request.pool) ?? SoundTemplate.load(directory: directory, pool: request.pool)
        }
        try checkSegments(script, template: template)
        let formats = try endFormats(request)
        let paths = outputPaths(request, formats: formats)
        try TimelinePlanner.checkFixedEnds(planInput(script, production: production, template: template, clips: PreparedClips()))
        try checkOutputs(request, paths: formats.map { paths[$0]! })
        try checkLength(script, production: production, maximum: request.maximumDuration)
        return Checked(script: script, template: template, formats: formats, paths: paths)
    }

    /// Pass 1 over the plan: the speech bus alone (no room tone), whose activity the duck follows.
    /// Rendering the next block overlaps measuring the last.
    static func duckCurve(_ renderer: BusRenderer, depthDB: Double, blockFrames: Int, pool: WorkerPool,
                          progress: (Double) throws -> Void) throws -> Ducker.Curve {
        var renderer = renderer
        var levels = Ducker.Levels(rate: renderer.plan.sampleRate)
        var none: AudioBlock?
        var none2: AudioBlock?
        var position = 0
        let total = renderer.plan.totalSamples
        try Pipelined.run(channels: 2, capacity: blockFrames, pool: pool, produce: { speech in
            guard position < total else { return false }
            try progress(Double(position) / Double(total))
            let n = min(blockFrames, total - position)
            try renderer.render(at: position, frames: n, speech: &speech, inserts: &none, music: &none2)
            position += n
            return true
        }, consume: { levels.process($0) })
        return Ducker(depthDB: depthDB).curve(levels)
    }

    struct Mix {
        var spill: SpillFile
        var decisions: MasterChain.Decisions
        var analysis: AudioAnalysis
    }

    /// Pass 2 over the plan: speech (with room tone) through the speech chain, inserts as they
    /// are, the bed at the preset's level and ducked; summed, spilled, analysed (the report's
    /// input), measured for the master chain's decisions, and written as stems when asked.
    static func mixdown(_ renderer: BusRenderer, plan: TimelinePlan, hybrid: HybridMatching?, duck: Ducker.Curve,
                        settings: MasteringSettings, request: RenderRequest, transaction: OutputTransaction) throws -> Mix {
        var renderer = renderer
        let rate = plan.sampleRate, frames = request.blockFrames
        let spill = try SpillFile(directory: request.temporaryDirectory, sampleRate: rate, channels: 2)
        var chain = SpeechChain.Stream(settings: settings, rate: rate, channels: 2)
        var analyzer = MasterChain.Analyzer(settings: settings, rate: rate, channels: 2, pool: request.pool)
        var input = AnalysisAccumulator(sampleRate: rate, channels: 2, expectedFrames: plan.totalSamples, pool: request.pool)
        let room = hybrid.map { HybridMatching.RoomLayer($0, plan: plan) }
        var stems = [any BlockSink]()
        if let folder = request.stemsDirectory {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            stems = try ["speech", "music", "mix"].map {
                try AudioFileWriter.floatWAVStream(to: try transaction.temporaryPath(for: "\(folder)/\($0).wav"), sampleRate: rate, channels: 2)
            }
        }
        // One block's buses: the speech (chained, with the inserts), the ducked bed, their sum.
        struct Buses {
            var speech: AudioBlock
            var music: AudioBlock?
            var mixed: AudioBlock
        }
        var inserts: AudioBlock? = AudioBlock(channels: 2, capacity: frames)
        var gains = [Float](repeating: 1, count: frames), tone = [Float](), toneGains = [Float]()
        let bed = Float(pow(10, settings.bedLevelDB / 20))
        var position = 0
        // Rendering block k + 1 overlaps spilling and measuring block k.
        try Pipelined.run(make: {
            Buses(speech: AudioBlock(channels: 2, capacity: frames), music: AudioBlock(channels: 2, capacity: frames),
                  mixed: AudioBlock(channels: 2, capacity: frames))
        }, pool: request.pool, produce: { buses in
            guard position < plan.totalSamples else { return false }
            try request.control.step(.rendering, 0.3 + 0.7 * Double(position) / Double(plan.totalSamples))
            let n = min(frames, plan.totalSamples - position)
            try renderer.render(at: position, frames: n, speech: &buses.speech, inserts: &inserts, music: &buses.music)
            room?.add(to: &buses.speech, at: position, tone: &tone, gains: &toneGains)
            chain.process(&buses.speech)
            buses.speech.add(inserts!)
            gains.withUnsafeMutableBufferPointer { duck.gains(from: position, into: UnsafeMutableBufferPointer(rebasing: $0[0..<n])) }
            for c in 0..<2 {
                buses.music!.channels[c].withUnsafeMutableBufferPointer { m in for i in 0..<n { m[i] *= bed * gains[i] } }
            }
            buses.mixed.copy(from: buses.speech)
            buses.mixed.add(buses.music!)
            position += n
            return true
        }, consume: { buses in
            if !stems.isEmpty {
                try stems[0].consume(buses.speech)
                try stems[1].consume(buses.music!)
                try stems[2].consume(buses.mixed)
            }
            try spill.consume(buses.mixed)
            analyzer.process(buses.mixed)
            input.process(buses.mixed)
        })
        for s in stems { try s.finish() }
        return Mix(spill: spill, decisions: analyzer.decisions, analysis: input.finish().analysis)
    }

    struct Chained {
        var spill: SpillFile
        var measurement: ProgrammeMeter.Measurement?
    }

    /// The master chain over the spilled mix, spilled (and measured, when asked).
    static func masterChain(_ mix: SpillFile, decisions: MasterChain.Decisions, settings: MasteringSettings, measure: Bool,
                            request: RenderRequest) throws -> Chained {
        let out = try SpillFile(directory: request.temporaryDirectory, sampleRate: mix.sampleRate, channels: mix.channelCount)
        var meter = measure ? ProgrammeMeter(sampleRate: mix.sampleRate, channels: mix.channelCount, pool: request.pool) : nil
        var done = 0
        try MasterChain.run(mix, settings: settings, decisions: decisions, blockFrames: request.blockFrames, pool: request.pool) { block in
            done += block.frames
            try request.control.step(.mastering, Double(done) / Double(max(1, mix.frameCount)))
            meter?.process(block)
            try out.consume(block)
        }
        return Chained(spill: out, measurement: meter?.finish())
    }

    /// A programme that cannot fit the length limit is refused before any speech: `forceLength`
    /// beyond it, or more words than even the fastest speech (3x espeak's 175 words per minute,
    /// compressed by the 1.3x the planner allows) says within it.
    static func checkLength(_ script: Script, production: Production, maximum: Double) throws {
        if let force = production.timeline.forceLength, force > maximum {
            throw MixdownError(.badInput, String(format: "%g s is longer than the limit of %g s (--max-duration)", force, maximum),
                               code: "invalidTiming", keyPath: "forceLength")
        }
        var words = 0
        for section in script.sections {
            for item in section.items { if case .speech(let text, _, _, _) = item.kind { words += text.split(whereSeparator: \.isWhitespace).count } }
        }
        let fastestMinutes = Double(words) / (175 * 3 * 1.3)
        if fastestMinutes * 60 > maximum {
            throw MixdownError(.badInput, String(format: "the script has %d words: at least %.0f s of speech, over the limit of %g s (--max-duration)",
                                                 words, fastestMinutes * 60, maximum), code: "invalidTiming", keyPath: "script")
        }
    }

    /// Output problems are found before any work: every file's folder exists and is writable,
    /// and no output names a folder or a special file.
    static func checkOutputs(_ request: RenderRequest, paths: [String]) throws {
        var files = paths
        if let r = request.reportPath { files.append(r) }
        if let r = request.reportPagePath { files.append(r) }
        try OutputTransaction.checkTargets(files)
        if let stems = request.stemsDirectory {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: stems, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw MixdownError.badInput("\(stems): --stems names a file, not a folder", code: "outputNotWritable") }
                try OutputTransaction.checkWritableFolder(stems, for: stems + "/speech.wav")
            } else {
                try OutputTransaction.checkWritableFolder(URL(fileURLWithPath: stems).deletingLastPathComponent().path, for: stems)
            }
        }
    }


    static func checkSectionNames(_ script: Script, _ production: Production) throws {
        let names = script.sections.map(\.name)
        for name in production.sectionProperties.keys.sorted() where !names.contains(name) {
            throw MixdownError(.badInput, "no section '\(name)' in the script\(Suggestion.hint(for: name, in: names)) (sections: \(names.joined(separator: ", ")))",
                               code: "unknownName", keyPath: "sectionProperties.\(name)")
        }
        let parts = script.sections.flatMap { $0.items.compactMap { item -> String? in
            if case .speech(_, _, _, let part) = item.kind { return part }
            return nil
        } }
        for name in production.sections.keys.sorted() where !names.contains(name) && !parts.contains(name) {
            throw MixdownError(.badInput, "no section or <as:sub> '\(name)' in the script\(Suggestion.hint(for: name, in: names + parts))",
                               code: "unknownName", keyPath: "sections.\(name)")
        }
    }

    static func checkSegments(_ script: Script, template: SoundTemplate?) throws {
        for section in script.sections {
            guard case .some(.named(let segment)) = section.soundSegment else { continue }
            guard let template else {
                throw MixdownError.at(section.location, "section '\(section.name)' asks for sound segment '\(segment)' but the production has no soundTemplate", code: "invalidProduction")
            }
            if template.segments[segment] == nil {
                throw MixdownError.at(section.location, "unknown sound segment '\(segment)'\(Suggestion.hint(for: segment, in: template.segmentNames)) in template '\(template.name)' (segments: \(template.segmentNames.joined(separator: ", ")))", code: "unknownName")
            }
        }
    }

    static func planInput(_ script: Script, production: Production, template: SoundTemplate?, clips: PreparedClips) -> PlanInput {
        let sections = script.sections.map { section in
            PlanInput.Section(name: section.name, soundSegment: section.soundSegment, items: section.items.map { item in
                let id = item.id
                switch item.kind {
                case .speech(let text, _, _, _): return PlanInput.Item(.speech(text: text), length: clips.length(id), id: id)
                case .pause(let seconds): return PlanInput.Item(.pause, length: SampleTime.samples(seconds: seconds, rate: SampleTime.renderRate), id: id)
                case .media(let name): return PlanInput.Item(.media(name: name), length: clips.length(id), id: id)
                case .effect(let name): return PlanInput.Item(.effect(name: name), length: clips.length(id), id: id)
                }
            }, properties: production.sectionProperties[section.name] ?? SectionProperties())
        }
        let shape = template.map { t in
            PlanInput.Template(segments: t.segmentNames, defaultSegment: t.defaultSegment,
                               outroLength: t.segments["outro"].map { $0.audio.frameCount }, beatLength: t.beatLength)
        }
        return PlanInput(sections: sections, timeline: production.timeline, template: shape)
    }

    /// `--end-format` over the production's endFormat over OUT's extension; mp3_medium last.
    static func endFormats(_ request: RenderRequest) throws -> [EndFormat] {
        var formats = !request.endFormats.isEmpty ? request.endFormats : request.production.endFormats
        if formats.isEmpty {
            if let out = request.output, let f = EndFormat.forExtension(URL(fileURLWithPath: out).pathExtension) { formats = [f] } else { formats = [.mp3_medium] }
        }
        var unique = [EndFormat]()
        for f in formats where !unique.contains(f) { unique.append(f) }
        return unique
    }

    static func outputPaths(_ request: RenderRequest, formats: [EndFormat]) -> [EndFormat: String] {
        AudioEncoder.outputPaths(for: formats, output: request.output ?? request.name, inputStem: request.name)
    }

    static func makeReport(_ plan: TimelinePlan, script: Script, clips: PreparedClips, production: Production,
                           mastering: (input: AudioAnalysis, alignment: LoudnessMaster.Alignment, output: AudioAnalysis),
                           outputs: [EncodedOutput], started: Date, timings: RenderReport.Timings) -> RenderReport {
        let sections = plan.sections.map { section in
            RenderReport.Section(name: section.name, soundSegment: section.soundSegment, startSample: section.startSample,
                                 endSample: section.endSample, items: section.items.map { item in
                var r = RenderReport.Item(id: item.id, kind: "", startSample: item.startSample, endSample: item.endSample)
                switch item.kind {
                case .speech(let text):
                    r.kind = "speech"; r.text = text; r.stretch = item.stretch
                    r.words = timelineWords(clips.words[item.id] ?? [], item: item)
                case .pause: r.kind = "break"
                case .media(let name): r.kind = "media"; r.name = name
                case .effect(let name): r.kind = "effect"; r.name = name
                }
                if item.truncated { r.truncated = true }
                return r
            })
        }
        var warnings = plan.warnings.map { RenderReport.Warning(code: $0.code, section: $0.section, overflowMs: $0.overflowMs, message: $0.message) }
        warnings += script.warnings.map { RenderReport.Warning(code: "markupRemoved", section: nil, overflowMs: nil, message: $0.description) }
        warnings += clips.voiceFallbacks.sorted { $0.key < $1.key }.map { asked, spoken in
            RenderReport.Warning(code: "voiceFallback", section: nil, overflowMs: nil,
                                 message: "Piper is not installed (run make deps): voice \(asked) was spoken by espeak-ng as \(spoken)")
        }
        warnings += clips.unhonoured.sorted { $0.key < $1.key }.map { voice, what in
            RenderReport.Warning(code: "voiceIgnored", section: nil, overflowMs: nil,
                                 message: "the Piper voice \(voice) does not take \(what.sorted().joined(separator: " or ")): spoken without it")
        }
        let output = mastering.output
        if !mastering.alignment.reachedTarget, mastering.input.integratedLufs != nil {
            warnings.append(RenderReport.Warning(code: "loudnessTargetMissed", section: nil, overflowMs: nil, message: String(
                format: "delivered %.1f LUFS, %.1f dBTP for a target of %.1f LUFS under %.1f dBTP",
                output.integratedLufs ?? -70, output.truePeakDbtp ?? -100, production.targetLoudness, production.truePeakCeiling)))
        }
        if mastering.alignment.limiting > 6 {
            warnings.append(RenderReport.Warning(code: "heavyLimiting", section: nil, overflowMs: nil, message: String(
                format: "reaching %.1f LUFS took up to %.1f dB of limiting: the programme's peaks are far above its loudness", production.targetLoudness, mastering.alignment.limiting)))
        }
        return RenderReport(
            engine: .init(version: version), sampleRate: plan.sampleRate, totalSamples: plan.totalSamples,
            durationMs: Double(plan.totalSamples) * 1_000 / Double(plan.sampleRate), sections: sections,
            tail: plan.tail.map { RenderReport.TailRange(startSample: $0.startSample, endSample: $0.endSample) },
            music: plan.music.map { .init(segment: $0.segment, startSample: $0.startSample, endSample: $0.endSample, fadeOutSamples: $0.fadeOut) },
            warnings: warnings,
            mastering: .init(preset: production.masteringPreset.rawValue, loudnessTarget: production.targetLoudness,
                             truePeakLimit: production.truePeakCeiling, input: mastering.input, output: output),
            hybridVoice: nil, outputs: outputs, runtimeSeconds: Date().timeIntervalSince(started), timings: timings,
            speech: .init(clips: clips.speech.cacheHits + clips.speech.synthesised, cacheHits: clips.speech.cacheHits,
                          synthesised: clips.speech.synthesised))
    }
}

extension Pipeline {
    /// A clip's words on the final timeline: scaled by the item's stretch, moved to where it was
    /// placed, cut where the item was cut.
    static func timelineWords(_ words: [SpeechClip.Word], item: PlannedItem) -> [RenderReport.Word] {
        let scale = item.sourceLength > 0 ? Double(item.placedLength) / Double(item.sourceLength) : 1
        return words.compactMap { w in
            let start = item.startSample + Int((Double(w.start) * scale).rounded())
            let end = min(item.endSample, item.startSample + Int((Double(w.end) * scale).rounded()))
            guard start < item.endSample, !w.text.isEmpty else { return nil }
            return RenderReport.Word(text: w.text, startSample: start, endSample: max(start, end))
        }
    }
}

extension RenderReport {
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
