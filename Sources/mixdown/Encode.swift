import ArgumentParser
import Foundation
import MixdownCore
import MixdownIO
import MixdownDelivery

extension EndFormat: ExpressibleByArgument {
    public init?(argument: String) {
        guard let preset = EndFormat.preset(named: argument) else { return nil }
        self = preset
    }
    public static var allValueStrings: [String] { presets.map(\.name) }
}

struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode an existing master into delivery formats (the delivery step of a render).")

    @Argument(help: "The finished mix (any readable audio file).")
    var input: String

    @Option(name: .customLong("end-format"), help: "Delivery format; repeat for several. Default: from OUT's extension.")
    var endFormats: [EndFormat] = []

    @Option(name: .shortAndLong, help: "Output file; with several formats a folder or a stem of a name.")
    var output: String

    @Flag(help: "Print what was written as JSON.")
    var json = false

    func run() throws {
        var formats = endFormats
        if formats.isEmpty {
            let ext = URL(fileURLWithPath: output).pathExtension
            guard let format = EndFormat.forExtension(ext) else {
                throw MixdownError.usage("cannot tell the format from '\(output)': give --end-format (one of \(EndFormat.names))")
            }
            formats = [format]
        }
        var unique = [EndFormat]()
        for f in formats where !unique.contains(f) { unique.append(f) }

        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let paths = AudioEncoder.outputPaths(for: unique, output: output, inputStem: stem)
        try OutputTransaction.checkTargets(unique.map { paths[$0]! }, creating: OutputTransaction.folderToMake(output))
        let pool = WorkerPool.machine()
        let mix = try AudioDecoder.decodeForMix(input, pool: pool)

        let transaction = OutputTransaction()
        if let folder = OutputTransaction.folderToMake(output) { try transaction.makeFolder(folder) }
        let outputs = try Delivery.encodeAsIs(BufferSource(mix), as: unique, to: paths, in: transaction, pool: pool)
        try transaction.commit()

        if json {
            print(String(decoding: try JSONOutput.encode(outputs, pretty: true), as: UTF8.self))
        } else {
            for o in outputs {
                print("\(o.path)  \(o.endFormat.name)  \(o.sampleRate) Hz  \(o.channels) ch  \(o.samples) samples  \(o.bytes) bytes")
            }
        }
    }
}
