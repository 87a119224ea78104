import Foundation
import MixdownCore
import MixdownMaster
import MixdownReport
import MixdownScript
import MixdownSpeech
import MixdownTimeline

/// `mixdown plan` and `POST /v1/plan` (docs/plan.md): the render's first stages — check, speak,
/// match (hybrid voice), plan — and nothing after them. The speech comes from the cache or is synthesised into it,
/// so the render that follows finds the same clips and lands on the same samples, even with an
/// engine whose takes vary (Piper). Estimated, nothing is spoken: lengths come from the text.
public enum Planning {
    public static func plan(_ request: RenderRequest, estimate: Bool = false) throws -> PlanReport {
        let started = Date()
        var clock = StageClock(request.control)
        let laid = try Pipeline.layOut(request, estimate: estimate, outputs: false, clock: &clock)
        return PlanReport(plan: laid.plan, warnings: laid.warnings, words: laid.speech.words, estimated: estimate, statistics: laid.speech.statistics,
                          runtimeSeconds: Date().timeIntervalSince(started), version: Pipeline.version)
    }
}

extension ClipPreparation {
    /// Every speech item's length estimated from its text for the voice and speed that would
    /// speak it: no engine runs.
    static func estimate(_ script: Script, production: Production, voices: VoiceLibrary?) -> SpokenClips {
        var clips = SpokenClips()
        for section in script.sections {
            for item in section.items {
                guard case .speech(let text, let voice, let speed, let part) = item.kind else { continue }
                let job = job(for: item, text: text, voice: voice, speed: speed, part: part, section: section.name, production: production,
                                   temporaryDirectory: "/tmp", voices: voices)
                let engine: SpeechEstimate.Engine = job.engine is PiperEngine ? .piper : job.engine is EspeakEngine ? .espeak : .external
                clips.audio[item.id] = .estimated(SpeechEstimate.samples(for: text, voice: job.request.voice, speed: job.request.speed, engine: engine))
            }
        }
        return clips
    }
}
