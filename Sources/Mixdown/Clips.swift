import Foundation
import MixdownCore
import MixdownIO
import MixdownScript
import MixdownSpeech
import MixdownTemplates

/// The audio every item of the script needs, ready to place: speech spoken, trimmed and
/// levelled; media decoded (speech recordings cleaned like speech, inserts as they are);
/// effects from the template. Keyed by section and item index.
struct PreparedClips {
    struct Key: Hashable { var section: Int; var item: Int }
    /// Stereo (or mono, duplicated when placed) audio per item that takes audio.
    var audio: [Key: [[Float]]] = [:]
    var words: [Key: [SpeechClip.Word]] = [:]
    var speechSeconds = 0.0

    func length(_ key: Key) -> Int { audio[key]?.first?.count ?? 0 }
}

enum ClipPreparation {
    static let defaultVoice = "en-us"

    static func prepare(_ script: Script, production: Production, template: SoundTemplate?) throws -> PreparedClips {
        var clips = PreparedClips()
        var media = [String: AudioBuffer]()
        for (s, section) in script.sections.enumerated() {
            for (i, item) in section.items.enumerated() {
                let key = PreparedClips.Key(section: s, item: i)
                switch item.kind {
                case .speech(let text, let voice, let speed, let part):
                    let sectionVoice = production.sections[section.name]
                    let partVoice = part.flatMap { production.sections[$0] }
                    if production.speechEngine != nil || sectionVoice?.speechEngine != nil || partVoice?.speechEngine != nil {
                        throw MixdownError.at(item.location, "speechEngine: external speech engines are not available in this version; remove speechEngine to use espeak-ng")
                    }
                    let chosenVoice = voice ?? partVoice?.voice ?? sectionVoice?.voice ?? production.voice ?? defaultVoice
                    let chosenSpeed = speed ?? partVoice?.speed ?? sectionVoice?.speed ?? production.speed
                    let start = Date()
                    let spoken: SpeechClip
                    do {
                        spoken = try EspeakEngine.shared.synthesize(text: text, voice: chosenVoice, speed: chosenSpeed)
                    } catch let e as MixdownError {
                        throw MixdownError.at(item.location, e.message)
                    }
                    clips.speechSeconds += Date().timeIntervalSince(start)
                    let clean = SpeechCleanup.level(SpeechCleanup.trim(spoken))
                    clips.audio[key] = [clean.audio]
                    clips.words[key] = clean.words
                case .media(let name):
                    guard let file = production.mediaFiles[name] else {
                        let names = production.mediaFiles.keys.sorted()
                        throw MixdownError.at(item.location, "unknown media '\(name)'\(Suggestion.hint(for: name, in: names)) (mediaFiles: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
                    }
                    let decoded: AudioBuffer
                    if let cached = media[file.path] { decoded = cached } else {
                        do { decoded = try AudioDecoder.decodeForMix(file.path) } catch let e as MixdownError {
                            throw MixdownError.at(item.location, "media '\(name)': \(e.message)")
                        }
                        media[file.path] = decoded
                    }
                    if file.role == .speech {
                        let mono = ChannelMix.toMono(decoded).channels[0]
                        let clean = SpeechCleanup.level(SpeechCleanup.trim(SpeechClip(audio: mono, words: [])))
                        clips.audio[key] = [clean.audio]
                    } else {
                        clips.audio[key] = decoded.channels
                    }
                case .effect(let name):
                    guard let template else {
                        throw MixdownError.at(item.location, "soundEffect '\(name)' needs a soundTemplate in the production")
                    }
                    guard let effect = template.effects[name] else {
                        throw MixdownError.at(item.location, "unknown sound effect '\(name)'\(Suggestion.hint(for: name, in: template.effectNames)) in template '\(template.name)' (effects: \(template.effectNames.joined(separator: ", ")))")
                    }
                    clips.audio[key] = effect.audio.channels.map { $0.map { $0 * effect.gain } }
                case .pause:
                    break
                }
            }
        }
        return clips
    }
}
