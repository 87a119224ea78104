import Foundation
import MixdownCore
import MixdownSpeech
import MixdownTemplates

/// What `mixdown templates` / `voices` and the API's `/v1/templates` / `/v1/voices` list
/// (docs/templates.md and docs/speech.md list the fields).
public enum Catalog {
    /// A template as listed: lengths and loop points in samples at 48 kHz.
    public struct Template: Sendable, Equatable, EncodesEveryKey {
        public struct Segment: Sendable, Equatable, EncodesEveryKey {
            public var name: String
            public var lengthSamples: Int
            public var gainDb: Double
            /// The outro and the button play once; the others loop between the loop points (absent for the outro).
            public var playsOnce: Bool
            public var loopStartSample: Int?
            public var loopEndSample: Int?
            /// The button's last onset (from the manifest, or estimated from its audio): samples at 48 kHz.
            public var lastOnsetSample: Int? = nil
            public static var omittedWhenNil: Set<String> { ["loopStartSample", "loopEndSample", "lastOnsetSample"] }
        }
        public struct Effect: Sendable, Equatable, EncodesEveryKey {
            public var name: String
            public var lengthSamples: Int
            public var gainDb: Double
            public var description: String?
        }
        public var name: String
        public var description: String?
        public var mood: [String]
        public var genre: [String]
        public var instruments: [String]
        public var tempo: Double?
        public var beatsPerBar: Double
        public var key: String?
        public var defaultSegment: String
        public var sampleRate: Int
        public var segments: [Segment]
        public var effects: [Effect]
        /// Where it was found (the CLI's listing; the API does not show server paths).
        public var path: String?
        /// The API's listing: `server` (the server's library) or `key` (added by this key).
        public var scope: String?

        public static var omittedWhenNil: Set<String> { ["path", "scope"] }
    }

    /// A search of the library (`mixdown templates --mood calm --genre jazz`,
    /// `GET /v1/templates?mood=calm&genre=jazz`): every value given must be one of the
    /// template's tags of its kind, compared without regard to case.
    public struct TemplateFilter: Sendable, Equatable {
        public var mood: [String]
        public var genre: [String]
        public var instrument: [String]

        public init(mood: [String] = [], genre: [String] = [], instrument: [String] = []) {
            (self.mood, self.genre, self.instrument) = (mood, genre, instrument)
        }

        public var isEmpty: Bool { mood.isEmpty && genre.isEmpty && instrument.isEmpty }

        public func matches(_ t: Template) -> Bool {
            func all(_ wanted: [String], in tags: [String]) -> Bool {
                let have = Set(tags.map { $0.lowercased() })
                return wanted.allSatisfy { have.contains($0.lowercased()) }
            }
            return all(mood, in: t.mood) && all(genre, in: t.genre) && all(instrument, in: t.instruments)
        }

        /// What was searched and, for each kind searched, the values the templates have: one line
        /// for a search that found nothing (`no template has mood 'calm' and genre 'jaz' (moods: …; genres: …)`).
        public func nothingFound(in templates: [Template]) -> String {
            var searched = [String](), known = [String]()
            func add(_ kind: String, _ plural: String, _ wanted: [String], _ tags: (Template) -> [String]) {
                guard !wanted.isEmpty else { return }
                searched.append(wanted.map { "\(kind) '\(MixdownError.excerpt($0))'" }.joined(separator: " and "))
                let values = Set(templates.flatMap(tags).map { $0.lowercased() }).sorted()
                known.append("\(plural): \(values.isEmpty ? "none" : values.joined(separator: ", "))")
            }
            add("mood", "moods", mood, \.mood)
            add("genre", "genres", genre, \.genre)
            add("instrument", "instruments", instrument, \.instruments)
            return "no template has \(searched.joined(separator: " and ")) (\(known.joined(separator: "; ")))"
        }
    }

    /// A voice as listed: `id` is what a production's `voice` names.
    public struct Voice: Sendable, Equatable, EncodesEveryKey {
        public var id: String
        public var engine: String
        public var name: String
        public var identifier: String
        public var languages: [String]
        public var gender: String?
        /// How the engine makes speech: `neural` (Piper, hibari), `parametric` (SVOX Pico) or
        /// `formant` (espeak-ng).
        public var quality: String
        /// The engine's native sample rate (Mixdown renders at 48 kHz).
        public var sampleRate: Int?
        /// A Piper model's quality tier: `x_low`, `low`, `medium` or `high`.
        public var tier: String?
        /// An espeak-ng variant (`f3`), combinable with any of its languages.
        public var variant: String?

        public init(id: String, engine: String, name: String, identifier: String, languages: [String], gender: String?, quality: String,
                    sampleRate: Int?, tier: String? = nil, variant: String? = nil) {
            (self.id, self.engine, self.name, self.identifier, self.languages, self.gender) = (id, engine, name, identifier, languages, gender)
            (self.quality, self.sampleRate, self.tier, self.variant) = (quality, sampleRate, tier, variant)
        }

        public static var omittedWhenNil: Set<String> { ["tier", "variant"] }
    }

    /// Template folders by name in `libraries`, in order; the first of a name wins.
    public static func templateFolders(libraries: [String]) -> [(name: String, path: String)] {
        var found = [(name: String, path: String)]()
        for library in libraries {
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).sorted() {
                let dir = "\(library)/\(entry)"
                // A hidden folder is a template being added or removed (`TemplateInstaller`).
                guard !entry.hasPrefix("."), FileManager.default.fileExists(atPath: dir + "/template.json"),
                      !found.contains(where: { $0.name == entry }) else { continue }
                found.append((entry, dir))
            }
        }
        return found
    }

    /// Every template in `libraries` (with its folder when `withPaths`; marked with `scope`
    /// when given).
    public static func templates(libraries: [String], cache: TemplateCache = TemplateCache(), withPaths: Bool, scope: String? = nil) throws -> [Template] {
        try templateFolders(libraries: libraries).map { folder in
            let t = try cache.load(directory: folder.path)
            func decibels(_ gain: Float) -> Double { (20 * log10(Double(gain)) * 100).rounded() / 100 }
            let once: Set<String> = ["outro", "button"]
            let segments = t.segmentNames.compactMap { name in
                t.segments[name].map { s in
                    // The outro and the button play once (docs/templates.md "Endings"): no loop points.
                    Template.Segment(name: name, lengthSamples: s.audio.frameCount, gainDb: decibels(s.gain), playsOnce: once.contains(name),
                                     loopStartSample: once.contains(name) ? nil : s.loopStart, loopEndSample: once.contains(name) ? nil : s.loopEnd,
                                     lastOnsetSample: s.lastOnset)
                }
            }
            let effects = t.effectNames.compactMap { name in
                t.effects[name].map { e in Template.Effect(name: name, lengthSamples: e.audio.frameCount, gainDb: decibels(e.gain), description: e.description) }
            }
            return Template(name: folder.name, description: t.description, mood: t.mood, genre: t.genre, instruments: t.instruments,
                            tempo: t.tempo, beatsPerBar: t.beatsPerBar, key: t.key, defaultSegment: t.defaultSegment, sampleRate: SampleTime.renderRate, segments: segments, effects: effects,
                            path: withPaths ? folder.path : nil, scope: scope)
        }
    }

    /// Every voice: the Piper voices of `library` first, then its hibari and Pico voices (those
    /// installed), then espeak-ng's.
    public static func voices(library: VoiceLibrary? = nil) throws -> [Voice] {
        let neural = (library?.piper.voices ?? []).map { v in
            Voice(id: v.id, engine: "piper", name: v.id, identifier: v.id, languages: v.languages, gender: nil, quality: "neural",
                  sampleRate: v.sampleRate, tier: v.quality)
        }
        let python = (library?.pythonVoices ?? []).map { v in
            Voice(id: v.id, engine: v.engine, name: v.name, identifier: v.key, languages: v.languages, gender: v.gender, quality: v.quality,
                  sampleRate: v.sampleRate)
        }
        let espeakRate = EspeakEngine.shared.nativeSampleRate
        let espeak = try EspeakEngine.shared.voices().sorted { ($0.languages.first ?? $0.name) < ($1.languages.first ?? $1.name) }.map { v in
            Voice(id: v.languages.first ?? v.identifier, engine: "espeak-ng", name: v.name, identifier: v.identifier, languages: v.languages,
                  gender: v.gender, quality: "formant", sampleRate: espeakRate)
        }
        // Variants combine with any espeak-ng language (`fr+f3`); listed once each, with
        // American English, so that they (and their genders) can be found.
        let variants = try EspeakEngine.shared.variants().sorted { $0.identifier < $1.identifier }.map { v in
            Voice(id: "en-us+\(v.identifier)", engine: "espeak-ng", name: "\(v.name) (variant \(v.identifier))", identifier: v.identifier,
                  languages: ["en-us"], gender: v.gender, quality: "formant", sampleRate: espeakRate, variant: v.identifier)
        }
        return neural + python + espeak + variants
    }
}
