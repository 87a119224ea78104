import ArgumentParser
import Foundation
import MixdownSpeech
import MixdownCore
import MixdownScript
import MixdownTemplates
import MixdownDelivery
import MixdownRender
import MixdownReport

extension CaptionFormat: ExpressibleByArgument {}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a production (or a bare script) to finished, mastered audio.",
        discussion: """
        mixdown render PRODUCTION.json [-o OUT] [--report R.json] [--report-html R.html] [--stems DIR] [--var k=v]... [--end-format F]...
        mixdown render --script S.txt [--template NAME] [--force-length S] [--section-properties JSON] [...]
        """)

    @Argument(help: "The production file (JSON; see docs/script-and-production.md).")
    var production: String?

    @Option(help: "Render a script file without a production file.")
    var script: String?

    @Option(help: "Sound template (name or folder), with --script.")
    var template: String?

    @Option(name: .customLong("force-length"), parsing: .unconditional, help: "Total length in seconds, with --script.")
    var forceLength: Double?

    @Option(name: .customLong("section-properties"), help: "sectionProperties as JSON, with --script.")
    var sectionProperties: String?

    @Option(help: "Voice, with --script (default en-us).")
    var voice: String?

    @Option(name: .shortAndLong, help: "Output file; with several formats a folder or a stem of a name.")
    var output: String?

    @OptionGroup var reports: ReportOptions

    @Option(help: "Write speech.wav, music.wav and mix.wav (48 kHz float) into this folder.")
    var stems: String?

    @Option(name: .customLong("var"), help: "Personalisation: key=value (repeatable); overrides audience.")
    var variables: [String] = []

    @Option(name: .customLong("end-format"), help: "Delivery format (repeatable); overrides the production's endFormat.")
    var endFormats: [EndFormat] = []

    @Option(help: "Write word-timed captions (srt or vtt) beside the output.")
    var captions: CaptionFormat?

    @OptionGroup var maxDuration: MaxDurationOption

    @Flag(help: "Print the report on stdout.")
    var json = false

    func validate() throws {
        if production == nil && script == nil { throw ValidationError("give a production file or --script S.txt") }
        if production != nil && script != nil { throw ValidationError("give a production file or --script, not both") }
        if production != nil && (template != nil || forceLength != nil || sectionProperties != nil || voice != nil) {
            throw ValidationError("--template, --force-length, --section-properties and --voice go with --script; a production file sets them itself")
        }
    }

    func run() throws {
        let (loaded, name) = try loadProduction()
        var request = RenderRequest(production: loaded, name: name, pool: .machine())
        for pair in variables {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw MixdownError.usage("--var '\(pair)': expected key=value")
            }
            request.variables[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        request.output = output
        request.endFormats = endFormats
        request.reportPath = reports.report
        request.reportPagePath = reports.reportHTML
        request.stemsDirectory = stems
        request.captions = captions
        // The environment is read here, at the edge, and handed to the engine.
        request.cache = SpeechCache.standard()
        request.temporaryDirectory = temporaryDirectory()
        request.maximumDuration = maxDuration.seconds
        request.piper = piperLibrary()
        request.templateLibraries = SoundTemplate.standardLibraries(environment: ProcessInfo.processInfo.environment,
                                                                    executable: executablePath,
                                                                    currentDirectory: FileManager.default.currentDirectoryPath)
        let onTerminal = isatty(STDERR_FILENO) == 1 && !json
        if onTerminal {
            request.control = RenderControl { event in
                let percent = Int(event.overall * 100)
                FileHandle.standardError.write(Data("\u{1B}[2K\rmixdown: \(event.stage.rawValue)… \(percent)%".utf8))
            }
        }
        let result = try Pipeline.render(request)
        if onTerminal { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
        if json {
            print(String(decoding: try result.json(), as: UTF8.self))
        } else {
            printOutputs(result.outputs)
            for w in result.warnings { FileHandle.standardError.write(Data("mixdown: warning: \(w.message)\n".utf8)) }
        }
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
