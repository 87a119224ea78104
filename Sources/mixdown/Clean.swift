import ArgumentParser
import Foundation
import MixdownCore
import MixdownCleanup

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Clean a speech recording: take out hum and noise, and say what changed.",
        discussion: """
        Without --cleanup the standard settings: denoise 0.8, dehum "auto",
        level on, declick on, pauses kept. --cleanup takes JSON: true, or an
        object of any of these keys (the rest stay standard), for example
        '{"denoise": 0.6, "dehum": 50, "trimPauses": 0.8}':
          denoise     0-1 (0 is off; 1 takes noise down by up to 30 dB)
          dehum       "auto", 50, 60 or false
          level       true/false: even the loudness from phrase to phrase
          trimPauses  seconds (0.1-60) or false: shorten longer pauses to it
          declick     true/false: repair mouth clicks

        The output is a 24-bit WAV or FLAC at 48 kHz (mono stays mono), as
        long as the input to the sample unless trimPauses shortened it. A step
        asked for that could not act (a named mains frequency not found, no
        phrases to level) is a warning on stderr. docs/cleanup.md says how
        each step works and what the figures mean.
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
        if let spread = f.loudnessSpreadBeforeLU, let after = f.loudnessSpreadAfterLU {
            print("phrase loudness spread \(db(spread)) -> \(db(after)) LU (\(f.phrases ?? 0) phrases)")
        }
        if settings.trimPauses != nil {
            print("pauses shortened \(f.pausesShortened), \(String(format: "%.2f", f.secondsRemoved)) s removed")
        }
        if settings.declick { print("clicks repaired \(f.clicksRemoved)") }
        for w in result.warnings { printWarning("cleanup: \(w)") }
        if let report {
            let data = try JSONOutput.encode(f, pretty: true)
            try data.write(to: URL(fileURLWithPath: report), options: .atomic)
        }
    }
}
