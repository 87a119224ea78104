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

        Warnings (a section's copy fitted to its span, a variable the script never uses, the \
        loudness target missed, ...) are printed on stderr and kept in the report; with --strict \
        (or "strict": true in the production) each is an error and nothing is written. \
        `mixdown plan` shows the timeline before any rendering.
        """)

    @OptionGroup var input: ProductionInput

    @Option(name: .shortAndLong, help: "Output file; with several formats a folder or a stem of a name.")
    var output: String?

    @OptionGroup var reports: ReportOptions

    @Option(help: "Write speech.wav, music.wav and mix.wav (48 kHz float) into this folder.")
    var stems: String?

    @Option(name: .customLong("end-format"), help: "Delivery format (repeatable); overrides the production's endFormat.")
    var endFormats: [EndFormat] = []

    @Option(help: "Write word-timed captions (srt or vtt) beside the output.")
    var captions: CaptionFormat?

    @OptionGroup var maxDuration: MaxDurationOption

    @Flag(help: "Print the report on stdout.")
    var json = false

    func run() throws {
        var request = try input.request()
        request.output = output
        request.endFormats = endFormats
        request.reportPath = reports.report
        request.reportPagePath = reports.reportHTML
        request.stemsDirectory = stems
        request.captions = captions
        request.maximumDuration = maxDuration.seconds
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
            for w in result.warnings { printWarning(w.message) }
        }
    }
}
