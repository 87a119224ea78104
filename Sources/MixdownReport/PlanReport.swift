import Foundation
import MixdownCore
import MixdownSpeech
import MixdownTimeline

/// What `mixdown plan` prints and `POST /v1/plan` answers (docs/plan.md): the timeline a render
/// of the same input would have, section by section with its slack, before any mastering or
/// encoding. Its boundaries are the render's (an estimated plan's are the text's estimate).
public struct PlanReport: Sendable, EncodesEveryKey {
    public struct Section: Sendable, EncodesEveryKey {
        public var name: String
        public var soundSegment: String?
        public var startSample: Int
        public var endSample: Int
        /// What the content needs, as spoken (before any fitting).
        public var contentSamples: Int
        /// The room it has between the paddings (a fixed span's; else the content's own).
        public var spanSamples: Int
        /// `spanSamples - contentSamples`: spare room, negative when the content overflows.
        public var slackSamples: Int
        public var items: [RenderReport.Item]
    }

    public var engine: RenderReport.Engine
    /// True when speech lengths were estimated from the text (`--estimate`): nothing was spoken.
    public var estimated: Bool
    public var sampleRate: Int
    public var totalSamples: Int
    public var durationMs: Double
    public var sections: [Section]
    public var tail: RenderReport.TailRange?
    public var music: [RenderReport.MusicRegion]
    /// How the music ends the programme: `outro`, `button` or `fade` (null: no music at the end).
    public var ending: String?
    public var warnings: [RenderReport.Warning]
    /// Clips in all, from the cache, synthesised now (all zero when estimated).
    public var speech: RenderReport.Speech
    public var runtimeSeconds: Double

    public init(plan: TimelinePlan, warnings: [RenderReport.Warning], words: [ItemID: [SpeechClip.Word]],
                spoken: [ItemID: RenderReport.SpokenItem] = [:], estimated: Bool,
                statistics: SpeechSynthesizer.Statistics, runtimeSeconds: Double, version: String) {
        engine = .init(version: version)
        self.estimated = estimated
        sampleRate = plan.sampleRate
        totalSamples = plan.totalSamples
        durationMs = Double(plan.totalSamples) * 1_000 / Double(plan.sampleRate)
        sections = plan.sections.map { s in
            Section(name: s.name, soundSegment: s.soundSegment, startSample: s.startSample, endSample: s.endSample,
                    contentSamples: s.contentSamples, spanSamples: s.spanSamples, slackSamples: s.spanSamples - s.contentSamples,
                    items: s.items.map { RenderReport.item(item: $0, words: words[$0.id] ?? [], spoken: spoken[$0.id]) })
        }
        tail = plan.tail.map { RenderReport.TailRange(startSample: $0.startSample, endSample: $0.endSample) }
        music = plan.music.map { .init(segment: $0.segment, startSample: $0.startSample, endSample: $0.endSample, fadeOutSamples: $0.fadeOut) }
        ending = plan.ending?.rawValue
        self.warnings = warnings
        speech = .init(clips: statistics.cacheHits + statistics.synthesised, cacheHits: statistics.cacheHits, synthesised: statistics.synthesised)
        self.runtimeSeconds = runtimeSeconds
    }

    /// The plan as `--json` prints it (pretty-printed, keys sorted).
    public func json() throws -> Data { try JSONOutput.encode(self, pretty: true) }
}
