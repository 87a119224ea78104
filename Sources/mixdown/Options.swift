import ArgumentParser
import Foundation
import MixdownCore
import MixdownIO
import MixdownRender
import MixdownScript
import MixdownSpeech
import MixdownTemplates

// Options and output that several commands share, declared once.

/// `--max-duration S` (render, batch, serve, worker): the longest programme to make.
struct MaxDurationOption: ParsableArguments {
    @Option(name: .customLong("max-duration"), help: "The longest programme to make, in seconds (at most and by default 21600: 6 hours).")
    var value: Double?

    func validate() throws {
        if let value, !(value.isFinite && value > 0 && value <= Limits.maximumProgrammeSeconds) {
            throw ValidationError("--max-duration must be more than 0 and at most 21600 seconds (6 hours)")
        }
    }

    var seconds: Double { value ?? Limits.maximumProgrammeSeconds }
}

/// `--report R.json` and `--report-html R.html` (render, master).
struct ReportOptions: ParsableArguments {
    @Option(help: "Write the report (JSON) here.")
    var report: String?

    @Option(name: .customLong("report-html"), help: ArgumentHelp("Write the visual report here: one self-contained page (waveform, loudness, true peak, player; a render's also shows its timeline).",
                                                               valueName: "R.html"))
    var reportHTML: String?
}

/// One line per file written: path, format, samples, rate, size.
func printOutputs(_ outputs: [EncodedOutput]) {
    for o in outputs { print("\(o.path)  \(o.endFormat.name)  \(o.samples) samples at \(o.sampleRate) Hz  \(o.bytes) bytes") }
}

/// What to render or plan (render, plan): a production file, or a bare script with the options
/// a production would set; `--var` and `--strict`. Turned into a `RenderRequest` here, at the
/// edge, where the environment (cache, templates, voices, TMPDIR) is read.
struct ProductionInput: ParsableArguments {
    @Argument(help: "The production file (JSON; see docs/production-reference.md).")
    var production: String?

    @Option(help: "Use a script file without a production file.")
    var script: String?

    @Option(help: "Sound template (name or folder), with --script.")
    var template: String?

    @Option(name: .customLong("force-length"), parsing: .unconditional, help: "Total length in seconds, with --script.")
    var forceLength: Double?

    @Option(name: .customLong("section-properties"), help: "sectionProperties as JSON, with --script.")
    var sectionProperties: String?

    @Option(help: "Voice, with --script (default en-us).")
    var voice: String?

    @Option(name: .customLong("var"), help: "Personalisation: key=value (repeatable); overrides audience. A key the script never uses is a warning.")
    var variables: [String] = []

    @Flag(help: "Strict delivery: every warning (overflow, unused variable, loudness missed, ...) is an error; nothing is written.")
    var strict = false

    func validate() throws {
        if production == nil && script == nil { throw ValidationError("give a production file or --script S.txt") }
        if production != nil && script != nil { throw ValidationError("give a production file or --script, not both") }
        if production != nil && (template != nil || forceLength != nil || sectionProperties != nil || voice != nil) {
            throw ValidationError("--template, --force-length, --section-properties and --voice go with --script; a production file sets them itself")
        }
    }

    /// The request, with everything the environment supplies.
    func request() throws -> RenderRequest {
        let (loaded, name) = try loadProduction()
        var request = RenderRequest(production: loaded, name: name, pool: .machine())
        for pair in variables {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw MixdownError.usage("--var '\(pair)': expected key=value")
            }
            request.variables[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        request.strict = strict
        request.cache = SpeechCache.standard()
        request.temporaryDirectory = temporaryDirectory()
        request.voices = voiceLibrary()
        request.templateLibraries = SoundTemplate.standardLibraries(environment: ProcessInfo.processInfo.environment,
                                                                    executable: executablePath,
                                                                    currentDirectory: FileManager.default.currentDirectoryPath)
        return request
    }

    /// A production file, or one assembled from --script and its options through the same
    /// strict decoder (so a bad --section-properties is reported like a bad production).
    func loadProduction() throws -> (Production, String) {
        if let production {
            return (try ProductionDecoder.load(path: production), URL(fileURLWithPath: production).deletingPathExtension().lastPathComponent)
        }
        guard let scriptPath = script else { throw MixdownError.usage("give a production file or --script S.txt") }
        let here = SourceLocation(file: "command line", line: 1, column: 1)
        var members: [(key: String, value: JSONNode)] = [("scriptFile", JSONNode(value: .string(scriptPath), location: here))]
        if let template { members.append(("soundTemplate", JSONNode(value: .string(template), location: here))) }
        if let forceLength { members.append(("forceLength", JSONNode(value: .number(forceLength), location: here))) }
        if let voice { members.append(("voice", JSONNode(value: .string(voice), location: here))) }
        if let sectionProperties {
            members.append(("sectionProperties", try JSONParser.parse(sectionProperties, file: "--section-properties")))
        }
        let cwd = FileManager.default.currentDirectoryPath
        let production = try ProductionDecoder.decode(JSONNode(value: .object(members), location: here), file: "command line", baseDirectory: cwd)
        return (production, URL(fileURLWithPath: scriptPath).deletingPathExtension().lastPathComponent)
    }
}
