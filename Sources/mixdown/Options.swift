import ArgumentParser
import Foundation
import MixdownCore
import MixdownIO

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
    for o in outputs { print("\(o.path)  \(o.endFormat.rawValue)  \(o.samples) samples at \(o.sampleRate) Hz  \(o.bytes) bytes") }
}
