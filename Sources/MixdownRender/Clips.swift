import Foundation
import MixdownCleanup
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
    /// Speech recordings cleaned (`cleanup`), once per media name, in script order: for the report.
    var cleaned: [RenderReport.Recording] = []
}

/// What the speech stage makes: every speech item spoken, trimmed and levelled (kept on disk).
struct SpokenClips: Sendable {
    var audio: [ItemID: ClipAudio] = [:]
    var words: [ItemID: [SpeechClip.Word]] = [:]
    /// The pauses the engine made inside each clip (`overflow: fit` may shorten them).
    var pauses: [ItemID: [Range<Int>]] = [:]
    /// What each item was given and who spoke it (the report's `spokenText`, `voice`, `engine`, `speaker`).
    var spoken: [ItemID: RenderReport.SpokenItem] = [:]
    /// What an engine could not honour (SSML, phonemes), one line each with where.
    var ignored: [String] = []
    var statistics = SpeechSynthesizer.Statistics()

    /// What the report's warnings need to know of the speech.
    var outcome: RenderReport.SpeechOutcome {
        .init(words: words, spoken: spoken, ignored: ignored, statistics: statistics)
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

/// The voice one speech item speaks with and its settings, settled at the check (before any
/// speech): the item's own (`<as:sub voice speed>`), its speaker's in `cast`, then
/// `sections[part]`, `sections[section]`, the production's, the default; a voice that is not
/// installed replaced by the first installed `voiceFallback` (with a warning).
struct ChosenVoice: Sendable, Equatable {
    var voice: String
    var speed: Double
    var pitch: Double
    /// The command engine that speaks it, if any.
    var external: ExternalEngine?
    var speaker: String?
    /// The production key that chose the voice (nil: the item, or the default).
    var keyPath: String?
}

/// What every speech item will be spoken with, and how the production's words are said: the
/// check's result, read by the speech stage and the estimate.
struct Casting: Sendable {
    var voices: [ItemID: ChosenVoice] = [:]
    /// The production's lexicon, PLS files read and every entry checked.
    var lexicon = Lexicon.empty
    /// Voices replaced by a fallback, and what replaced them.
    var fallbacks: [String: String] = [:]

    /// The warnings the casting gives: each fallback once.
    var warnings: [RenderReport.Warning] {
        fallbacks.sorted { $0.key < $1.key }.map { asked, used in
            RenderReport.Warning(code: .voiceFallback, section: nil, overflowMs: nil,
                                 message: "voice '\(asked)' is not installed here: spoken with '\(used)' (voiceFallback)")
        }
    }
}

enum ClipPreparation {
    static let defaultVoice = "en-us"

    /// The voice and settings of one speech item before any fallback (ChosenVoice).
    static func choose(_ item: ScriptItem, section: String, production: Production) -> ChosenVoice {
        guard case .speech(_, let asked, let itemSpeed, let part) = item.kind else { return ChosenVoice(voice: defaultVoice, speed: 1, pitch: 1) }
        let sectionVoice = production.sections[section]
        let partVoice = part.flatMap { production.sections[$0] }
        let member = item.speaker.flatMap { production.cast[$0] }
        let external = partVoice?.speechEngine ?? sectionVoice?.speechEngine ?? production.speechEngine
        let voice: String, keyPath: String?
        if let asked { (voice, keyPath) = (asked, nil) }
        else if let speaker = item.speaker, let v = member?.voice { (voice, keyPath) = (v, "cast.\(speaker).voice") }
        else if let part, let v = partVoice?.voice { (voice, keyPath) = (v, "sections.\(part).voice") }
        else if let v = sectionVoice?.voice { (voice, keyPath) = (v, "sections.\(section).voice") }
        else if let v = production.voice { (voice, keyPath) = (v, "voice") }
        else { (voice, keyPath) = (external == nil ? defaultVoice : "default", nil) }
        return ChosenVoice(voice: voice,
                           speed: itemSpeed ?? member?.speed ?? partVoice?.speed ?? sectionVoice?.speed ?? production.speed,
                           pitch: member?.pitch ?? partVoice?.pitch ?? sectionVoice?.pitch ?? production.pitch,
                           external: external, speaker: item.speaker, keyPath: keyPath)
    }

    /// Every speech item's voice, checked before any speech is synthesised: an unknown speaker,
    /// a Piper voice that is not installed (or whose runtime is missing) and an unknown
    /// espeak-ng voice are one-line errors at the production key that chose the voice
    /// (`voice`, `sections.NAME.voice`, `cast.NAME.voice`), or at the item in the script that
    /// did — unless the production lists `voiceFallback`, whose first installed voice speaks
    /// instead (a warning). Voices of command engines are the command's to check. The lexicon's
    /// files are read and its entries checked here too.
    static func cast(_ script: Script, production: Production, voices: VoiceLibrary?) throws -> Casting {
        var casting = Casting()
        casting.lexicon = try lexicon(production)
        var verdicts = [String: String?]()   // voice → the voice that speaks it (nil: its error was thrown)
        func installed(_ voice: String) throws {
            if try !VoiceLibrary.check(voice, in: voices) { try EspeakEngine.shared.check(voice: voice) }
        }
        for section in script.sections {
            for item in section.items {
                guard case .speech = item.kind else { continue }
                if let speaker = item.speaker, production.cast[speaker] == nil {
                    let names = production.cast.keys.sorted()
                    throw MixdownError.at(item.speakerLocation ?? item.location, "unknown speaker '\(MixdownError.excerpt(speaker))'\(Suggestion.hint(for: speaker, in: names)) "
                                          + "(cast: \(names.isEmpty ? "none" : names.joined(separator: ", ")))", code: .unknownName)
                }
                var chosen = choose(item, section: section.name, production: production)
                if chosen.external == nil {
                    if let verdict = verdicts[chosen.voice], let speaks = verdict {
                        chosen.voice = speaks
                    } else {
                        do {
                            try installed(chosen.voice)
                            verdicts[chosen.voice] = chosen.voice
                        } catch let e as MixdownError {
                            guard let fallback = production.voiceFallback.first(where: { (try? installed($0)) != nil }) else {
                                let also = production.voiceFallback.isEmpty ? "" : " (no voiceFallback is installed either)"
                                let located = chosen.keyPath.map { MixdownError(e.kind, e.reason + also, code: e.code, keyPath: $0) }
                                    ?? MixdownError(e.kind, e.reason + also, code: e.code).located(at: item.location)
                                throw located
                            }
                            verdicts[chosen.voice] = fallback
                            casting.fallbacks[chosen.voice] = fallback
                            chosen.voice = fallback
                        }
                    }
                }
                casting.voices[item.id] = chosen
            }
        }
        return casting
    }

    /// The production's lexicon: inline entries and PLS files, in order, checked.
    static func lexicon(_ production: Production) throws -> Lexicon {
        var entries = [LexiconEntry]()
        for (i, source) in production.lexicon.enumerated() {
            switch source {
            case .entry(let e): entries.append(e)
            case .file(let path):
                do { entries += try PLSReader.read(path: path) } catch let e as MixdownError {
                    throw MixdownError(e.kind, e.reason, code: e.code, keyPath: "lexicon[\(i)]")
                }
            }
        }
        do { return try Lexicon(entries) } catch let e as MixdownError {
            throw MixdownError(e.kind, e.reason, code: e.code, keyPath: "lexicon")
        }
    }

    /// The engine for a chosen voice: its command, a Piper voice, else espeak-ng (the check
    /// refused voices no engine has). Every engine is directed (DirectedEngine).
    static func engine(for chosen: ChosenVoice, temporaryDirectory: String, voices: VoiceLibrary?) -> DirectedEngine {
        if let external = chosen.external {
            return DirectedEngine(CommandEngine(command: external.command, stdin: external.stdin, timeoutSeconds: external.timeoutSeconds,
                                                temporaryDirectory: temporaryDirectory, ssml: external.ssml))
        }
        if let engine = voices?.engine(for: chosen.voice) { return DirectedEngine(engine) }
        return DirectedEngine(EspeakEngine.shared)
    }

    /// What one speech item is, spoken: its engine and request (runs with the lexicon and
    /// normaliser applied) and what the engine cannot honour.
    struct SpeechJob {
        var job: SpeechSynthesizer.Job
        var spoken: RenderReport.SpokenItem
        var ignored: [String]
    }

    static func job(for item: ScriptItem, text: String, chosen: ChosenVoice, production: Production, lexicon: Lexicon,
                    temporaryDirectory: String, voices: VoiceLibrary?) -> SpeechJob {
        let engine = engine(for: chosen, temporaryDirectory: temporaryDirectory, voices: voices)
        let language = SpokenForm.language(ofVoice: chosen.voice)
        let prepared = SpokenForm.prepare(text: text, markup: item.markup, language: language,
                                          lexicon: lexicon.applying(language: language, voice: chosen.voice), normalise: production.normalise)
        var ignored = prepared.ignored
        let unhonoured = prepared.runs.contains { SpokenForm.engineText($0, input: engine.phonemeInput, language: language).unhonoured }
        if unhonoured { ignored.append("phonemes (lexicon or <phoneme>): the words are spoken as written") }
        // An item-wide volume is applied after levelling (which would undo it); the rest is relative.
        let volumes = Set(prepared.runs.map(\.prosody.volumeDb))
        let request = SpeechRequest(text: text, voice: chosen.voice, speed: chosen.speed, pitch: chosen.pitch, runs: prepared.runs,
                                    gainDb: volumes.count == 1 ? volumes.first ?? 0 : 0)
        let spoken = RenderReport.SpokenItem(spokenText: SpokenForm.spokenText(prepared.runs, input: engine.phonemeInput, language: language),
                                             voice: chosen.voice, engine: engineName(engine.base), speaker: chosen.speaker)
        return SpeechJob(job: SpeechSynthesizer.Job(request: request, engine: engine), spoken: spoken, ignored: ignored)
    }

    /// The engine's name as the report gives it.
    static func engineName(_ engine: any SpeechEngine) -> String {
        switch engine {
        case is EspeakEngine: return "espeak-ng"
        case is PiperEngine: return "piper"
        case is HibariEngine: return "hibari"
        case is PicoEngine: return "pico"
        case is KokoroJaEngine: return "kokoro-ja"
        case let c as CommandEngine: return "command:" + URL(fileURLWithPath: c.command.first ?? "").lastPathComponent
        default: return String(describing: type(of: engine))
        }
    }

    /// Decodes media and checks effects: everything that needs no speech, done before any
    /// speech is synthesised (an unknown name costs no engine time).
    static func prepareMedia(_ script: Script, production: Production, template: SoundTemplate?, pool: WorkerPool) throws -> MediaClips {
        var clips = MediaClips()
        var media = [String: AudioBuffer]()
        var cleaned = [String: (samples: [Float], figures: RecordingCleanup.Figures)]()
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
                        var mono = ChannelMix.toMono(decoded).channels[0]
                        if let settings = file.cleanup {
                            // Cleaned before anything measures it: trimming, leveling and the
                            // hybrid match all see the cleaned recording.
                            let once = "\(file.path)\u{0}\(settings)"   // one file, one setting: cleaned once
                            let result = try cleaned[once] ?? RecordingCleanup.clean(mono, sampleRate: SampleTime.renderRate, settings: settings)
                            cleaned[once] = result
                            mono = result.samples
                            if !clips.cleaned.contains(where: { $0.media == name }) {
                                clips.cleaned.append(RenderReport.Recording(media: name, cleanupSettings: settings, cleanup: result.figures))
                            }
                        }
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
    static func speak(_ script: Script, production: Production, casting: Casting, cache: SpeechCache, spool: ClipSpool, pool: WorkerPool, voices: VoiceLibrary?,
                      progress: @escaping @Sendable (Double) throws -> Void) throws -> SpokenClips {
        var clips = SpokenClips()
        var speechKeys = [(key: ItemID, location: SourceLocation)]()
        var jobs = [SpeechSynthesizer.Job]()
        for section in script.sections {
            for item in section.items {
                guard case .speech(let text, _, _, _) = item.kind, let chosen = casting.voices[item.id] else { continue }
                speechKeys.append((item.id, item.location))
                let prepared = job(for: item, text: text, chosen: chosen, production: production, lexicon: casting.lexicon,
                                   temporaryDirectory: spool.directory, voices: voices)
                jobs.append(prepared.job)
                clips.spoken[item.id] = prepared.spoken
                for what in prepared.ignored { clips.ignored.append("\(item.location): \(prepared.spoken.voice) (\(prepared.spoken.engine)) cannot honour \(what)") }
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
