import Foundation
import MixdownCore

/// Strict decoding of a production file (docs/script-and-production.md). Unknown keys and wrong types are
/// errors naming the key path where they were written:
/// `spot.json:5:40: sectionProperties.first.justify: unknown value 'centr' (did you mean 'centre'?)`.
public enum ProductionDecoder {
    public static func load(path: String) throws -> Production {
        let text = try InputFile.readText(path, limit: Limits.maximumTextBytes)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try decode(JSONParser.parse(text, file: path), file: path, baseDirectory: base)
    }

    /// The keys each object of a production may hold, by the object's path (`*`: any name; ""
    /// is the top level). The decoder refuses any other key, and docs/production-reference.md
    /// lists exactly these (a test compares the two both ways).
    public static let keys: [String: [String]] = [
        "": ["scriptText", "scriptFile", "voice", "speed", "pitch", "sections", "soundTemplate", "sectionProperties",
             "timelineProperties", "forceLength", "audience", "mediaFiles", "masteringPreset",
             "loudnessPreset", "loudnessTarget", "truePeak", "endFormat", "speechEngine", "strict",
             "lexicon", "normalise", "cast", "voiceFallback", "metadata", "chapters", "vast", "stems", "captions"],
        "metadata": Metadata.keys + ["coverImage"],
        "vast": ["adTitle", "clickThrough", "mediaBaseUrl"],
        "cast.*": ["voice", "speed", "pitch"],
        "lexicon[]": ["grapheme", "alias", "phoneme", "alphabet", "language", "voice", "caseSensitive"],
        "sections.*": ["voice", "speed", "pitch", "speechEngine"],
        "sectionProperties.*": ["endAt", "justify", "paddingStart", "paddingEnd", "fadeIn", "fadeOut"],
        "timelineProperties": ["forceLength", "speechStart", "sectionGap", "soundTail", "fadeOut", "overflow", "maxStretch", "ending"],
        "mediaFiles.*": ["path", "role", "cleanup"],
        "speechEngine": ["command", "stdin", "timeoutSeconds", "ssml"],
    ]

    public static func decode(_ root: JSONNode, file: String, baseDirectory: String) throws -> Production {
        let top = try JSONField(node: root, path: "").object(allowed: keys[""]!)
        let script: ScriptSource
        switch (top["scriptText"], top["scriptFile"]) {
        case let (text?, nil):
            script = ScriptSource(text: try text.string(), origin: "\(file)#scriptText")
        case let (nil, scriptFile?):
            let name = try scriptFile.nonEmptyString()
            let resolved = resolve(name, against: baseDirectory)
            guard FileManager.default.fileExists(atPath: resolved) else { throw scriptFile.error("no such file '\(name)'") }
            let text: String
            do { text = try InputFile.readText(resolved, limit: Limits.maximumTextBytes) } catch let e as MixdownError { throw scriptFile.error(e.message) }
            script = ScriptSource(text: text, origin: resolved)
        case (.some, .some):
            throw top.error("give exactly one of scriptText and scriptFile, not both")
        case (nil, nil):
            throw top.error("missing scriptText or scriptFile")
        }
        var p = Production(script: script, baseDirectory: baseDirectory)
        p.voice = try top["voice"]?.voiceName()
        if let speed = top["speed"] { p.speed = try speed.speed() }
        if let pitch = top["pitch"] { p.pitch = try pitch.pitch() }
        if let sections = top["sections"] {
            for (name, value) in try sections.dictionary() {
                let s = try value.object(allowed: keys["sections.*"]!)
                p.sections[name] = SectionVoice(voice: try s["voice"]?.voiceName(), speed: try s["speed"]?.speed(),
                                                pitch: try s["pitch"]?.pitch(), speechEngine: try s["speechEngine"].map(engine))
            }
        }
        p.soundTemplate = try top["soundTemplate"]?.nonEmptyString()
        if let properties = top["sectionProperties"] {
            for (name, value) in try properties.dictionary() {
                let s = try value.object(allowed: keys["sectionProperties.*"]!)
                p.sectionProperties[name] = SectionProperties(
                    endAt: try s["endAt"]?.seconds(positive: true),
                    justify: try s["justify"].map { try $0.choice(Justify.spellings, preferred: Justify.allCases.map(\.rawValue)) },
                    paddingStart: try s["paddingStart"]?.seconds(),
                    paddingEnd: try s["paddingEnd"]?.seconds(),
                    fadeIn: try s["fadeIn"]?.seconds(),
                    fadeOut: try s["fadeOut"]?.seconds())
            }
        }
        if let timeline = top["timelineProperties"] {
            let t = try timeline.object(allowed: keys["timelineProperties"]!)
            p.timeline.forceLength = try t["forceLength"]?.seconds(positive: true)
            p.timeline.speechStart = try t["speechStart"]?.seconds()
            p.timeline.sectionGap = try t["sectionGap"]?.seconds()
            p.timeline.soundTail = try t["soundTail"]?.seconds()
            p.timeline.fadeOut = try t["fadeOut"]?.seconds()
            if let m = t["maxStretch"] {
                let v = try m.number()
                guard (1.0...1.5).contains(v) else { throw m.error("must be between 1.0 and 1.5, got \(JSONField.format(v))") }
                p.timeline.maxStretch = v
            }
            if let o = t["overflow"] { p.timeline.overflow = try o.choice(Dictionary(uniqueKeysWithValues: OverflowPolicy.allCases.map { ($0.rawValue, $0) })) }
            // Whether the template has the segment asked for is checked with the template
            // (Pipeline.check), before any speech.
            if let e = t["ending"] { p.timeline.ending = try e.choice(Dictionary(uniqueKeysWithValues: Ending.allCases.map { ($0.rawValue, $0) }),
                                                                       preferred: Ending.allCases.map(\.rawValue)) }
        }
        if let force = top["forceLength"] {
            let value = try force.seconds(positive: true)
            if let other = p.timeline.forceLength, other != value {
                throw force.error("differs from timelineProperties.forceLength (\(other)); give it once")
            }
            p.timeline.forceLength = value
        }
        if let audience = top["audience"] { p.audience = try audienceValues(audience) }
        if let media = top["mediaFiles"] { p.mediaFiles = try mediaFiles(media, base: baseDirectory) }
        if let m = top["masteringPreset"] { p.masteringPreset = try m.choice(Dictionary(uniqueKeysWithValues: MasteringPreset.allCases.map { ($0.rawValue, $0) })) }
        if let l = top["loudnessPreset"] { p.loudnessPreset = try l.choice(Dictionary(uniqueKeysWithValues: LoudnessPreset.allCases.map { ($0.rawValue, $0) })) }
        if let target = top["loudnessTarget"] {
            let v = try target.number()
            guard (-70.0...0).contains(v) else { throw target.error("must be between -70 and 0 LUFS, got \(v)") }
            p.loudnessTarget = v
        }
        if let peak = top["truePeak"] {
            let v = try peak.number()
            guard (-20.0...0).contains(v) else { throw peak.error("must be between -20 and 0 dBTP, got \(v)") }
            p.truePeak = v
        }
        if let formats = top["endFormat"] {
            p.endFormats = try EndFormat.list(formats)
        }
        p.speechEngine = try top["speechEngine"].map(engine)
        if let strict = top["strict"] { p.strict = try strict.bool() }
        if let lexicon = top["lexicon"] { p.lexicon = try lexiconSources(lexicon, base: baseDirectory) }
        if let normalise = top["normalise"] { p.normalise = try normalise.bool() }
        if let cast = top["cast"] {
            for (name, value) in try cast.dictionary() {
                guard !name.isEmpty else { throw value.error("a speaker needs a name") }
                let c = try value.object(allowed: keys["cast.*"]!)
                p.cast[name] = CastMember(voice: try c["voice"]?.voiceName(), speed: try c["speed"]?.speed(), pitch: try c["pitch"]?.pitch())
            }
        }
        if let metadata = top["metadata"] { (p.metadata, p.coverImage) = try self.metadata(metadata, base: baseDirectory) }
        if let chapters = top["chapters"] { p.chapters = try chapters.bool() }
        if let vast = top["vast"] { p.vast = try self.vast(vast) }
        if let stems = top["stems"] { p.stems = try stems.bool() }
        if let captions = top["captions"] { p.captions = try captions.choice(["srt": "srt", "vtt": "vtt"]) }
        if let fallback = top["voiceFallback"] {
            let list: [JSONField] = (try? fallback.list()) ?? [fallback]
            p.voiceFallback = try list.map { try $0.voiceName() }
            if p.voiceFallback.isEmpty { throw fallback.error("names no voice") }
        }
        return p
    }

    /// `metadata`: text tags (numbers allowed for year and track), and the cover's path.
    static func metadata(_ field: JSONField, base: String) throws -> (Metadata, String?) {
        let o = try field.object(allowed: keys["metadata"]!)
        var m = Metadata()
        for key in Metadata.keys {
            guard let value = o[key] else { continue }
            let text: String
            if (key == "year" || key == "track"), case .number(let n) = value.node.value {
                guard n == n.rounded(), n >= 0, n < 1e6 else { throw value.error("must be a whole number or text, got \(JSONField.format(n))") }
                text = String(Int(n))
            } else {
                text = try value.string()
            }
            guard text.utf8.count <= 4_096 else { throw value.error("is \(text.utf8.count) bytes long; a tag holds at most 4096") }
            m[key] = text.isEmpty ? nil : text
        }
        if let language = o["language"], let code = m.language, !(code.count == 3 && code.allSatisfy { $0.isASCII && $0.isLowercase }) {
            throw language.error("must be an ISO 639-2 code of three lower-case letters (eng, fra, deu), got '\(MixdownError.excerpt(code))'")
        }
        if let url = o["url"], let text = m.url, !(text.hasPrefix("http://") || text.hasPrefix("https://")) {
            throw url.error("must be an http:// or https:// URL")
        }
        let cover = try o["coverImage"].map { resolve(try $0.nonEmptyString(), against: base) }
        return (m, cover)
    }

    static func vast(_ field: JSONField) throws -> VastRequest {
        let o = try field.object(allowed: keys["vast"]!)
        guard let title = o["adTitle"] else { throw field.error("a VAST ad needs \"adTitle\"") }
        func url(_ key: String) throws -> String? {
            guard let f = o[key] else { return nil }
            let text = try f.nonEmptyString()
            guard text.hasPrefix("http://") || text.hasPrefix("https://"), text.count <= 2_000 else {
                throw f.error("must be an http:// or https:// URL")
            }
            return text
        }
        return VastRequest(adTitle: try title.nonEmptyString(), clickThrough: try url("clickThrough"), mediaBaseUrl: try url("mediaBaseUrl"))
    }

    static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardized.path
    }

    /// `audience`: an object, or a list of objects merged in order. Numbers and booleans are
    /// spoken as written.
    static func audienceValues(_ field: JSONField) throws -> [String: String] {
        let objects: [JSONField] = (try? field.list()) ?? [field]
        var merged = [String: String]()
        for object in objects {
            for (key, value) in try object.dictionary() {
                switch value.node.value {
                case .string(let s):
                    if let problem = Limits.variableProblem(s) { throw value.error(problem) }
                    merged[key] = s
                case .number(let n): merged[key] = JSONField.format(n)
                case .bool(let b): merged[key] = String(b)
                default: throw value.error("must be text, got \(value.node.typeName)")
                }
            }
        }
        return merged
    }

    /// `mediaFiles`: `{"name": "path"}` or `{"name": {"path": …, "role": "speech"}}`, or a list
    /// of one-key objects.
    static func mediaFiles(_ field: JSONField, base: String) throws -> [String: MediaFile] {
        let objects: [JSONField] = (try? field.list()) ?? [field]
        var files = [String: MediaFile]()
        for object in objects {
            let entries = try object.dictionary()
            if case .array = field.node.value, entries.count != 1 {
                throw object.error("each entry of the list is an object with one name")
            }
            for (name, value) in entries {
                if files[name] != nil { throw value.error("media '\(name)' is defined twice") }
                if case .string = value.node.value {
                    files[name] = MediaFile(path: resolve(try value.nonEmptyString(), against: base), role: .insert)
                } else {
                    let m = try value.object(allowed: keys["mediaFiles.*"]!)
                    guard let path = m["path"] else { throw value.error("missing path") }
                    let role = try m["role"].map { try $0.choice(["speech": MediaRole.speech, "insert": .insert]) } ?? .insert
                    let cleanup = try m["cleanup"].flatMap { field -> CleanupSettings? in
                        guard role == .speech else { throw field.error("cleanup is for speech recordings: give this media \"role\": \"speech\"") }
                        return try CleanupSettings.decode(field)
                    }
                    files[name] = MediaFile(path: resolve(try path.nonEmptyString(), against: base), role: role, cleanup: cleanup)
                }
            }
        }
        return files
    }

    /// `lexicon`: a list of entries (objects) and PLS files (paths, relative to the production).
    /// Each entry has a grapheme and exactly one of alias and phoneme.
    static func lexiconSources(_ field: JSONField, base: String) throws -> [LexiconSource] {
        let list: [JSONField] = (try? field.list()) ?? [field]
        return try list.map { item in
            if case .string = item.node.value {
                let name = try item.nonEmptyString()
                let path = resolve(name, against: base)
                guard FileManager.default.fileExists(atPath: path) else { throw item.error("no such lexicon file '\(MixdownError.excerpt(name))'") }
                return .file(path)
            }
            let e = try item.object(allowed: keys["lexicon[]"]!)
            guard let grapheme = e["grapheme"] else { throw item.error("missing grapheme (the word as written)") }
            let alphabets = Dictionary(uniqueKeysWithValues: LexiconEntry.Alphabet.allCases.map { ($0.rawValue, $0) })
            let entry = LexiconEntry(grapheme: try grapheme.nonEmptyString(), alias: try e["alias"]?.nonEmptyString(),
                                     phoneme: try e["phoneme"]?.nonEmptyString(),
                                     alphabet: try e["alphabet"].map { try $0.choice(alphabets) } ?? .ipa,
                                     language: try e["language"]?.nonEmptyString(), voice: try e["voice"]?.voiceName(),
                                     caseSensitive: try e["caseSensitive"]?.bool() ?? false)
            switch (entry.alias, entry.phoneme) {
            case (nil, nil): throw item.error("give alias (words to say instead) or phoneme (how to say it)")
            case (.some, .some): throw item.error("give alias or phoneme, not both")
            default: break
            }
            if entry.alias != nil, let a = e["alphabet"] { throw a.error("applies to phoneme, not alias") }
            return .entry(entry)
        }
    }

    public static func engine(_ field: JSONField) throws -> ExternalEngine {
        let e = try field.object(allowed: keys["speechEngine"]!)
        guard let command = e["command"] else { throw field.error("missing command") }
        let argv = try command.list().map { try $0.string() }
        guard !argv.isEmpty, !argv[0].isEmpty else { throw command.error("must name a program") }
        let timeout = try e["timeoutSeconds"]?.number(positive: true, atMost: (3_600, " s")) ?? 60
        return ExternalEngine(command: argv, stdin: try e["stdin"]?.string(), timeoutSeconds: timeout, ssml: try e["ssml"]?.bool() ?? false)
    }
}
