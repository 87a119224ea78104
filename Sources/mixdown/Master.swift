import ArgumentParser
import Foundation
import MixdownCore
import MixdownScript
import MixdownDelivery
import MixdownMasterFile

struct Master: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Master a finished mix to a loudness target under a true-peak ceiling, and deliver it.")

    @Argument(help: "The mix to master (any readable audio file).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file; with several formats a folder or a stem of a name.")
    var output: String

    @Option(help: "streaming (clean, dynamic), loud (dense, punchy, controlled distortion) or reference (match --reference).")
    var preset: MasterRequest.Preset = .streaming

    @Option(help: "With --preset reference: the track whose tonal balance and loudness to match.")
    var reference: String?

    @Option(name: .customLong("end-format"), help: "Delivery format (repeatable). Default: from OUT's extension.")
    var endFormats: [EndFormat] = []

    @Option(name: .customLong("loudness-preset"), help: "streaming, podcast, ebu-r128, broadcast, atsc-a85.")
    var loudnessPreset: String?

    @Option(name: .customLong("target-lufs"), parsing: .unconditional, help: "Integrated loudness target (overrides the preset).")
    var targetLufs: Double?

    @Option(name: .customLong("true-peak"), parsing: .unconditional, help: "True-peak ceiling in dBTP (overrides the preset).")
    var truePeak: Double?

    @Option(help: ArgumentHelp("Clean the mix first, as a speech recording: --cleanup alone for the standard settings, or --cleanup=JSON (docs/cleanup.md).", valueName: "JSON"))
    var cleanup: String?

    @OptionGroup var reports: ReportOptions

    func run() throws {
        var formats = endFormats
        if formats.isEmpty {
            guard let f = EndFormat.forExtension(URL(fileURLWithPath: output).pathExtension) else {
                throw MixdownError.usage("cannot tell the format from '\(output)': give --end-format (one of \(EndFormat.names))")
            }
            formats = [f]
        }
        var request = MasterRequest(input: input, output: output, endFormats: formats, pool: WorkerPool.machine())
        request.preset = preset
        request.reference = reference
        if let name = loudnessPreset {
            guard let p = LoudnessPreset(rawValue: name) else {
                throw MixdownError.usage("--loudness-preset: unknown value '\(name)' (one of \(LoudnessPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            request.loudnessPreset = p
        }
        request.targetLufs = targetLufs
        request.truePeak = truePeak
        if let cleanup { request.cleanup = try CleanupSettings.parse(cleanup, name: "--cleanup") }
        request.reportPath = reports.report
        request.reportPagePath = reports.reportHTML
        request.temporaryDirectory = temporaryDirectory()
        let result: Mastering.Result
        do {
            result = try Mastering.master(request)
        } catch var error as MixdownError where error.kind == .usage && error.keyPath != nil {
            // The engine names a setting as the API does; here it is an option.
            let options = ["reference": "--reference", "endFormat": "--end-format", "targetLufs": "--target-lufs", "truePeak": "--true-peak"]
            error.keyPath = error.keyPath.map { options[$0] ?? $0 }
            throw error
        }
        printOutputs(result.outputs)
        for w in result.warnings { printWarning("\(w)") }
    }
}

extension MasterRequest.Preset: ExpressibleByArgument {}
