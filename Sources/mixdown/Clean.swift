import ArgumentParser
import Foundation
import MixdownCore
import MixdownCleanup

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Clean a speech recording: take out hum and noise, and say what changed.",
        discussion: """
        The cleaned recording has the input's length to the sample and is written as a 24-bit
        WAV or FLAC at 48 kHz (mono stays mono). --cleanup takes the settings as JSON, e.g.
        '{"denoise": 0.6, "dehum": 50}'; keys: denoise (0-1, 0 is off), dehum ("auto", 50, 60
        or false). Without it: denoise 0.8, dehum "auto". docs/cleanup.md says how each works.
        """)

    @Argument(help: "The recording (any readable audio file).")
    var input: String

    @Option(name: .shortAndLong, help: "The cleaned recording (.wav or .flac).")
    var output: String

    @Option(help: ArgumentHelp("The clean-up settings as JSON (an object, or true).", valueName: "JSON"))
    var cleanup: String?

    @Option(help: ArgumentHelp("Write the before and after figures (JSON) here.", valueName: "R.json"))
    var report: String?

    func run() throws {
        let settings: CleanupSettings
        if let cleanup {
            guard let parsed = try CleanupSettings.parse(cleanup, name: "--cleanup") else {
                throw MixdownError.usage("--cleanup false cleans nothing: leave out the command, or give settings")
            }
            settings = parsed
        } else {
            settings = .standard
        }
        var request = CleanRequest(input: input, output: output, settings: settings, pool: WorkerPool.machine())
        request.temporaryDirectory = temporaryDirectory()
        let result = try CleaningFile.clean(request)
        printOutputs([result.output])
        let f = result.figures
        func db(_ v: Double) -> String { String(format: "%.1f", v) }
        print("noise floor \(db(f.noiseFloorBeforeDb)) -> \(db(f.noiseFloorAfterDb)) dBFS")
        if let hz = f.humFrequency, let before = f.humBeforeDb, let after = f.humAfterDb {
            print("hum at \(String(format: "%.2f", hz)) Hz: \(db(before)) -> \(db(after)) dBFS")
        } else if settings.dehum != .off {
            print("no hum found")
        }
        if let report {
            let data = try JSONOutput.encode(f, pretty: true)
            try data.write(to: URL(fileURLWithPath: report), options: .atomic)
        }
    }
}
