import Foundation
import MixdownCore
import MixdownIO
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownRender
import MixdownReport

/// One production rendered once per row of an audience (docs/batch.md), in one process: the
/// template is decoded once, speech that no row changes is synthesised once (the first row
/// renders alone and fills the speech cache; the others find it there), and rows render side
/// by side on `jobs` threads that share one worker pool sized so the machine's cores are not
/// oversubscribed. A bad row fails alone; every finished row gets its manifest line at once,
/// so a killed batch, run again, goes on where it stopped.
public struct BatchRequest: Sendable {
    public var production: Production
    public var audience: Audience
    /// Where the files and `manifest.jsonl` go.
    public var directory: String
    /// Overrides the production's `endFormat` when not empty.
    public var endFormats: [EndFormat] = []
    /// Rows rendering at once.
    public var jobs: Int
    /// This process takes the rows whose index (row − 1) is `shard.index` modulo `shard.count`.
    public var shard = (index: 0, count: 1)
    /// Finished speech between rows (and batches). When off, the batch keeps its own in
    /// `DIR/.mixdown-speech` until every row is done.
    public var cache = SpeechCache(directory: nil)
    public var temporaryDirectory = "/tmp"
    public var templateLibraries: [String] = []
    /// Piper, hibari and Pico voices, spoken by processes kept for the whole batch (models stay loaded).
    public var voices: VoiceLibrary?
    public var templates = TemplateCache()
    public var maximumDuration = Limits.maximumProgrammeSeconds
    /// Strict delivery (`--strict`): a row with a warning fails; what warns for every row (an
    /// unused column) fails the batch before any speech.
    public var strict = false
    /// The cores the batch may use in all.
    public var cores: Int
    /// What the production is made of beyond its rows (its file, its script): a row is done
    /// again when this changed.
    public var fingerprint: String

    public init(production: Production, audience: Audience, directory: String, jobs: Int, cores: Int, fingerprint: String) {
        (self.production, self.audience, self.directory, self.jobs, self.cores, self.fingerprint) = (production, audience, directory, jobs, cores, fingerprint)
    }
}

/// How far a batch has got (the rows of this shard).
public struct BatchProgress: Sendable {
    public var rows: Int
    /// Rows finished in this run, and of those the failed ones.
    public var finished: Int
    public var failed: Int
    /// Rows done by an earlier run and skipped.
    public var skipped: Int
    /// Seconds since the first render started.
    public var seconds: Double
}

public struct BatchSummary: Sendable {
    public var rows: Int
    public var succeeded: Int
    /// Of the rows that succeeded in this run, those whose render warned (their manifest lines
    /// say what).
    public var withWarnings: Int
    /// What the batch's first check found for every row (an unused column): said once.
    public var warnings: [RenderReport.Warning]
    public var skipped: Int
    /// Row numbers that failed, in order.
    public var failed: [Int]
    public var manifest: String
    public var seconds: Double
}

public final class BatchRunner: Sendable {
    private struct State {
        var cancelled = false
        var controls = [Int: RenderControl]()
        var progress = BatchProgress(rows: 0, finished: 0, failed: 0, skipped: 0, seconds: 0)
        var failed = [Int]()
        var withWarnings = 0
        var fatal: Error?
    }
    private let state = Locked(State())

    public init() {}

    /// Stops the batch: rows rendering now are cancelled (no line, no file), no new row starts.
    public func cancel() {
        let controls = state.withLock { s -> [RenderControl] in
            s.cancelled = true
            return Array(s.controls.values)
        }
        controls.forEach { $0.cancel() }
    }

    /// Renders every row of the shard not already done. Throws only for what stops the whole
    /// batch (the production cannot render for any row, the folder cannot be written).
    public func run(_ request: BatchRequest, progress: @escaping @Sendable (BatchProgress) -> Void = { _ in }) throws -> BatchSummary {
        let directory = request.directory
        let created = try Self.prepareFolder(directory)
        let pool = WorkerPool(width: max(1, request.cores - request.jobs + 1))
        var rowBase = RenderRequest(production: request.production, name: "batch", pool: pool)
        rowBase.endFormats = request.endFormats
        rowBase.cache = request.cache
        rowBase.temporaryDirectory = request.temporaryDirectory
        rowBase.templateLibraries = request.templateLibraries
        rowBase.voices = request.voices
        rowBase.templates = request.templates
        rowBase.maximumDuration = request.maximumDuration
        rowBase.variablesOrigin = "CSV column"
        rowBase.strict = request.strict
        let ownCache = request.cache.directory == nil
        if ownCache { rowBase.cache = SpeechCache(directory: directory + "/.mixdown-speech") }

        // What fails for every row fails the batch, before any speech: each column set to a
        // stand-in value, the rest as a row would render.
        var probe = rowBase
        probe.variables = Dictionary(uniqueKeysWithValues: request.audience.columns.filter { $0 != "id" }.map { ($0, "x") })
        probe.output = directory + "/probe"
        let shared: [RenderReport.Warning]
        do {
            shared = try Pipeline.check(probe).warnings
        } catch {
            if created { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
        let manifest = try Manifest(directory: directory)

        let shard = request.audience.variants.filter { ($0.row - 1) % request.shard.count == request.shard.index }
        let done = manifest.done()
        let hashes = shard.map { Self.inputHash($0, fingerprint: request.fingerprint) }
        var pending = [(Audience.Variant, String)]()
        var skipped = 0
        for (variant, hash) in zip(shard, hashes) {
            if done[variant.row] == hash { skipped += 1 } else { pending.append((variant, hash)) }
        }
        state.withLock { $0.progress = BatchProgress(rows: shard.count, finished: 0, failed: 0, skipped: skipped, seconds: 0) }
        let started = Date()
        progress(state.withLock { $0.progress })

        // Row i of `rows`: rendered, its line appended, progress passed on.
        let rows = pending, base = rowBase
        let one: @Sendable (Int) -> Void = { [self] i in
            let (variant, hash) = rows[i]
            let line = render(variant, hash: hash, base: base, directory: directory)
            let snapshot: BatchProgress? = state.withLock { s in
                guard let line, s.fatal == nil else { return nil }
                do { try manifest.append(line) } catch { s.fatal = error; return nil }
                s.progress.finished += 1
                if line.status == .failed { s.progress.failed += 1; s.failed.append(line.row) }
                if line.status == .ok && !line.warnings.isEmpty { s.withWarnings += 1 }
                s.progress.seconds = Date().timeIntervalSince(started)
                return s.progress
            }
            if let snapshot { progress(snapshot) }
        }
        // The first row alone fills the speech cache with what every row shares; then `jobs`
        // threads take the others in order.
        if !rows.isEmpty { one(0) }
        let next = Locked(1)
        let group = DispatchGroup()
        for _ in 0..<max(0, min(request.jobs, rows.count - 1)) {
            DispatchQueue.global().async(group: group) { [self] in
                while !state.withLock({ $0.cancelled || $0.fatal != nil }) {
                    guard let i = next.withLock({ n -> Int? in
                        guard n < rows.count else { return nil }
                        n += 1
                        return n - 1
                    }) else { return }
                    one(i)
                }
            }
        }
        group.wait()

        let final = state.withLock { $0 }
        if let fatal = final.fatal { throw fatal }
        if final.cancelled { throw MixdownError.cancelled }
        if ownCache && final.failed.isEmpty { try? FileManager.default.removeItem(atPath: directory + "/.mixdown-speech") }
        return BatchSummary(rows: shard.count, succeeded: final.progress.finished - final.progress.failed, withWarnings: final.withWarnings,
                            warnings: shared, skipped: skipped,
                            failed: final.failed.sorted(), manifest: manifest.path, seconds: Date().timeIntervalSince(started))
    }

    /// One row: its manifest line, or nil when the batch was cancelled under it.
    private func render(_ variant: Audience.Variant, hash: String, base: RenderRequest, directory: String) -> Manifest.Line? {
        let started = Date()
        var line = Manifest.Line(row: variant.row, id: variant.id, status: .failed, outputs: [], durationSamples: nil, warnings: [],
                                 error: nil, code: nil, path: nil, inputHash: hash, seconds: 0)
        do {
            if let problem = variant.problem { throw problem }
            var request = base
            request.name = variant.id
            request.variables = variant.variables
            request.output = directory + "/" + variant.id
            let control = RenderControl()
            let cancelled = state.withLock { s -> Bool in
                s.controls[variant.row] = control
                return s.cancelled
            }
            defer { _ = state.withLock { $0.controls.removeValue(forKey: variant.row) } }
            if cancelled { return nil }
            request.control = control
            let report = try Pipeline.render(request)
            line.status = .ok
            line.outputs = report.outputs.map { o in
                var relative = o
                relative.path = URL(fileURLWithPath: o.path).lastPathComponent
                return relative
            }
            line.durationSamples = report.totalSamples
            line.warnings = report.warnings
        } catch let error as MixdownError {
            if error.kind == .cancelled { return nil }
            (line.error, line.code, line.path) = (error.message, error.code, error.path)
        } catch {
            (line.error, line.code) = ("\(error)", .internalError)
        }
        line.seconds = Date().timeIntervalSince(started)
        return line
    }

    /// The output folder, made if missing (true), and writable (a probe file made and removed).
    static func prepareFolder(_ directory: String) throws -> Bool {
        var info = stat()
        if lstat(directory, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK {
                guard stat(directory, &info) == 0 else { throw MixdownError.badInput("\(directory): a broken symbolic link", code: .outputNotWritable) }
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw MixdownError.badInput("\(directory): -o names a file; a batch writes into a folder", code: .outputNotWritable)
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw MixdownError.badInput("\(directory): cannot create the folder", code: .outputNotWritable)
            }
            return true
        }
        try OutputTransaction.checkWritableFolder(directory, for: directory)
        OutputTransaction.sweepAbandoned(in: directory)
        return false
    }

    /// What made a row: the production's fingerprint, the row's id and cells.
    static func inputHash(_ variant: Audience.Variant, fingerprint: String) -> String {
        SHA256.hex(([fingerprint, variant.id] + variant.cells).joined(separator: "\u{1F}"))
    }
}
