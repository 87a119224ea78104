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
        return PlanReport(plan: laid.plan, warnings: laid.warnings, words: laid.speech.words, spoken: laid.speech.spoken, estimated: estimate, statistics: laid.speech.statistics,
                          runtimeSeconds: Date().timeIntervalSince(started), version: Pipeline.version)
    }
}

extension ClipPreparation {
    /// Every speech item's length estimated from its text for the voice and speed that would
    /// speak it: no engine runs.
    static func estimate(_ script: Script, production: Production, casting: Casting, voices: VoiceLibrary?) -> SpokenClips {
        var clips = SpokenClips()
        for section in script.sections {
            for item in section.items {
                guard case .speech(let text, _, _, _) = item.kind, let chosen = casting.voices[item.id] else { continue }
                let prepared = job(for: item, text: text, chosen: chosen, production: production, lexicon: casting.lexicon,
                                   temporaryDirectory: "/tmp", voices: voices)
                let base = prepared.job.engine is DirectedEngine ? (prepared.job.engine as? DirectedEngine)?.base : prepared.job.engine
                let engine: SpeechEstimate.Engine = base is PiperEngine ? .piper : base is EspeakEngine ? .espeak : .external
                clips.spoken[item.id] = prepared.spoken
                // The estimate reads what will be spoken (numbers as words, aliases), not what is written.
                clips.audio[item.id] = .estimated(SpeechEstimate.samples(for: prepared.spoken.spokenText, voice: chosen.voice, speed: chosen.speed, engine: engine))
            }
        }
        return clips
    }
}
