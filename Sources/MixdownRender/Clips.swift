import Foundation
import MixdownCore
import MixdownDSP
import MixdownIO
import MixdownReport
import MixdownScript
import MixdownSpeech
import MixdownTemplates

/// A clip's audio: in memory (media, effects, matched speech) or on disk (speech as spoken,
/// read when the render reaches it).
enum ClipAudio: Sendable {
    case memory([[Float]])
    case stored(StoredClip)
    /// Speech not spoken, its length estimated from the text (`plan --estimate`): never rendered.
    case estimated(Int)
    var length: Int {
        switch self {
        case .memory(let a): return a.first?.count ?? 0
        case .stored(let c): return c.length
        case .estimated(let length): return length
        }
    }
    /// The clip's channels (read from disk for speech).
    func load() throws -> [[Float]] {
        switch self {
        case .memory(let a): return a
        case .stored(let c): return [try c.load()]
        case .estimated(let length): return [[Float](repeating: 0, count: length)]
        }
    }
}

/// What the media stage makes: media decoded (speech recordings cleaned like speech, inserts
/// as they are) and effects from the template, by script item.
struct MediaClips: Sendable {
    var audio: [ItemID: ClipAudio] = [:]
    /// Speech recordings whole (levelled like their clip, untrimmed): their room, for hybrid voice.
    var rooms: [ItemID: [Float]] = [:]
}

/// What the speech stage makes: every speech item spoken, trimmed and levelled (kept on disk).
struct SpokenClips: Sendable {
    var audio: [ItemID: ClipAudio] = [:]
    var words: [ItemID: [SpeechClip.Word]] = [:]
    /// The pauses the engine made inside each clip (`overflow: fit` may shorten them).
    var pauses: [ItemID: [Range<Int>]] = [:]
    /// What a Piper voice could not honour (SSML prosody, say-as, emphasis), by voice.
    var unhonoured: [String: Set<String>] = [:]
    var statistics = SpeechSynthesizer.Statistics()

    /// What the report's warnings need to know of the speech.
    var outcome: RenderReport.SpeechOutcome {
        .init(words: words, unhonoured: unhonoured, statistics: statistics)
    }
}

/// The audio every item of the script needs, ready to place, keyed by the script item's
/// identity: the media and speech stages' clips, with the synthetic clips hybrid matching
/// changed in their place. Built once; the planner and the renderer only read it.
struct PreparedClips: Sendable {
    let audio: [ItemID: ClipAudio]
    let words: [ItemID: [SpeechClip.Word]]
    let speech: SpokenClips

    init(media: MediaClips = MediaClips(), speech: SpokenClips = SpokenClips(), matched: [ItemID: [Float]] = [:]) {
        var audio = media.audio.merging(speech.audio) { _, spoken in spoken }
        for (id, clip) in matched { audio[id] = .memory([clip]) }
        (self.audio, self.words, self.speech) = (audio, speech.words, speech)
    }

    func length(_ key: ItemID) -> Int { audio[key]?.length ?? 0 }

    /// The clip's channels (read from disk for speech).
    func load(_ key: ItemID) throws -> [[Float]]? { try audio[key]?.load() }
}

enum ClipPreparation {
    static let defaultVoice = "en-us"

    /// The voice one speech item speaks with and where it was chosen: the item's own
    /// (`<as:sub voice>`), else `sections[part]`, `sections[section]`, the production's, the
    /// default. `keyPath` is the production key that chose it (nil: the item or the default);
    /// `external` the command engine that speaks it, if any.
    static func voice(_ voice: String?, part: String?, section: String, production: Production)
        -> (voice: String, keyPath: String?, external: ExternalEngine?) {
        let sectionVoice = production.sections[section]
        let partVoice = part.flatMap { production.sections[$0] }
        let external = partVoice?.speechEngine ?? sectionVoice?.speechEngine ?? production.speechEngine
        if let voice { return (voice, nil, external) }
        if let part, let v = partVoice?.voice { return (v, "sections.\(part).voice", external) }
        if let v = sectionVoice?.voice { return (v, "sections.\(section).voice", external) }
        if let v = production.voice { return (v, "voice", external) }
        return (external == nil ? defaultVoice : "default", nil, external)
    }

    /// Every voice the script speaks with exists here, checked before any speech is
    /// synthesised: a Piper, hibari or Pico voice that is not installed (or whose runtime is missing) and an
    /// unknown espeak-ng voice are one-line errors at the production key that chose the voice
    /// (`voice`, `sections.NAME.voice`), or at the item in the script that did. Voices of
    /// command engines are the command's to check.
    static func checkVoices(_ script: Script, production: Production, voices: VoiceLibrary?) throws {
        var checked = Set<String>()
        for section in script.sections {
            for item in section.items {
                guard case .speech(_, let asked, _, let part) = item.kind else { continue }
                let chosen = voice(asked, part: part, section: section.name, production: production)
                guard chosen.external == nil, checked.insert(chosen.voice).inserted else { continue }
                do {
                    if try !VoiceLibrary.check(chosen.voice, in: voices) { try EspeakEngine.shared.check(voice: chosen.voice) }
                } catch let e as MixdownError {
                    guard let keyPath = chosen.keyPath else { throw e.located(at: item.location) }
                    throw MixdownError(e.kind, e.reason, code: e.code, keyPath: keyPath)
                }
            }
        }
    }

    /// The engine and request for one speech item: settings from the item's `<as:sub>`, then
    /// `sections[part]`, `sections[section]`, the production, and the defaults. The voice was
    /// checked (`checkVoices`): a Piper, hibari or Pico voice goes to its engine, any other to espeak-ng.
    static func job(for item: ScriptItem, text: String, voice: String?, speed: Double?, part: String?, section: String,
                    production: Production, temporaryDirectory: String, voices: VoiceLibrary?) -> SpeechSynthesizer.Job {
        let sectionVoice = production.sections[section]
        let partVoice = part.flatMap { production.sections[$0] }
        let chosen = self.voice(voice, part: part, section: section, production: production)
        let request = SpeechRequest(
            text: text,
            markup: chosen.external == nil ? item.markup : nil,   // external engines get plain text
            voice: chosen.voice,
            speed: speed ?? partVoice?.speed ?? sectionVoice?.speed ?? production.speed,
            pitch: partVoice?.pitch ?? sectionVoice?.pitch ?? production.pitch)
        if let external = chosen.external {
            return SpeechSynthesizer.Job(request: request, engine: CommandEngine(command: external.command, stdin: external.stdin,
                                                                                timeoutSeconds: external.timeoutSeconds, temporaryDirectory: temporaryDirectory))
        }
        if let engine = voices?.engine(for: request.voice) { return SpeechSynthesizer.Job(request: request, engine: engine) }
        return SpeechSynthesizer.Job(request: request, engine: EspeakEngine.shared)
    }

    /// Decodes media and checks effects: everything that needs no speech, done before any
    /// speech is synthesised (an unknown name costs no engine time).
    static func prepareMedia(_ script: Script, production: Production, template: SoundTemplate?, pool: WorkerPool) throws -> MediaClips {
        var clips = MediaClips()
        var media = [String: AudioBuffer]()
        for section in script.sections {
            for item in section.items {
                let key = item.id
                switch item.kind {
                case .speech, .pause:
                    continue
                case .media(let name):
                    guard let file = production.mediaFiles[name] else {
                        let names = production.mediaFiles.keys.sorted()
                        throw MixdownError.at(item.location, "unknown media '\(name)'\(Suggestion.hint(for: name, in: names)) (mediaFiles: \(names.isEmpty ? "none" : names.joined(separator: ", ")))", code: .unknownName)
                    }
                    let decoded: AudioBuffer
                    if let cached = media[file.path] { decoded = cached } else {
                        do { decoded = try AudioDecoder.decodeForMix(file.path, pool: pool) } catch let e as MixdownError {
                            throw MixdownError.at(item.location, "media '\(name)': \(e.message)", code: e.code)
                        }
                        media[file.path] = decoded
                    }
                    if file.role == .speech {
                        let mono = ChannelMix.toMono(decoded).channels[0]
                        let trimmed = SpeechCleanup.trim(SpeechClip(audio: mono, words: []), margin: SpeechCleanup.recordingMargin,
                                                         noiseFloorDb: NoiseFloor.estimate(mono))
                        let gain = SpeechCleanup.levelGain(trimmed.audio)
                        clips.audio[key] = .memory([trimmed.audio.map { $0 * gain }])
                        clips.rooms[key] = mono.map { $0 * gain }
                    } else {
                        clips.audio[key] = .memory(decoded.channels)
                    }
                case .effect(let name):
                    guard let template else {
                        throw MixdownError.at(item.location, "soundEffect '\(name)' needs a soundTemplate in the production", code: .invalidProduction)
                    }
                    guard let effect = template.effects[name] else {
                        throw MixdownError.at(item.location, "unknown sound effect '\(name)'\(Suggestion.hint(for: name, in: template.effectNames)) in template '\(template.name)' (effects: \(template.effectNames.joined(separator: ", ")))", code: .unknownName)
                    }
                    clips.audio[key] = .memory(effect.audio.channels.map { $0.map { $0 * effect.gain } })
                }
            }
        }
        return clips
    }

    /// All speech, together: shared, cached and synthesised in parallel, kept on disk.
    static func speak(_ script: Script, production: Production, cache: SpeechCache, spool: ClipSpool, pool: WorkerPool, voices: VoiceLibrary?,
                      progress: @escaping @Sendable (Double) throws -> Void) throws -> SpokenClips {
        var clips = SpokenClips()
        var speechKeys = [(key: ItemID, location: SourceLocation)]()
        var jobs = [SpeechSynthesizer.Job]()
        for section in script.sections {
            for item in section.items {
                guard case .speech(let text, let voice, let speed, let part) = item.kind else { continue }
                speechKeys.append((item.id, item.location))
                let job = job(for: item, text: text, voice: voice, speed: speed, part: part, section: section.name, production: production,
                              temporaryDirectory: spool.directory, voices: voices)
                jobs.append(job)
                if job.engine is PiperEngine {
                    if job.request.markup != nil { clips.unhonoured[job.request.voice, default: []].insert("SSML prosody, say-as and emphasis") }
                }
            }
        }
        let (results, statistics) = SpeechSynthesizer(cache: cache).stored(for: jobs, spool: spool, pool: pool, progress: progress)
        clips.statistics = statistics
        // Each clip's pauses, read back from its file a block at a time.
        let pauses = try pool.map(results.count) { i -> [Range<Int>] in
            guard case .success(let clip) = results[i] else { return [] }
            return try SpeechPauses.find(in: clip)
        }
        for ((k, result), pauses) in zip(zip(speechKeys, results), pauses) {
            switch result {
            case .success(let clip):
                clips.audio[k.key] = .stored(clip)
                clips.words[k.key] = clip.words
                clips.pauses[k.key] = pauses
            case .failure(let e) where e.kind == .cancelled:
                throw e
            case .failure(let e):
                throw e.located(at: k.location)
            }
        }
        return clips
    }
}
