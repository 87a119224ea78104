import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownTimeline

/// What to render and where the results go.
public struct RenderRequest: Sendable {
    public var production: Production
    /// `--var k=v`: personalisation that overrides the production's audience.
    public var variables: [String: String] = [:]
    /// `-o`: a file, a folder or a stem; nil writes `<name>.<ext>` in the current folder.
    public var output: String?
    /// `--end-format`: overrides the production's endFormat.
    public var endFormats: [EndFormat] = []
    public var reportPath: String?
    public var stemsDirectory: String?
    /// `--captions srt|vtt`: word-timed captions beside the (first) output.
    public var captions: CaptionFormat?
    /// Where finished speech clips are kept between renders.
    public var cache = SpeechCache.standard()
    /// The stem of the default output name (the production or script file's name).
    public var name: String

    public init(production: Production, name: String) { (self.production, self.name) = (production, name) }
}

/// parse → speak → plan → render → master → encode → report (DESIGN.md §1), top to bottom.
public enum Pipeline {
    public static let version = "0.1.0"

    public static func render(_ request: RenderRequest, progress: (String) -> Void = { _ in }) throws -> RenderReport {
        let started = Date()
        var timings = RenderReport.Timings()
        var lap = Date()
        func split() -> Double { defer { lap = Date() }; return Date().timeIntervalSince(lap) }
        let production = request.production

        // Parse, with personalisation, and check every name the script uses.
        let variables = production.audience.merging(request.variables) { _, cli in cli }
        let script = try ScriptParser.parse(production.script, variables: variables)
        try checkSectionNames(script, production)
        progress("loading the sound template")
        let template = try production.soundTemplate.map {
            try SoundTemplate.load(directory: SoundTemplate.locate($0, relativeTo: production.baseDirectory))
        }
        try checkSegments(script, template: template)
        let formats = try endFormats(request)
        let paths = outputPaths(request, formats: formats)

        // Speak, decode, measure.
        progress("speaking")
        _ = split()
        var clips = try ClipPreparation.prepare(script, production: production, template: template, cache: request.cache)
        timings.speech = split()
        // Hybrid voice: the synthetic clips matched to the recordings' room (lengths unchanged).
        let hybrid = HybridMatching.match(&clips, script: script)
        timings.hybrid = split()

        // Plan: a pure function of the lengths.
        let plan = try TimelinePlanner.plan(planInput(script, production: production, template: template, clips: clips))
        timings.plan = split()

        // Render the buses: speech through the speech chain, inserts as they are, the bed at
        // the preset's level and ducked under the speech.
        progress("rendering")
        let settings = MasteringSettings.preset(production.masteringPreset.rawValue)!
        let insertNames = Set(production.mediaFiles.filter { $0.value.role == .insert }.map(\.key))
        var (speechClips, inserts) = BusRenderer.speechBuses(plan, clips: clips, insertNames: insertNames)
        // The duck follows the voices themselves, not the room tone under them.
        let duck = Ducker(depthDB: settings.duckDepthDB).gains(speech: speechClips, rate: plan.sampleRate)
        var roomToneSeconds = 0.0
        if let hybrid {
            let lap = Date()
            hybrid.addRoomTone(plan, to: &speechClips)
            roomToneSeconds = Date().timeIntervalSince(lap)
            timings.hybrid += roomToneSeconds
        }
        SpeechChain.process(&speechClips, rate: plan.sampleRate, settings: settings)
        var music = BusRenderer.musicBus(plan, template: template, clips: clips)
        let bed = Float(pow(10, settings.bedLevelDB / 20))
        for c in music.indices {
            music[c].withUnsafeMutableBufferPointer { m in
                duck.withUnsafeBufferPointer { g in for i in 0..<m.count { m[i] *= bed * g[i] } }
            }
        }
        var speech = speechClips
        Mixing.add(inserts, into: &speech, at: 0, gain: 1)
        var mixed = speech
        Mixing.add(music, into: &mixed, at: 0, gain: 1)
        let mix = AudioBuffer(sampleRate: plan.sampleRate, channels: mixed)
        timings.render = split() - roomToneSeconds   // counted under hybrid

        // Master: the master chain, then loudness under the true-peak ceiling.
        progress("mastering")
        let inputAnalysis = AudioAnalysis.analyze(mix)
        let chained = MasterChain.process(mix, settings: settings)
        let mastered = LoudnessMaster.align(chained, target: production.targetLoudness, ceiling: production.truePeakCeiling, analyse: true)
        timings.master = split()

        // Encode every format, stems and report together: all appear, or none.
        progress("encoding")
        let transaction = OutputTransaction()
        let outputs = try Delivery.encode(mastered.audio, as: formats, to: paths, in: transaction,
                                          target: production.targetLoudness, ceiling: production.truePeakCeiling)
        if let stems = request.stemsDirectory {
            try FileManager.default.createDirectory(atPath: stems, withIntermediateDirectories: true)
            for (name, channels) in [("speech", speech), ("music", music), ("mix", mixed)] {
                try writeStem(AudioBuffer(sampleRate: plan.sampleRate, channels: channels), to: "\(stems)/\(name).wav", in: transaction)
            }
        }
        timings.encode = split()
        var report = makeReport(plan, script: script, clips: clips, production: production, mastering: (inputAnalysis, mastered),
                                outputs: outputs, started: started, timings: timings)
        report.hybridVoice = hybrid?.report(plan)
        if let format = request.captions, let first = outputs.first {
            let path = URL(fileURLWithPath: first.path).deletingPathExtension().path + "." + format.rawValue
            let temporary = try transaction.temporaryPath(for: path)
            try Captions.render(report.sections.flatMap { $0.items.flatMap { $0.words ?? [] } }, format: format, sampleRate: plan.sampleRate)
                .write(toFile: temporary, atomically: false, encoding: .utf8)
        }
        if let reportPath = request.reportPath {
            let temporary = try transaction.temporaryPath(for: reportPath)
            try report.json().write(to: URL(fileURLWithPath: temporary))
        }
        try transaction.commit()
        report.runtimeSeconds = Date().timeIntervalSince(started)
        return report
    }

    static func writeStem(_ buffer: AudioBuffer, to path: String, in transaction: OutputTransaction) throws {
        let temporary = try transaction.temporaryPath(for: path)
        try AudioFileWriter.writeFloatWAV(buffer, to: temporary)
    }

    static func checkSectionNames(_ script: Script, _ production: Production) throws {
        let names = script.sections.map(\.name)
        for name in production.sectionProperties.keys.sorted() where !names.contains(name) {
            throw MixdownError.badInput("sectionProperties.\(name): no section '\(name)' in the script\(Suggestion.hint(for: name, in: names)) (sections: \(names.joined(separator: ", ")))")
        }
        let parts = script.sections.flatMap { $0.items.compactMap { item -> String? in
            if case .speech(_, _, _, let part) = item.kind { return part }
            return nil
        } }
        for name in production.sections.keys.sorted() where !names.contains(name) && !parts.contains(name) {
            throw MixdownError.badInput("sections.\(name): no section or <as:sub> '\(name)' in the script\(Suggestion.hint(for: name, in: names + parts))")
        }
    }

    static func checkSegments(_ script: Script, template: SoundTemplate?) throws {
        for section in script.sections {
            guard case .some(.named(let segment)) = section.soundSegment else { continue }
            guard let template else {
                throw MixdownError.at(section.location, "section '\(section.name)' asks for sound segment '\(segment)' but the production has no soundTemplate")
            }
            if template.segments[segment] == nil {
                throw MixdownError.at(section.location, "unknown sound segment '\(segment)'\(Suggestion.hint(for: segment, in: template.segmentNames)) in template '\(template.name)' (segments: \(template.segmentNames.joined(separator: ", ")))")
            }
        }
    }

    static func planInput(_ script: Script, production: Production, template: SoundTemplate?, clips: PreparedClips) -> PlanInput {
        let sections = script.sections.enumerated().map { s, section in
            PlanInput.Section(name: section.name, soundSegment: section.soundSegment, items: section.items.enumerated().map { i, item in
                let key = PreparedClips.Key(section: s, item: i)
                switch item.kind {
                case .speech(let text, _, _, _): return PlanInput.Item(.speech(text: text), length: clips.length(key))
                case .pause(let seconds): return PlanInput.Item(.pause, length: SampleTime.samples(seconds: seconds, rate: SampleTime.renderRate))
                case .media(let name): return PlanInput.Item(.media(name: name), length: clips.length(key))
                case .effect(let name): return PlanInput.Item(.effect(name: name), length: clips.length(key))
                }
            }, properties: production.sectionProperties[section.name] ?? SectionProperties())
        }
        let shape = template.map { t in
            PlanInput.Template(segments: t.segmentNames, defaultSegment: t.defaultSegment,
                               outroLength: t.segments["outro"].map { $0.audio.frameCount })
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
        let output = request.output ?? request.name
        var isDirectory: ObjCBool = false
        let isFolder = output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue)
        if formats.count == 1 && !isFolder {
            // One format: -o names the file; a bare stem gets the format's extension.
            let ext = URL(fileURLWithPath: output).pathExtension
            return [formats[0]: EndFormat.forExtension(ext) != nil || ext == formats[0].fileExtension ? output : "\(output).\(formats[0].fileExtension)"]
        }
        return AudioEncoder.outputPaths(for: formats, output: output, inputStem: request.name)
    }

    static func makeReport(_ plan: TimelinePlan, script: Script, clips: PreparedClips, production: Production,
                           mastering: (input: AudioAnalysis, result: LoudnessMaster.Result),
                           outputs: [EncodedOutput], started: Date, timings: RenderReport.Timings) -> RenderReport {
        let sections = plan.sections.enumerated().map { s, section in
            RenderReport.Section(name: section.name, soundSegment: section.soundSegment, startSample: section.startSample,
                                 endSample: section.endSample, items: section.items.map { item in
                var r = RenderReport.Item(kind: "", startSample: item.startSample, endSample: item.endSample)
                switch item.kind {
                case .speech(let text):
                    r.kind = "speech"; r.text = text; r.stretch = item.stretch
                    r.words = timelineWords(clips.words[PreparedClips.Key(section: s, item: item.index)] ?? [], item: item)
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
        let output = mastering.result.analysis!
        if !mastering.result.reachedTarget, mastering.input.integratedLufs != nil {
            warnings.append(RenderReport.Warning(code: "loudnessTargetMissed", section: nil, overflowMs: nil, message: String(
                format: "delivered %.1f LUFS, %.1f dBTP for a target of %.1f LUFS under %.1f dBTP",
                output.integratedLufs ?? -70, output.truePeakDbtp ?? -100, production.targetLoudness, production.truePeakCeiling)))
        }
        if mastering.result.limiting > 6 {
            warnings.append(RenderReport.Warning(code: "heavyLimiting", section: nil, overflowMs: nil, message: String(
                format: "reaching %.1f LUFS took up to %.1f dB of limiting: the programme's peaks are far above its loudness", production.targetLoudness, mastering.result.limiting)))
        }
        return RenderReport(
            engine: .init(version: version), sampleRate: plan.sampleRate, totalSamples: plan.totalSamples,
            durationMs: Double(plan.totalSamples) * 1_000 / Double(plan.sampleRate), sections: sections,
            tail: plan.tail.map { RenderReport.TailRange(startSample: $0.startSample, endSample: $0.endSample) },
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
