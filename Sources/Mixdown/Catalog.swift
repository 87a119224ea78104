import Foundation
import MixdownCore
import MixdownSpeech
import MixdownTemplates

/// What `mixdown templates` / `voices` and the API's `/v1/templates` / `/v1/voices` list.
public enum Catalog {
    /// Template folders by name in `libraries`, in order; the first of a name wins.
    public static func templateFolders(libraries: [String]) -> [(name: String, path: String)] {
        var found = [(name: String, path: String)]()
        for library in libraries {
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).sorted() {
                let dir = "\(library)/\(entry)"
                guard FileManager.default.fileExists(atPath: dir + "/template.json"), !found.contains(where: { $0.name == entry }) else { continue }
                found.append((entry, dir))
            }
        }
        return found
    }

    /// Per template: `name`, `description`, `mood`, `tempo`, `beatsPerBar`, `key`,
    /// `defaultSegment`, its `segments` (lengths and loop points in samples at 48 kHz) and
    /// `effects` (and `path` when asked). docs/templates.md lists the fields.
    public static func templates(libraries: [String], cache: TemplateCache = TemplateCache(), withPaths: Bool) throws -> [[String: Any]] {
        try templateFolders(libraries: libraries).map { folder in
            let t = try cache.load(directory: folder.path)
            func decibels(_ gain: Float) -> Double { (20 * log10(Double(gain)) * 100).rounded() / 100 }
            let segments = t.segmentNames.map { name -> [String: Any] in
                let s = t.segments[name]!
                var object: [String: Any] = ["name": name, "lengthSamples": s.audio.frameCount, "gainDb": decibels(s.gain), "playsOnce": name == "outro"]
                if name != "outro" { (object["loopStartSample"], object["loopEndSample"]) = (s.loopStart, s.loopEnd) }
                return object
            }
            let effects = t.effectNames.map { name -> [String: Any] in
                let e = t.effects[name]!
                return ["name": name, "lengthSamples": e.audio.frameCount, "gainDb": decibels(e.gain), "description": e.description ?? NSNull()]
            }
            var object: [String: Any] = ["name": folder.name, "description": t.description ?? NSNull(), "mood": t.mood,
                                         "tempo": t.tempo ?? NSNull(), "beatsPerBar": t.beatsPerBar, "key": t.key ?? NSNull(),
                                         "defaultSegment": t.defaultSegment, "sampleRate": SampleTime.renderRate, "segments": segments, "effects": effects]
            if withPaths { object["path"] = folder.path }
            return object
        }
    }

    /// `{"id", "engine", "name", "identifier", "languages", "gender", "quality"}` per voice: the
    /// Piper voices of `piper` first (neural), then espeak-ng's. `id` is what a production's
    /// `voice` names.
    public static func voices(piper: PiperLibrary? = nil) throws -> [[String: Any]] {
        let neural: [[String: Any]] = (piper?.voices ?? []).map { v in
            ["id": v.id, "engine": "piper", "name": v.id, "identifier": v.id, "languages": v.languages, "gender": NSNull(), "quality": v.quality ?? NSNull()]
        }
        let espeak: [[String: Any]] = try EspeakEngine.shared.voices().sorted { ($0.languages.first ?? $0.name) < ($1.languages.first ?? $1.name) }.map { v in
            ["id": v.languages.first ?? v.identifier, "engine": "espeak-ng", "name": v.name, "identifier": v.identifier, "languages": v.languages,
             "gender": v.gender ?? NSNull(), "quality": "formant"]
        }
        // Variants combine with any espeak-ng language (`fr+f3`); listed once each, with
        // American English, so that they (and their genders) can be found.
        let variants: [[String: Any]] = try EspeakEngine.shared.variants().sorted { $0.identifier < $1.identifier }.map { v in
            ["id": "en-us+\(v.identifier)", "engine": "espeak-ng", "name": "\(v.name) (variant \(v.identifier))", "identifier": v.identifier,
             "languages": ["en-us"], "gender": v.gender ?? NSNull(), "quality": "formant", "variant": v.identifier]
        }
        return neural + espeak + variants
    }
}
