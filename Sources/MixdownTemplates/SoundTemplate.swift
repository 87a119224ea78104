import Foundation
import MixdownCore
import MixdownIO

/// A sound template (docs/templates.md): a folder with `template.json` and its audio. Segments loop
/// at their loop points to fill any length; effects play once. Audio is decoded to the render
/// format (48 kHz stereo) when the template loads. The manifest is documented in
/// docs/templates.md.
public struct SoundTemplate: Sendable {
    public struct Segment: Sendable {
        public var name: String
        public var audio: AudioBuffer
        /// Loop points in samples at 48 kHz: playback runs from 0, and on reaching `loopEnd`
        /// continues from `loopStart`.
        public var loopStart: Int
        public var loopEnd: Int
        public var gain: Float
        /// The `button` segment: where its last onset (the last attack) is, samples at 48 kHz
        /// from the file's start. From the manifest's `lastOnsetSample`, or estimated from the
        /// audio when the manifest has none (`OnsetDetector.lastOnset`). Nil for other segments.
        public var lastOnset: Int?
    }

    public struct Effect: Sendable {
        public var name: String
        public var audio: AudioBuffer
        public var gain: Float
        /// What it is (`whoosh`, `riser`, `impact`, `chime`, `sting`…).
        public var description: String?
    }

    public var name: String
    public var directory: String
    public var segments: [String: Segment]
    public var effects: [String: Effect]
    public var defaultSegment: String
    /// What the template sounds like, and mood tags to choose it by.
    public var description: String?
    public var mood: [String] = []
    /// Genre and instrument tags (lowercase) to search the library by (docs/templates.md).
    public var genre: [String] = []
    public var instruments: [String] = []
    /// Tempo (bpm), metre and key, when the manifest gives them. With a tempo, segment
    /// changes land on the beat (docs/templates.md).
    public var tempo: Double?
    public var beatsPerBar: Double = 4
    public var key: String?

    /// Samples per beat at 48 kHz (nil without a tempo).
    public var beatLength: Int? { tempo.map { Int((Double(SampleTime.renderRate) * 60 / $0).rounded()) } }

    public var segmentNames: [String] { segments.keys.sorted() }
    public var effectNames: [String] { effects.keys.sorted() }

    /// Finds a template by name or path. A path is taken relative to `base` (the production's
    /// folder); a name is looked up in `<base>/SoundTemplates`, then in `libraries` (the caller's
    /// template folders: for the CLI, `standardLibraries`). When no folder holds any template,
    /// the error names the folders searched and `MIXDOWN_TEMPLATES`.
    public static func locate(_ nameOrPath: String, relativeTo base: String, libraries: [String]) throws -> String {
        let fm = FileManager.default
        func isTemplate(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/template.json") }
        let direct = nameOrPath.hasPrefix("/") ? nameOrPath : URL(fileURLWithPath: base).appendingPathComponent(nameOrPath).standardized.path
        if isTemplate(direct) { return direct }
        let searched = unique([base + "/SoundTemplates"] + libraries)
        let folders = existing(searched)
        for library in folders where isTemplate(library + "/" + nameOrPath) { return library + "/" + nameOrPath }
        let known = Set(folders.flatMap { dir in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { isTemplate(dir + "/" + $0) } }).sorted()
        guard !known.isEmpty else {
            throw MixdownError(.badInput, "no template '\(nameOrPath)': \(noneFound(searched: searched))", code: .unknownName, keyPath: "soundTemplate")
        }
        throw MixdownError(.badInput, "no template '\(nameOrPath)'\(Suggestion.hint(for: nameOrPath, in: known)) (available: \(known.joined(separator: ", ")))",
                           code: .unknownName, keyPath: "soundTemplate")
    }

    /// What to say when `searched` holds no template: where Mixdown looked, and how to point
    /// it at a library (one line).
    public static func noneFound(searched: [String]) -> String {
        let folders = unique(searched)
        return "no sound templates found (searched \(folders.isEmpty ? "no folders" : folders.joined(separator: ", "))); "
            + "set MIXDOWN_TEMPLATES to a folder of templates (colon-separated for several), or install Mixdown with its templates (make install)"
    }

    /// The template folders a program run from a shell searches, in order: `$MIXDOWN_TEMPLATES`
    /// (colon-separated), `./SoundTemplates`, the installed library
    /// (`PREFIX/share/mixdown/SoundTemplates` beside `PREFIX/bin/mixdown`), and the
    /// `SoundTemplates` folder of the Mixdown checkout the executable was built in
    /// (…/.build/<config>/mixdown → …/SoundTemplates). The first three are listed whether or not
    /// they exist (an error names them; the installed one when the binary is in a `bin`
    /// folder); the checkout's only when it exists. `executable` is
    /// the program's own file (resolved, not a bare name found on PATH). The caller reads its
    /// environment and passes it in; the engine reads none.
    public static func standardLibraries(environment: [String: String], executable: String, currentDirectory: String) -> [String] {
        var folders = (environment["MIXDOWN_TEMPLATES"] ?? "").split(separator: ":").map(String.init)
        folders.append(currentDirectory + "/SoundTemplates")
        let bin = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        // The installed library: listed in an installed layout (PREFIX/bin/mixdown) whether
        // or not it exists, elsewhere only when it exists.
        let installed = bin.deletingLastPathComponent().appendingPathComponent("share/mixdown/SoundTemplates").path
        folders += bin.lastPathComponent == "bin" ? [installed] : existing([installed])
        var dir = bin
        for _ in 0..<5 {
            folders += existing([dir.appendingPathComponent("SoundTemplates").path])
            dir = dir.deletingLastPathComponent()
        }
        return unique(folders)
    }

    /// Each folder once (the first of two spellings of one folder kept).
    static func unique(_ folders: [String]) -> [String] {
        var seen = Set<String>()
        return folders.filter { seen.insert(URL(fileURLWithPath: $0).standardized.path).inserted }
    }

    /// The folders that exist, each once.
    static func existing(_ folders: [String]) -> [String] {
        var seen = Set<String>()
        return folders.filter { FileManager.default.fileExists(atPath: $0) && seen.insert(URL(fileURLWithPath: $0).standardized.path).inserted }
    }

    /// What a segment may say; an effect says a subset (file, gain).
    static let segmentKeys = ["file", "loopStart", "loopEnd", "loopStartBar", "loopEndBar", "gain", "lastOnsetSample"]

    /// The segments played once, never looped: the `outro` and the `button` (a closing sting).
    public static let playedOnce: Set<String> = ["outro", "button"]

    /// Text of a manifest field, one line of at most `limit` characters.
    static func oneLine(_ field: JSONField, at limit: Int) throws -> String {
        let s = try field.nonEmptyString()
        guard s.count <= limit, !s.contains(where: \.isNewline) else { throw field.error("one line of at most \(limit) characters") }
        return s
    }

    /// `genre` and `instruments`: up to 20 lowercase tags of one line each, so that a search
    /// (`mixdown templates --genre jazz`) and the listing agree on their spelling.
    static func tags(_ field: JSONField) throws -> [String] {
        let list = try field.list()
        guard list.count <= 20 else { throw field.error("at most 20 tags") }
        return try list.map { item in
            let tag = try oneLine(item, at: 40)
            guard tag == tag.lowercased() else { throw item.error("tags are lowercase: write '\(MixdownError.excerpt(tag.lowercased()))'") }
            return tag
        }
    }

    /// Loads and validates `directory/template.json` and decodes its audio. (Adding a template
    /// checks more: `TemplateValidation`.)
    public static func load(directory: String, pool: WorkerPool = .serial) throws -> SoundTemplate {
        let manifestPath = directory + "/template.json"
        let text = try InputFile.readText(manifestPath, limit: Limits.maximumTextBytes)
        let root = try JSONField(node: JSONParser.parse(text, file: manifestPath), path: "")
            .object(allowed: ["name", "description", "mood", "genre", "instruments", "tempo", "beatsPerBar", "key", "segments", "effects", "defaultSegment"])
        let tempo = try root["tempo"].map { f -> Double in
            let v = try f.number(positive: true, atMost: (400, " bpm"))
            guard v >= 20 else { throw f.error("must be at least 20 bpm, got \(JSONField.format(v))") }
            return v
        }
        let beatsPerBar = try root["beatsPerBar"]?.number(positive: true, atMost: (32, " beats")) ?? 4
        let rate = SampleTime.renderRate

        func decode(_ file: String) throws -> (AudioBuffer, Int) {
            let decoded = try AudioFileReader.read(URL(fileURLWithPath: directory).appendingPathComponent(file).path)
            let stereo = ChannelMix.toStereo(decoded.audio, roles: decoded.roles)
            return (try Resampler.resample(stereo, to: rate), decoded.audio.sampleRate)
        }
        // Every file the manifest names is decoded first, side by side; the checks below take
        // them in manifest order, so a bad file is reported where it was before.
        let named = Array(Set(["segments", "effects"].flatMap { key in
            ((try? root[key]?.dictionary()) ?? []).compactMap { try? $0.1.object(allowed: segmentKeys)["file"]?.nonEmptyString() }
        })).sorted()
        let decodedFiles = pool.map(named.count) { i in Swift.Result { try decode(named[i]) } }
        func audio(_ field: JSONField) throws -> (AudioBuffer, Int) {
            let file = try field.nonEmptyString()
            do {
                guard let i = named.firstIndex(of: file) else { return try decode(file) }
                return try decodedFiles[i].get()
            } catch let e as MixdownError { throw field.error(e.message) }
        }
        func gain(_ field: JSONField?) throws -> Float {
            guard let field else { return 1 }
            let db = try field.number()
            guard (-60.0...12).contains(db) else { throw field.error("must be between -60 and 12 dB") }
            return Float(pow(10, db / 20))
        }

        var segments = [String: Segment]()
        guard let segmentField = root["segments"] else { throw root.error("missing segments") }
        for (name, field) in try segmentField.dictionary() {
            let s = try field.object(allowed: segmentKeys)
            guard let fileField = s["file"] else { throw field.error("missing file") }
            let (buffer, fileRate) = try audio(fileField)
            func point(samples: String, bars: String, default value: Int) throws -> Int {
                if let f = s[samples] {
                    // Past the file's end is refused below; here only what converts safely.
                    let v = try f.number(nonNegative: true, atMost: (Double(Int32.max), " samples"))
                    guard v == v.rounded() else { throw f.error("must be a whole number of samples") }
                    return SampleTime.rescale(Int(v), from: fileRate, to: rate)
                }
                if let f = s[bars] {
                    guard let tempo else { throw f.error("needs the template's tempo") }
                    return SampleTime.samples(seconds: try f.number(nonNegative: true, atMost: (10_000, " bars")) * beatsPerBar * 60 / tempo, rate: rate)
                }
                return value
            }
            let loopStart = try point(samples: "loopStart", bars: "loopStartBar", default: 0)
            let loopEnd = try point(samples: "loopEnd", bars: "loopEndBar", default: buffer.frameCount)
            guard loopEnd <= buffer.frameCount else { throw field.error("loop end \(loopEnd) is beyond the audio (\(buffer.frameCount) samples at 48 kHz)") }
            guard loopStart < loopEnd else { throw field.error("loop start \(loopStart) is not before loop end \(loopEnd) (samples at 48 kHz)") }
            guard loopEnd - loopStart >= rate / 10 else { throw field.error("the loop must be at least 100 ms long") }
            var segment = Segment(name: name, audio: buffer, loopStart: loopStart, loopEnd: loopEnd, gain: try gain(s["gain"]))
            if let f = s["lastOnsetSample"] {
                // Only the button's last attack places anything (docs/templates.md "Endings").
                guard name == "button" else { throw f.error("applies only to the button segment") }
                let v = try f.number(nonNegative: true, atMost: (Double(Int32.max), " samples"))
                guard v == v.rounded() else { throw f.error("must be a whole number of samples (at 48 kHz)") }
                guard Int(v) < buffer.frameCount else { throw f.error("\(Int(v)) is beyond the audio (\(buffer.frameCount) samples at 48 kHz)") }
                segment.lastOnset = Int(v)
            } else if name == "button" {
                segment.lastOnset = OnsetDetector.lastOnset(buffer)
            }
            segments[name] = segment
        }
        guard !segments.isEmpty else { throw segmentField.error("a template needs at least one segment") }

        var effects = [String: Effect]()
        if let effectField = root["effects"] {
            for (name, field) in try effectField.dictionary() {
                let e = try field.object(allowed: ["file", "gain", "description"])
                guard let fileField = e["file"] else { throw field.error("missing file") }
                effects[name] = Effect(name: name, audio: try audio(fileField).0, gain: try gain(e["gain"]), description: try e["description"].map { try oneLine($0, at: 200) })
            }
        }
        var defaultSegment = segments["main"] != nil ? "main" : segments.keys.sorted()[0]
        if let d = root["defaultSegment"] {
            defaultSegment = try d.nonEmptyString()
            guard segments[defaultSegment] != nil else { throw d.error("no segment '\(defaultSegment)'") }
        }
        let name = try root["name"]?.nonEmptyString() ?? URL(fileURLWithPath: directory).lastPathComponent
        var template = SoundTemplate(name: name, directory: directory, segments: segments, effects: effects, defaultSegment: defaultSegment)
        template.description = try root["description"].map { try oneLine($0, at: 500) }
        template.mood = try root["mood"]?.list().map { try oneLine($0, at: 40) } ?? []
        if let field = root["mood"], template.mood.count > 20 { throw field.error("at most 20 tags") }
        template.genre = try root["genre"].map(tags) ?? []
        template.instruments = try root["instruments"].map(tags) ?? []
        template.key = try root["key"].map { try oneLine($0, at: 40) }
        template.tempo = tempo
        template.beatsPerBar = beatsPerBar
        return template
    }
}
