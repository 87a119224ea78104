import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownMaster
import MixdownReport
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownTimeline

extension Pipeline {
    /// A request checked in everything that needs no speech: the script parsed with its
    /// variables, the template loaded, the formats and where each goes.
    public struct Checked: Sendable {
        public let script: Script
        public let template: SoundTemplate?
        public let formats: [EndFormat]
        public let paths: [EndFormat: String]
        /// What the checks found that a render does anyway, with a warning (strict refuses it).
        public let warnings: [RenderReport.Warning]
        /// Every speech item's voice and settings, and the lexicon.
        let casting: Casting
        /// The delivered files' tags (personalised, the cover read and checked); the
        /// chapters come with the plan.
        public let tagging: Tagging
    }

    /// Checks everything that needs no speech (names, effects, `endAt` order and ranges,
    /// formats, output targets, the length limit) and loads the template: what `render` does
    /// first, for a caller that wants to refuse a request before queueing it.
    public static func check(_ request: RenderRequest, outputs: Bool = true) throws -> Checked {
        let production = request.production
        let variables = production.audience.merging(request.variables) { _, cli in cli }
        let script = try ScriptParser.parse(production.script, variables: variables)
        try checkSectionNames(script, production)
        let template = try production.soundTemplate.map { name -> SoundTemplate in
            let directory = try SoundTemplate.locate(name, relativeTo: production.baseDirectory, libraries: request.templateLibraries)
            return try request.templates?.load(directory: directory, pool: request.pool) ?? SoundTemplate.load(directory: directory, pool: request.pool)
        }
        let (tagging, tagVariables) = try tags(production, variables: variables)
        var warnings = unusedVariables(script, request, alsoUsed: tagVariables)
        if let missing = try checkSegments(script, template: template) { warnings.append(missing) }
        let casting = try ClipPreparation.cast(script, production: production, voices: request.voices)
        warnings += casting.warnings
        let formats = try endFormats(request)
        let paths = outputPaths(request, formats: formats)
        warnings += unwrittenTags(tagging, production: production, formats: formats, sections: script.sections.count)
        let shape = planInput(script, production: production, template: template, clips: PreparedClips())
        try TimelinePlanner.checkFixedEnds(shape)
        try TimelinePlanner.checkEnding(shape)
        if outputs {
            let audio = formats.map { paths[$0]! }
            try checkOutputs(request, paths: audio + (production.vast != nil ? audio.prefix(1).map(vastPath(beside:)) : []))
        }
        try checkLength(script, production: production, maximum: request.maximumDuration)
        let checked = Checked(script: script, template: template, formats: formats, paths: paths, warnings: warnings, casting: casting, tagging: tagging)
        try refuseWarnings(RenderReport.warnings(checks: warnings, plan: nil, scriptWarnings: script.warnings, speech: nil), request)
        return checked
    }

    /// A programme that cannot fit the length limit is refused before any speech: `forceLength`
    /// beyond it, or more words than even the fastest speech (3x espeak's 175 words per minute,
    /// compressed by the most `maxStretch` allows) says within it.
    static func checkLength(_ script: Script, production: Production, maximum: Double) throws {
        if let force = production.timeline.forceLength, force > maximum {
            throw MixdownError(.badInput, String(format: "%g s is longer than the limit of %g s (--max-duration)", force, maximum),
                               code: .invalidTiming, keyPath: "forceLength")
        }
        var words = 0
        for section in script.sections {
            for item in section.items { if case .speech(let text, _, _, _) = item.kind { words += text.split(whereSeparator: \.isWhitespace).count } }
        }
        let fastestMinutes = Double(words) / (175 * 3 * (production.timeline.maxStretch ?? TimelinePlanner.maximumStretch))
        if fastestMinutes * 60 > maximum {
            throw MixdownError(.badInput, String(format: "the script has %d words: at least %.0f s of speech, over the limit of %g s (--max-duration)",
                                                 words, fastestMinutes * 60, maximum), code: .invalidTiming, keyPath: "script")
        }
    }

    /// Output problems are found before any work: every file's folder exists and is writable,
    /// and no output names a folder or a special file.
    static func checkOutputs(_ request: RenderRequest, paths: [String]) throws {
        var files = paths
        if let r = request.reportPath { files.append(r) }
        if let r = request.reportPagePath { files.append(r) }
        try OutputTransaction.checkTargets(files, creating: OutputTransaction.folderToMake(request.output))
        if let stems = request.stemsDirectory {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: stems, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw MixdownError.badInput("\(stems): --stems names a file, not a folder", code: .outputNotWritable) }
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
                               code: .unknownName, keyPath: "sectionProperties.\(name)")
        }
        let parts = script.sections.flatMap { $0.items.compactMap { item -> String? in
            if case .speech(_, _, _, let part) = item.kind { return part }
            return nil
        } }
        for name in production.sections.keys.sorted() where !names.contains(name) && !parts.contains(name) {
            throw MixdownError(.badInput, "no section or <as:sub> '\(name)' in the script\(Suggestion.hint(for: name, in: names + parts))",
                               code: .unknownName, keyPath: "sections.\(name)")
        }
    }

    /// Every segment named is in the template. Without a template, segments are ignored (the
    /// programme has no music, as an AudioStack script mastered without one) with a warning.
    static func checkSegments(_ script: Script, template: SoundTemplate?) throws -> RenderReport.Warning? {
        var unplayed = [String]()
        for section in script.sections {
            guard case .some(.named(let segment)) = section.soundSegment else { continue }
            guard let template else {
                if !unplayed.contains(segment) { unplayed.append(segment) }
                continue
            }
            if template.segments[segment] == nil {
                throw MixdownError.at(section.location, "unknown sound segment '\(segment)'\(Suggestion.hint(for: segment, in: template.segmentNames)) in template '\(template.name)' (segments: \(template.segmentNames.joined(separator: ", ")))", code: .unknownName)
            }
        }
        guard !unplayed.isEmpty else { return nil }
        return RenderReport.Warning(code: .noSoundTemplate, section: nil, overflowMs: nil, message:
            "the script asks for sound segment\(unplayed.count == 1 ? "" : "s") \(unplayed.map { "'\($0)'" }.joined(separator: ", ")) but the production has no soundTemplate: rendered without music")
    }

    /// The production's tags with their placeholders filled and its cover read and checked by
    /// its bytes (JPEG or PNG, at most 10 MiB and 4096 px a side), before anything is spoken.
    static func tags(_ production: Production, variables: [String: String]) throws -> (Tagging, used: Set<String>) {
        var (metadata, used) = try MetadataPlaceholders.fill(production.metadata, variables: variables)
        if let path = production.coverImage {
            metadata.cover = try CoverImage.read(path, keyPath: "metadata.coverImage")
        }
        return (Tagging(metadata: metadata, chaptersEverywhere: production.chapters), used)
    }

    /// What a delivered format cannot hold of the tags, cover and chapters asked for: left out
    /// of that file, and said (docs/metadata.md has the table).
    static func unwrittenTags(_ tagging: Tagging, production: Production, formats: [EndFormat], sections: Int) -> [RenderReport.Warning] {
        let m = tagging.metadata
        let tooMany = formats.compactMap { format -> RenderReport.Warning? in
            guard production.chapters || format.isAudiobook, let most = FileTags.maximumChapters(forExtension: format.fileExtension),
                  sections > most else { return nil }
            return RenderReport.Warning(code: .tagsNotWritten, section: nil, overflowMs: nil,
                                        message: "\(format.name) holds at most \(most) chapters and the script has \(sections) sections: those after the \(most)th have no chapter in that file")
        }
        return tooMany + formats.compactMap { format in
            guard let (missing, why) = FileTags.unheld(m, chapters: production.chapters, forExtension: format.fileExtension) else { return nil }
            return RenderReport.Warning(code: .tagsNotWritten, section: nil, overflowMs: nil,
                                        message: "\(format.name) cannot hold \(missing.joined(separator: ", ")) (\(why)): left out of that file")
        }
    }

    /// Personalisation the script never uses: a misspelt key (`nmae`) would otherwise leave
    /// every listener hearing the fallback. Each is named with the closest key the script uses.
    static func unusedVariables(_ script: Script, _ request: RenderRequest, alsoUsed: Set<String> = []) -> [RenderReport.Warning] {
        let names = script.variableNames.union(alsoUsed), used = names.sorted()
        var given = request.production.audience.keys.sorted().map { ($0, "audience") }
        given += request.variables.keys.sorted().filter { request.production.audience[$0] == nil }.map { ($0, request.variablesOrigin) }
        return given.filter { !names.contains($0.0) }.map { key, origin in
            RenderReport.Warning(code: .unusedVariable, section: nil, overflowMs: nil, message:
                "\(origin) '\(MixdownError.excerpt(key))' is never used by the script\(Suggestion.hint(for: key, in: used))\(used.isEmpty ? " (it has no {{placeholders}})" : "")")
        }
    }

    /// Strict delivery (the production's `strict`, `--strict`, `?strict=true`): the first
    /// warning becomes the error, with its code, and nothing is written.
    static func refuseWarnings(_ warnings: [RenderReport.Warning], _ request: RenderRequest) throws {
        guard request.production.strict || request.strict, let first = warnings.first else { return }
        let more = warnings.count > 1 ? " (and \(warnings.count - 1) more warning\(warnings.count == 2 ? "" : "s"))" : ""
        throw MixdownError(.badInput, "strict: \(first.message)\(more)", code: MixdownError.Code(rawValue: first.code.rawValue) ?? .invalidInput,
                           keyPath: first.section.map { "sectionProperties.\($0)" })
    }

    static func planInput(_ script: Script, production: Production, template: SoundTemplate?, clips: PreparedClips) -> PlanInput {
        let sections = script.sections.map { section in
            PlanInput.Section(name: section.name, soundSegment: section.soundSegment, items: section.items.map { item in
                let id = item.id
                switch item.kind {
                case .speech(let text, _, _, _):
                    var planned = PlanInput.Item(.speech(text: text), length: clips.length(id), id: id)
                    planned.pauses = (clips.speech.pauses[id] ?? []).map { SampleRange($0.lowerBound, $0.upperBound) }
                    planned.words = (clips.words[id] ?? []).map { SampleRange($0.start, max($0.start, $0.end)) }
                    return planned
                case .pause(let seconds): return PlanInput.Item(.pause, length: SampleTime.samples(seconds: seconds, rate: SampleTime.renderRate), id: id)
                case .media(let name): return PlanInput.Item(.media(name: name), length: clips.length(id), id: id)
                case .effect(let name):
                    var planned = PlanInput.Item(.effect(name: name), length: clips.length(id), id: id)
                    if let placement = item.effectPlacement {
                        planned.alignEnd = placement.align == .end
                        planned.offset = SampleTime.samples(seconds: placement.offset, rate: SampleTime.renderRate)
                    }
                    return planned
                }
            }, properties: production.sectionProperties[section.name] ?? SectionProperties())
        }
        let shape = template.map { t in
            PlanInput.Template(segments: t.segmentNames, defaultSegment: t.defaultSegment,
                               outroLength: t.segments["outro"].map { $0.audio.frameCount }, beatLength: t.beatLength,
                               button: t.segments["button"].map { .init(length: $0.audio.frameCount, lastOnset: $0.lastOnset ?? 0) },
                               loops: t.segments.filter { !MusicRegion.onceSegments.contains($0.key) }.mapValues { .init(restart: $0.loopRestart, end: $0.loopEnd) },
                               name: t.name)
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
}

extension RenderRequest {
    /// The production's own `stems` and `captions`, where the caller asked for none (`--stems`,
    /// `--captions`): stems into `<first output's stem>.stems/`, captions beside the outputs.
    func withProductionSidecars() throws -> RenderRequest {
        var request = self
        if request.captions == nil, let kind = production.captions { request.captions = CaptionFormat(rawValue: kind) }
        if request.stemsDirectory == nil, production.stems {
            let formats = try Pipeline.endFormats(self)
            if let first = formats.first, let path = Pipeline.outputPaths(self, formats: formats)[first] {
                request.stemsDirectory = URL(fileURLWithPath: path).deletingPathExtension().path + ".stems"
            }
        }
        return request
    }
}
