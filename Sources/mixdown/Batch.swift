import ArgumentParser
import Foundation
import MixdownBatch
import MixdownCore
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownDelivery

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a production once per row of a CSV file (personalised variants).",
        discussion: """
        mixdown batch PRODUCTION.json --audience ROWS.csv -o DIR [--jobs N] [--shard I/N] [--end-format F]...

        ROWS.csv has a header of variable names and one row per variant; an optional `id` column \
        names each variant's files (DIR/<id>.<ext>; default the row number, 00001). \
        DIR/manifest.jsonl gets a line per row as it finishes. A bad row fails alone. Run the same \
        command again after a failure or a kill: rows already done are skipped. Exit 0 when \
        every row succeeded, 1 otherwise. See docs/batch.md.
        """)

    @Argument(help: "The production file (JSON); its script uses the CSV's columns as {{variables}}.")
    var production: String

    @Option(help: "The rows: CSV with a header of variable names (UTF-8, RFC 4180).")
    var audience: String

    @Option(name: .shortAndLong, help: "The folder for the variants' files and manifest.jsonl.")
    var output: String

    @Option(help: "Rows rendering at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: "I/N: render only the rows whose index (row - 1) is I modulo N, to share a batch among N machines.")
    var shard: String?

    @Option(name: .customLong("end-format"), help: "Delivery format (repeatable); overrides the production's endFormat.")
    var endFormats: [EndFormat] = []

    @OptionGroup var maxDuration: MaxDurationOption

    @Flag(help: "Strict delivery: a row whose render warns fails; a column the script never uses fails the batch before any speech.")
    var strict = false

    func validate() throws {
        if let jobs, !(1...64).contains(jobs) { throw ValidationError("--jobs must be 1 to 64") }
        _ = try shardParts()
    }

    /// `I/N` with 0 ≤ I < N.
    func shardParts() throws -> (index: Int, count: Int) {
        guard let shard else { return (0, 1) }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 1_000_000, i >= 0, i < n else {
            throw ValidationError("--shard takes I/N with 0 <= I < N (e.g. 0/4 ... 3/4), got '\(MixdownError.excerpt(shard))'")
        }
        return (i, n)
    }

    func run() throws {
        let loaded = try ProductionDecoder.load(path: production)
        let rows = try Audience.load(path: audience)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // A row is redone when the production file, its script or the formats changed.
        let text = FileManager.default.contents(atPath: production).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let fingerprint = SHA256.hex([text, loaded.script.text, endFormats.map(\.name).joined(separator: ",")].joined(separator: "\u{1E}"))
        var request = BatchRequest(production: loaded, audience: rows, directory: output, jobs: jobs ?? cores, cores: cores, fingerprint: fingerprint)
        request.shard = try shardParts()
        request.endFormats = endFormats
        request.cache = SpeechCache.standard()
        request.temporaryDirectory = temporaryDirectory()
        request.templateLibraries = SoundTemplate.standardLibraries(environment: ProcessInfo.processInfo.environment,
                                                                    executable: executablePath,
                                                                    currentDirectory: FileManager.default.currentDirectoryPath)
        request.maximumDuration = maxDuration.seconds
        request.voices = voiceLibrary()
        request.strict = strict

        let bar = isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        let summary = try BatchRunner().run(request) { bar?.show($0) }
        bar?.clear()

        let rate = summary.seconds > 0 ? Double(summary.succeeded + summary.failed.count) / summary.seconds : 0
        let before = summary.skipped > 0 ? ", \(summary.skipped) done before" : ""
        // What warns for every row (a column the script never uses) is said once, here.
        for w in summary.warnings { printWarning(w.message) }
        let warned = summary.withWarnings > 0 ? " (\(summary.withWarnings) with warnings, in the manifest)" : ""
        let counts = "batch: \(summary.rows) row\(summary.rows == 1 ? "" : "s"): \(summary.rows - summary.failed.count) ok\(warned), \(summary.failed.count) failed"
        if summary.failed.isEmpty {
            print(String(format: "%@%@ (%d rendered in %.1f s, %.2f rows/s); manifest %@", counts, before,
                         summary.succeeded, summary.seconds, rate, summary.manifest))
        } else {
            let listed = summary.failed.prefix(10).map(String.init).joined(separator: ", ") + (summary.failed.count > 10 ? ", …" : "")
            FileHandle.standardError.write(Data("mixdown: \(counts) (row\(summary.failed.count == 1 ? "" : "s") \(listed))\(before); the reasons are in \(summary.manifest)\n".utf8))
            throw ExitCode.badInput
        }
    }
}

/// `[██████░░░░] 57/200 rows · 2.4/s · 1 failed · 0:59 left` on stderr, redrawn in place.
final class ProgressBar: Sendable {
    private let lock = NSLock()

    func show(_ p: BatchProgress) {
        let done = p.finished + p.skipped
        let width = 24
        let filled = p.rows > 0 ? width * done / p.rows : width
        var line = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] \(done)/\(p.rows) rows"
        if p.finished > 0 && p.seconds > 0 {
            let rate = Double(p.finished) / p.seconds
            let left = Int((Double(p.rows - done) / rate).rounded())
            line += String(format: " · %.2f/s · %d:%02d left", rate, left / 60, left % 60)
        }
        if p.failed > 0 { line += " · \(p.failed) failed" }
        lock.withLock { FileHandle.standardError.write(Data("\u{1B}[2K\r\(line)".utf8)) }
    }

    func clear() { lock.withLock { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) } }
}
