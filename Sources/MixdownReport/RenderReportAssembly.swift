import Foundation
import MixdownCleanup
import MixdownCore
import MixdownDSP
import MixdownHybrid
import MixdownIO
import MixdownMaster
import MixdownScript
import MixdownSpeech
import MixdownTimeline

extension RenderReport {
    /// What the mastering stages leave for the report.
    public struct MasteringOutcome: Sendable {
        public var preset: String
        public var target: Double
        public var ceiling: Double
        /// The mix before the master chain.
        public var input: AudioAnalysis
        /// The reported shape's alignment and the analysis of its output.
        public var alignment: LoudnessMaster.Alignment
        public var output: AudioAnalysis
        /// Each delivered file's loudness (a miss by a file other than the reported output is
        /// said for that file).
        public var files: [LoudnessMaster.FormatLoudness]
        public init(preset: String, target: Double, ceiling: Double, input: AudioAnalysis, alignment: LoudnessMaster.Alignment, output: AudioAnalysis,
                    files: [LoudnessMaster.FormatLoudness] = []) {
            (self.preset, self.target, self.ceiling, self.input, self.alignment, self.output, self.files) = (preset, target, ceiling, input, alignment, output, files)
        }
    }

    /// How the speech was made, for the report's warnings.
    public struct SpeechOutcome: Sendable {
        public var words: [ItemID: [SpeechClip.Word]]
        /// What each speech item was given and who spoke it.
        public var spoken: [ItemID: SpokenItem]
        /// What an engine could not honour (SSML, phonemes), one line each.
        public var ignored: [String]
        public var statistics: SpeechSynthesizer.Statistics
        public init(words: [ItemID: [SpeechClip.Word]], spoken: [ItemID: SpokenItem] = [:], ignored: [String] = [],
                    statistics: SpeechSynthesizer.Statistics) {
            (self.words, self.spoken, self.ignored, self.statistics) = (words, spoken, ignored, statistics)
        }
    }

    /// A speech item as it was spoken: the text the engine was given (lexicon and
    /// normalisation applied, phonemes in the engine's own syntax), the voice and engine that
    /// spoke it, and the cast member, when there is one.
    public struct SpokenItem: Sendable, Equatable {
        public var spokenText: String
        public var voice: String
        public var engine: String
        public var speaker: String?
        public init(spokenText: String, voice: String, engine: String, speaker: String?) {
            (self.spokenText, self.voice, self.engine, self.speaker) = (spokenText, voice, engine, speaker)
        }
    }

    /// The report of a finished render: the plan's sections and items (words moved to where
    /// they landed), the warnings of every stage, the mastering and the outputs.
    public init(plan: TimelinePlan, checks: [Warning] = [], scriptWarnings: [ScriptWarning], speech: SpeechOutcome, mastering: MasteringOutcome,
                hybrid: HybridMatching?, recordings: [Recording] = [], outputs: [EncodedOutput], timings: Timings, runtimeSeconds: Double, version: String) {
        let sections = plan.sections.map { section in
            Section(name: section.name, soundSegment: section.soundSegment, startSample: section.startSample,
                    endSample: section.endSample, items: section.items.map { Self.item(item: $0, words: speech.words[$0.id] ?? [], spoken: speech.spoken[$0.id]) })
        }
        var warnings = Self.warnings(checks: checks, plan: plan, scriptWarnings: scriptWarnings, speech: speech, recordings: recordings)
        warnings += LoudnessWarnings.check(mastering.alignment, delivered: mastering.output, files: mastering.files, target: mastering.target, ceiling: mastering.ceiling,
                                           measurable: mastering.input.integratedLufs != nil)
        self.init(
            engine: .init(version: version), sampleRate: plan.sampleRate, totalSamples: plan.totalSamples,
            durationMs: Double(plan.totalSamples) * 1_000 / Double(plan.sampleRate), sections: sections,
            tail: plan.tail.map { TailRange(startSample: $0.startSample, endSample: $0.endSample) },
            music: plan.music.map { .init(segment: $0.segment, startSample: $0.startSample, endSample: $0.endSample, fadeOutSamples: $0.fadeOut) },
            ending: plan.ending?.rawValue,
            warnings: warnings,
            mastering: .init(preset: mastering.preset, loudnessTarget: mastering.target, truePeakLimit: mastering.ceiling,
                             input: mastering.input, output: mastering.output),
            hybridVoice: hybrid.map { HybridVoice($0, plan: plan) }, recordings: recordings, outputs: outputs, runtimeSeconds: runtimeSeconds, timings: timings,
            speech: .init(clips: speech.statistics.cacheHits + speech.statistics.synthesised, cacheHits: speech.statistics.cacheHits,
                          synthesised: speech.statistics.synthesised))
    }

    /// The warnings of every stage before mastering, in the order the stages run: the checks'
    /// (unused personalisation, segments without a template), the script's, the speech's, the
    /// plan's. A plan and a render say the same; strict delivery refuses any of them.
    public static func warnings(checks: [Warning], plan: TimelinePlan?, scriptWarnings: [ScriptWarning], speech: SpeechOutcome?,
                                recordings: [Recording] = []) -> [Warning] {
        var warnings = checks
        warnings += recordings.flatMap { recording in
            RecordingCleanup.warnings(recording.cleanup, settings: recording.cleanupSettings).map {
                Warning(code: .cleanupSkipped, section: nil, overflowMs: nil, message: "media '\(recording.media)' cleanup: \($0)")
            }
        }
        warnings += scriptWarnings.map { Warning(code: .markupRemoved, section: nil, overflowMs: nil, message: $0.description) }
        if let speech {
            warnings += speech.ignored.map { Warning(code: .ssmlIgnored, section: nil, overflowMs: nil, message: $0) }
        }
        warnings += (plan?.warnings ?? []).map { w in
            let code: Warning.Code = switch w.code {
            case .sectionOverflow: .sectionOverflow
            case .endingFallback: .endingFallback
            }
            return Warning(code: code, section: w.section, overflowMs: w.overflowMs, message: w.message)
        }
        return warnings
    }

    static func item(item: PlannedItem, words: [SpeechClip.Word], spoken: SpokenItem?) -> Item {
        var r = Item(id: item.id, kind: .pause, startSample: item.startSample, endSample: item.endSample)
        switch item.kind {
        case .speech(let text):
            r.kind = .speech; r.text = text; r.stretch = item.stretch
            r.words = timelineWords(words, item: item)
            if let spoken { (r.spokenText, r.voice, r.engine, r.speaker) = (spoken.spokenText, spoken.voice, spoken.engine, spoken.speaker) }
        case .pause: r.kind = .pause
        case .media(let name): r.kind = .media; r.name = name
        case .effect(let name): r.kind = .effect; r.name = name
        }
        if item.truncated { r.truncated = true }
        return r
    }

    /// A clip's words on the final timeline: moved as its pauses were tightened and its speech
    /// stretched, to where it was placed, cut where the item was cut.
    static func timelineWords(_ words: [SpeechClip.Word], item: PlannedItem) -> [Word] {
        words.compactMap { w in
            let start = item.startSample + item.placedOffset(ofSource: w.start)
            let end = min(item.endSample, item.startSample + item.placedOffset(ofSource: w.end))
            guard start < item.endSample, !w.text.isEmpty else { return nil }
            return Word(text: w.text, startSample: start, endSample: max(start, end))
        }
    }

    /// Every word of the programme in order (for captions).
    public var allWords: [Word] { sections.flatMap { $0.items.flatMap { $0.words ?? [] } } }

    /// The report as the file `--report` writes (pretty-printed, keys sorted).
    public func json() throws -> Data { try JSONOutput.encode(self, pretty: true) }
}
