import ArgumentParser
import Foundation
import MixdownCore
import MixdownScript
import MixdownTemplates
import MixdownCatalog
import MixdownRender

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the sound templates Mixdown can find, or render an audition of one.",
        subcommands: [List.self, Preview.self], defaultSubcommand: List.self)

    static var libraries: [String] {
        SoundTemplate.standardLibraries(environment: ProcessInfo.processInfo.environment,
                                        executable: executablePath, currentDirectory: FileManager.default.currentDirectoryPath)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every template: style, tempo, key, segments (lengths, loop points) and effects.")

        @Flag(help: "Print JSON (lengths and loop points in samples at 48 kHz).")
        var json = false

        func run() throws {
            let libraries = Templates.libraries
            let found = try Catalog.templates(libraries: libraries, withPaths: true)
            // None found is an error (exit 1, one line), not an empty list: an install without
            // its templates, or a MIXDOWN_TEMPLATES that names the wrong folder.
            guard !found.isEmpty else { throw MixdownError(.badInput, SoundTemplate.noneFound(searched: libraries), code: .unknownName) }
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
                let segments = t.segments.map { s -> String in
                    let loop = s.loopEndSample.map { end in ", loop \(seconds(end - (s.loopStartSample ?? 0)))" } ?? ", once"
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
            // The outro and the button play once: the outro is the audition's ending, not a section.
            let looping = template.segmentNames.filter { $0 != "outro" && $0 != "button" }
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
}
