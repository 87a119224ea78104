import ArgumentParser
import Foundation
import MixdownCore
import MixdownScript
import MixdownTemplates
import MixdownCatalog
import MixdownRender

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List (and search) the sound templates Mixdown can find, render an audition of one, or add one.",
        subcommands: [List.self, Preview.self, Add.self], defaultSubcommand: List.self)

    static var libraries: [String] {
        SoundTemplate.standardLibraries(environment: ProcessInfo.processInfo.environment,
                                        executable: executablePath, currentDirectory: FileManager.default.currentDirectoryPath)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every template (or those a search finds): style, tags, tempo, key, segments (lengths, loop points) and effects.",
            discussion: """
                --mood, --genre and --instrument search the tags (case-insensitive); each value given \
                must be one of the template's tags. A search that finds nothing lists nothing, says on \
                stderr what was searched and which values exist, and exits 0.
                """)

        @Flag(help: "Print JSON (lengths and loop points in samples at 48 kHz).")
        var json = false

        @Option(help: "Only templates with this mood tag (repeatable: each must match).")
        var mood: [String] = []

        @Option(help: "Only templates of this genre (repeatable: each must match).")
        var genre: [String] = []

        @Option(help: "Only templates with this instrument (repeatable: each must match).")
        var instrument: [String] = []

        func run() throws {
            let libraries = Templates.libraries
            let all = try Catalog.templates(libraries: libraries, withPaths: true)
            // None found is an error (exit 1, one line), not an empty list: an install without
            // its templates, or a MIXDOWN_TEMPLATES that names the wrong folder.
            guard !all.isEmpty else { throw MixdownError(.badInput, SoundTemplate.noneFound(searched: libraries), code: .unknownName) }
            let filter = Catalog.TemplateFilter(mood: mood, genre: genre, instrument: instrument)
            let found = all.filter(filter.matches)
            // A search that finds nothing is an answer, not a failure (exit 0), but an empty
            // screen would not say why: one line on stderr with the values that do exist.
            if found.isEmpty { FileHandle.standardError.write(Data((filter.nothingFound(in: all) + "\n").utf8)) }
            if json {
                print(String(decoding: try JSONOutput.encode(found, pretty: true), as: UTF8.self))
                return
            }
            func seconds(_ samples: Int) -> String { String(format: "%.1f s", Double(samples) / 48_000) }
            for t in found {
                var head = t.name
                if let tempo = t.tempo { head += String(format: "  %g bpm", tempo) }
                if let key = t.key { head += "  \(key)" }
                if !t.mood.isEmpty { head += "  (\(t.mood.joined(separator: ", ")))" }
                print(head)
                if let description = t.description { print("  \(description)") }
                if !t.genre.isEmpty { print("  genre: \(t.genre.joined(separator: ", "))") }
                if !t.instruments.isEmpty { print("  instruments: \(t.instruments.joined(separator: ", "))") }
                let segments = t.segments.map { s -> String in
                    let loop = s.playsOnce ? ", once" : s.loopEndSample.map { end in ", loop \(seconds(end - (s.loopStartSample ?? 0)))" } ?? ""
                    return "\(s.name) (\(seconds(s.lengthSamples))\(loop))"
                }
                let effects = t.effects.map { e in e.name + (e.description.map { $0 == e.name ? "" : " (\($0))" } ?? "") }
                print("  segments: \(segments.joined(separator: ", "))")
                print("  effects: \(effects.joined(separator: ", "))")
                print("  \(t.path ?? "")")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a short audition of a template: its intro, one pass of its main loop with an effect, and its outro.")

        @Argument(help: "The template (a name `mixdown templates` lists, or a folder).")
        var name: String

        @Option(name: .shortAndLong, help: "The audition file (its extension picks the format: .wav, .mp3, .flac…).")
        var output: String

        @Option(help: "The effect to play at the start of the main loop (default: the first).")
        var effect: String?

        func run() throws {
            let folder = try SoundTemplate.locate(name, relativeTo: FileManager.default.currentDirectoryPath, libraries: Templates.libraries)
            let template = try SoundTemplate.load(directory: folder, pool: .machine())
            let production = try Self.audition(template, folder: folder, effect: effect)
            var request = RenderRequest(production: production, name: template.name, pool: .machine())
            request.output = output
            request.temporaryDirectory = temporaryDirectory()
            let result = try Pipeline.render(request)
            printOutputs(result.outputs)
        }

        /// A production of silence with the template under it: a section per looping segment
        /// (`intro` first, `main` with the effect, then any others), each one loop long, and
        /// the outro as the tail.
        static func audition(_ template: SoundTemplate, folder: String, effect: String?) throws -> Production {
            let looping = template.segmentNames.filter { !SoundTemplate.playedOnce.contains($0) }
                .sorted { ($0 == "intro" ? 0 : $0 == "main" ? 1 : 2, $0) < ($1 == "intro" ? 0 : $1 == "main" ? 1 : 2, $1) }
            let effectName = effect ?? template.effectNames.first
            if let effect, template.effects[effect] == nil {
                throw MixdownError.usage("--effect: '\(effect)' is not an effect of \(template.name) (effects: \(template.effectNames.joined(separator: ", ")))")
            }
            var script = ""
            for name in looping {
                let s = template.segments[name]!
                let seconds = Double(s.loopEnd) / 48_000
                script += "<<sectionName::\(name)>><<soundSegment::\(name)>>"
                if name == "main", let effectName { script += "<<soundEffect::\(effectName)>>" }
                script += "<break time=\"\(Int((seconds * 1_000).rounded()))ms\"/>\n"
            }
            let tail = Double(template.segments["outro"]?.audio.frameCount ?? 96_000) / 48_000
            let object: [String: Any] = ["scriptText": script, "soundTemplate": folder,
                                         "timelineProperties": ["speechStart": 0, "sectionGap": 0, "soundTail": tail, "fadeOut": 0.5,
                                                                // An audition under 60 s would default to the button.
                                                                "ending": template.segments["outro"] != nil ? "outro" : "fade"]]
            let text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            return try ProductionDecoder.decode(JSONParser.parse(text, file: "preview"), file: "preview", baseDirectory: folder)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a template folder and add it to a library.",
            discussion: """
                The template is checked (manifest, files inside the folder, audio, loop points, the \
                main loop's loudness, size) and copied into the library only if it passes: a refusal \
                is one line on stderr (exit 1) and the library is left as it was. The library is \
                --library, or else the first folder of MIXDOWN_TEMPLATES (docs/templates.md).
                """)

        @Argument(help: "The template folder (template.json and its audio).")
        var folder: String

        @Option(help: "The library folder to add it to (default: the first folder of MIXDOWN_TEMPLATES).")
        var library: String?

        @Option(help: "The name productions will use (default: the folder's name).")
        var name: String?

        @Flag(help: "Replace a template of the same name in the library.")
        var replace = false

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let cwd = FileManager.default.currentDirectoryPath
            func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : URL(fileURLWithPath: cwd).appendingPathComponent(path).standardized.path }
            // No implicit ./SoundTemplates: for an installed binary the current folder is
            // wherever the shell happens to be, and a template added there is found only from there.
            let configured = (environment["MIXDOWN_TEMPLATES"] ?? "").split(separator: ":").first.map(String.init)
            guard let target = library ?? configured else {
                throw MixdownError.usage("templates add: say where to add it: --library DIR, or set MIXDOWN_TEMPLATES "
                                         + "(its first folder is where templates are added, and where mixdown looks first)")
            }
            let source = absolute(folder).hasSuffix("/") ? String(absolute(folder).dropLast()) : absolute(folder)
            let chosen = name ?? URL(fileURLWithPath: source).lastPathComponent
            let libraryPath = absolute(target)
            let passed = try TemplateInstaller.install(folder: source, into: libraryPath, name: chosen, replace: replace, pool: .machine())
            for warning in passed.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            let searched = Templates.libraries.map { URL(fileURLWithPath: $0).standardized.path }
            if !searched.contains(URL(fileURLWithPath: libraryPath).standardized.path) {
                FileHandle.standardError.write(Data("note: \(libraryPath) is not among the folders mixdown searches; add it to MIXDOWN_TEMPLATES to use '\(chosen)' by name\n".utf8))
            }
            print("added \(chosen) to \(libraryPath) (main loop \(String(format: "%.1f", passed.mainLoudness)) LUFS, \(String(format: "%.1f", passed.mainTruePeak)) dBTP)")
        }
    }
}
