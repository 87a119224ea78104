import Foundation
import MixdownCore
import MixdownDSP

/// The checks a template passes before it is added to a library (docs/templates.md, "Adding a
/// template"): `mixdown templates add`, `POST /v1/templates` and the shipped library's tests
/// run this one function.
public enum TemplateValidation {
    /// A template that passed, with what it measured and what it is warned about.
    public struct Passed: Sendable {
        public var template: SoundTemplate
        /// The `main` loop's integrated loudness (LUFS) and true peak (dBTP).
        public var mainLoudness: Double
        public var mainTruePeak: Double
        /// One line each: accepted, but worth knowing (a bed far from the library's level).
        public var warnings: [String]
    }

    /// The level the shipped beds' `main` loops sit at, and how far a bed may stray before it is
    /// worth a warning (it still plays, that much quieter or louder under speech).
    public static let bedLoudness = -18.0
    public static let bedTolerance = 3.0
    /// Quieter than this, a `main` loop is silence (or nearly): refused.
    public static let silence = -50.0
    /// Louder peaks than this clip once decoded: refused.
    public static let peakCeiling = 0.0

    /// Checks the template in `directory`. Errors are one line: the file or the manifest's key
    /// path (`template.json:7:40: segments.main.loopEndBar: …`), and what is wrong, with code
    /// `invalidTemplate`.
    public static func validate(directory: String, pool: WorkerPool = .serial) throws -> Passed {
        do {
            try checkFiles(directory)
            try checkReferences(directory)
            let template = try SoundTemplate.load(directory: directory, pool: pool)
            return try measure(template, pool: pool)
        } catch var error as MixdownError where error.kind == .badInput {
            error.code = .invalidTemplate
            throw error
        }
    }

    /// The folder itself: regular files and folders only (no links, which could reach outside
    /// it), at most `TemplateLimits.maximumFiles` files and `maximumBytes` in all, a manifest.
    static func checkFiles(_ directory: String) throws {
        var files = 0, bytes = 0
        func walk(_ relative: String) throws {
            let path = relative.isEmpty ? directory : directory + "/" + relative
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw MixdownError(.badInput, "\(relative.isEmpty ? directory : relative): cannot read the folder", code: .invalidTemplate)
            }
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(directory + "/" + child, &info) == 0 else { throw refusal(child, "cannot be read") }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: try walk(child)
                case S_IFREG:
                    files += 1
                    bytes += Int(info.st_size)
                    guard files <= TemplateLimits.maximumFiles else {
                        throw MixdownError(.badInput, "the template holds more than \(TemplateLimits.maximumFiles) files", code: .invalidTemplate)
                    }
                    guard bytes <= TemplateLimits.maximumBytes else {
                        throw MixdownError(.badInput, "the template's files come to more than \(TemplateLimits.maximumBytes >> 20) MB (the most a template may hold)",
                                           code: .invalidTemplate)
                    }
                case S_IFLNK: throw refusal(child, "is a symbolic link; a template holds its files themselves")
                default: throw refusal(child, "is not a regular file or folder")
                }
            }
        }
        try walk("")
        var info = stat()
        guard lstat(directory + "/template.json", &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw refusal("template.json", "is missing: a template is a folder with template.json and its audio")
        }
    }

    static func refusal(_ file: String, _ what: String) -> MixdownError {
        MixdownError(.badInput, what, code: .invalidTemplate, keyPath: file)
    }

    /// Every file the manifest names lies inside the folder and exists: no absolute path, no
    /// `..` (the loader would follow either).
    static func checkReferences(_ directory: String) throws {
        let manifest = directory + "/template.json"
        let text = try InputFile.readText(manifest, limit: Limits.maximumTextBytes)
        let root = try JSONField(node: JSONParser.parse(text, file: manifest), path: "")
        guard case .object(let members) = root.node.value else { return }   // the loader says what is wrong
        for (group, value) in members where group == "segments" || group == "effects" {
            for (_, entry) in (try? JSONField(node: value, path: group).dictionary()) ?? [] {
                guard case .object(let keys) = entry.node.value, let file = keys.first(where: { $0.key == "file" }) else { continue }
                let field = JSONField(node: file.value, path: entry.path + ".file")
                guard case .string(let name) = file.value.value else { continue }
                if name.hasPrefix("/") { throw field.error("'\(MixdownError.excerpt(name))' is an absolute path; name a file inside the template folder") }
                if name.split(separator: "/").contains("..") { throw field.error("'\(MixdownError.excerpt(name))' climbs out of the template folder (..)") }
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0 else { throw field.error("'\(MixdownError.excerpt(name))' is not in the template folder") }
                guard info.st_mode & S_IFMT == S_IFREG else { throw field.error("'\(MixdownError.excerpt(name))' is not a regular file") }
            }
        }
    }

    /// A bed needs a `main`; its loop must be heard and must not clip.
    static func measure(_ template: SoundTemplate, pool: WorkerPool) throws -> Passed {
        guard let main = template.segments["main"] else {
            throw MixdownError(.badInput, "a bed needs a 'main' segment (segments: \(template.segmentNames.joined(separator: ", ")))",
                               code: .invalidTemplate, keyPath: "segments")
        }
        let loop = AudioBuffer(sampleRate: main.audio.sampleRate, channels: main.audio.channels.map { Array($0[main.loopStart..<main.loopEnd]) })
        let analysis = AudioAnalysis.analyze(loop, pool: pool)
        let gain = 20 * log10(Double(main.gain))
        let loudness = (analysis.integratedLufs ?? -.infinity) + gain
        let peak = (analysis.truePeakDbtp ?? -.infinity) + gain
        func format(_ v: Double) -> String { v.isFinite ? String(format: "%.1f", v) : "-inf" }
        guard loudness >= silence else {
            throw MixdownError(.badInput, "the main loop measures \(format(loudness)) LUFS: silent or nearly (at least \(Int(silence)) LUFS)",
                               code: .invalidTemplate, keyPath: "segments.main")
        }
        guard peak <= peakCeiling else {
            throw MixdownError(.badInput, "the main loop peaks at \(format(peak)) dBTP, above \(Int(peakCeiling)) dBTP: it clips; lower the file or its gain",
                               code: .invalidTemplate, keyPath: "segments.main")
        }
        var warnings = [String]()
        // The bed goes under speech at a fixed gain (the mastering preset's bed level), set for
        // beds at -18 LUFS: a bed far from it is heard that much quieter or louder.
        if abs(loudness - bedLoudness) > bedTolerance {
            let off = loudness - bedLoudness
            warnings.append("segments.main: the loop measures \(format(loudness)) LUFS, outside \(Int(bedLoudness)) ± \(Int(bedTolerance)) LUFS: accepted, "
                            + "but under speech it will sit \(String(format: "%.1f", abs(off))) dB \(off < 0 ? "quieter" : "louder") than the shipped beds")
        }
        return Passed(template: template, mainLoudness: loudness, mainTruePeak: peak, warnings: warnings)
    }
}
