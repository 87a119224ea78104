import Foundation
import MixdownCore
import MixdownIO
import MixdownScript
import MixdownSpeech
import MixdownTemplates
import MixdownCatalog
import MixdownRender
import MixdownStorage

/// What the operator sets (`mixdown serve` / `mixdown worker` options).
public struct ServiceConfiguration: Sendable {
    /// This process's own folder: (with SQLite) the database, renders in progress, temporary
    /// files, previews, and with S3 storage its cache of fetched objects. With the local
    /// storage it also holds media and job files, and must then be shared by every machine of
    /// one PostgreSQL queue.
    public var dataDirectory: String
    /// Where uploads, job files and keys' templates live (`--storage`); nil: `dataDirectory`.
    public var storage: (any ObjectStorage)?
    /// Renders at once in this process.
    public var workers: Int
    /// How long a claimed job stays this worker's without a renewal (renewed every third of it).
    public var leaseSeconds = 30.0
    public var maxUploadBytes = 256 << 20
    public var maxProductionBytes = Limits.maximumTextBytes
    public var maxBatchRows = 10_000
    public var templateLibraries: [String]
    /// Speech engines a production may name (`"speechEngine": "NAME"`).
    public var engines: [String: ExternalEngine] = [:]
    public var speechCache: SpeechCache
    /// The server's Piper, hibari and Pico voices (by id; no model paths), nil: espeak-ng only.
    public var voices: VoiceLibrary?
    public var temporaryDirectory: String
    public var maximumDuration = Limits.maximumProgrammeSeconds
    /// This process in the queue's `worker` column: host and process id.
    public var workerName: String
    /// Where webhooks may go (`--webhook-allow`).
    public var webhookPolicy = WebhookPolicy()
    /// Where the request log goes: one JSON line per request (`RequestLog`); nil logs nothing.
    public var requestLog: (@Sendable (String) -> Void)?

    public init(dataDirectory: String, workers: Int, templateLibraries: [String], speechCache: SpeechCache, temporaryDirectory: String) {
        (self.dataDirectory, self.workers, self.templateLibraries, self.speechCache, self.temporaryDirectory) =
            (dataDirectory, workers, templateLibraries, speechCache, temporaryDirectory)
        workerName = "\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }
}

/// The service: the store, the engine's shared resources (one worker pool, one template
/// cache) and the jobs this process is rendering. `router()` answers HTTP; `work()` renders
/// queued jobs until cancelled. `mixdown serve` runs both, `mixdown worker` only `work()`.
public final class MixdownService: Sendable {
    public let store: any JobStore
    public let configuration: ServiceConfiguration
    /// `configuration.storage`, or the data folder.
    let storage: any ObjectStorage
    let pool: WorkerPool
    let templates = TemplateCache()
    let metrics = ServiceMetrics()
    /// Jobs rendering in this process, so that a DELETE answered here stops them at once.
    let rendering = Locked([String: RenderControl]())

    public init(store: any JobStore, configuration: ServiceConfiguration) throws {
        self.store = store
        self.configuration = configuration
        storage = configuration.storage ?? LocalStorage(folder: configuration.dataDirectory)
        pool = WorkerPool.machine()
        for folder in ["media", "jobs", "tmp", "templates"] {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory + "/" + folder, withIntermediateDirectories: true)
        }
    }

    /// The server's templates by name (first found wins, as for the CLI).
    var templateFolders: [(name: String, path: String)] { Catalog.templateFolders(libraries: configuration.templateLibraries) }

    /// The templates `key` added (`POST /v1/templates`): `templates/<key>/` under the data
    /// folder, which every process of a PostgreSQL deployment shares. The folder is named by
    /// the SHA-256 of the key's name (its first 32 hex digits): a name may hold `.`, never a path.
    func keyLibrary(_ key: String) -> String {
        configuration.dataDirectory + "/" + keyLibraryKey(key)
    }

    /// The storage's prefix of a key's templates (the same path under the data folder).
    func keyLibraryKey(_ key: String) -> String { "templates/" + String(SHA256.hex(key).prefix(32)) }

    /// Brings this process's copy of the key's templates up to date with the storage (with S3,
    /// another server may have added or replaced one; with the local folder it is the storage).
    func syncKeyLibrary(_ key: String) async throws {
        do {
            try await storage.mirror(prefix: keyLibraryKey(key), into: keyLibrary(key))
        } catch let error as StorageError {
            throw APIError(.serviceUnavailable, "storageError", "the key's templates cannot be read from storage: \(error.description)")
        }
    }

    /// A local file with an upload's bytes (with S3, fetched once into this process's cache).
    func localMedia(_ record: MediaRecord) async throws -> String {
        let path: String?
        do { path = try await storage.localFile(record.path) } catch let error as StorageError {
            throw APIError(.serviceUnavailable, "storageError", "media '\(record.id)' cannot be read from storage: \(error.description)")
        }
        guard let path else { throw APIError(.unprocessableContent, "unknownMedia", "media '\(record.id)' is gone from storage") }
        return path
    }

    /// The production gate for `key`, its templates brought up to date first.
    func gate(for key: String) async throws -> ProductionGate {
        try await syncKeyLibrary(key)
        let store = store
        return ProductionGate(media: { try await store.media(id: $0, key: key) }, localFile: { try await self.localMedia($0) },
                              dataDirectory: configuration.dataDirectory,
                              engines: configuration.engines, templateNames: templateFolders.map(\.name),
                              keyTemplates: Dictionary(Catalog.templateFolders(libraries: [keyLibrary(key)]).map { ($0.name, $0.path) }) { first, _ in first },
                              webhookPolicy: configuration.webhookPolicy)
    }

    /// A render request for `production` with a row's `variables`, writing into `folder`.
    func renderRequest(_ production: Production, variables: [String: String], folder: String) -> RenderRequest {
        var request = RenderRequest(production: production, name: Self.outputName, pool: pool)
        request.variables = variables
        request.variablesOrigin = "variables"
        request.output = folder + "/"
        request.cache = configuration.speechCache
        request.voices = configuration.voices
        request.temporaryDirectory = configuration.temporaryDirectory
        request.templateLibraries = configuration.templateLibraries
        request.templates = templates
        request.maximumDuration = configuration.maximumDuration
        request.reportPagePath = folder + "/" + Self.reportPage
        request.reportPagePlayer = Self.servedPlayer
        return request
    }

    /// The stem of a job's files: `audio.mp3`, `audio.stems/`, `audio.srt`.
    static let outputName = "audio"
    /// The visual report, beside a job's outputs; served at `/v1/productions/{id}/report.html`.
    static let reportPage = "report.html"
    /// From that URL, the page's player plays `outputs/{endFormat}` of the same job.
    static let servedPlayer: @Sendable (EncodedOutput) -> String = { "outputs/\($0.endFormat.name)" }

    // MARK: Rendering queued jobs

    /// Runs `configuration.workers` claim loops (none for 0) until the task is cancelled.
    public func work() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<configuration.workers {
                group.addTask { await self.claimLoop() }
            }
        }
    }

    func claimLoop() async {
        while !Task.isCancelled {
            do {
                if let job = try await store.claim(worker: configuration.workerName, leaseSeconds: configuration.leaseSeconds) {
                    await render(job)
                } else {
                    try await Task.sleep(for: .milliseconds(150))
                }
            } catch is CancellationError {
                return
            } catch {
                try? await Task.sleep(for: .seconds(1))   // the database is away: try again
            }
        }
    }

    /// The job's files of this attempt: `jobs/ID/N/`. A second attempt (after a lost lease)
    /// writes its own folder, so two workers never write the same file.
    func attemptFolder(_ job: JobRecord) -> String { "jobs/\(job.id)/\(job.attempts)" }

    func render(_ job: JobRecord) async {
        let started = Date()
        let relative = attemptFolder(job)
        let folder = configuration.dataDirectory + "/" + relative
        let progress = Locked(0.0)
        let control = RenderControl { event in progress.withLock { $0 = event.overall } }
        rendering.withLock { $0[job.id] = control }
        defer { _ = rendering.withLock { $0.removeValue(forKey: job.id) } }

        // The lease is renewed while the render runs; a job no longer ours (cancelled, or
        // taken after a stall) is stopped.
        let store = store, configuration = configuration
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(configuration.leaseSeconds / 3))
                if Task.isCancelled { return }
                if let owned = try? await store.renew(id: job.id, worker: configuration.workerName, leaseSeconds: configuration.leaseSeconds,
                                                      progress: progress.withLock { $0 }), !owned {
                    control.cancel()
                    return
                }
            }
        }
        // Earlier attempts (a worker that died or stalled, maybe mid-upload) leave no files
        // behind, here or in the storage.
        for earlier in 1..<max(1, job.attempts) {
            try? FileManager.default.removeItem(atPath: configuration.dataDirectory + "/jobs/\(job.id)/\(earlier)")
            try? await storage.delete(prefix: "jobs/\(job.id)/\(earlier)/")
        }
        var outcome: JobOutcome
        do {
            let work = try await admit(job)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let done: (report: String, outputs: [EncodedOutput])
            switch work {
            case .production(let production, let variables):
                var request = renderRequest(production, variables: variables, folder: folder)
                request.control = control
                let ready = request
                let report = try await Self.onThread { try Pipeline.render(ready) }
                done = (String(decoding: try report.json(), as: UTF8.self), report.outputs)
            case .master(let settings):
                done = try await master(settings, job: job, folder: folder, control: control)
            }
            // Published before the job is said done: a client told `succeeded` finds every file.
            do {
                try await storage.put(folder: folder, prefix: relative, consume: true)
                // With a bucket, the job's local folder is now empty: gone too.
                rmdir(configuration.dataDirectory + "/jobs/\(job.id)")
            } catch let error as StorageError {
                throw MixdownError.failure("the outputs cannot be stored: \(error.description)", code: .internalError)
            }
            let outputs = done.outputs.map {
                StoredOutput(endFormat: $0.endFormat.name, file: relative + "/" + URL(fileURLWithPath: $0.path).lastPathComponent, bytes: $0.bytes)
            }
            outcome = JobOutcome(state: .succeeded, report: done.report, outputs: JSONText.string(outputs))
        } catch let error as MixdownError {
            outcome = JobOutcome(state: error.kind == .cancelled ? .cancelled : .failed, error: JSONText.string(ErrorObject(error)))
        } catch let error as APIError {
            outcome = JobOutcome(state: .failed, error: JSONText.string(error.object))
        } catch {
            outcome = JobOutcome(state: .failed, error: JSONText.string(ErrorObject(MixdownError.failure("\(error)", code: .internalError))))
        }
        renewal.cancel()
        let finished = (try? await store.finish(id: job.id, worker: configuration.workerName, outcome: outcome)) ?? false
        if !finished || outcome.state != .succeeded {
            // Cancelled, failed, or no longer ours: this attempt's files go.
            try? FileManager.default.removeItem(atPath: folder)
            try? await storage.delete(prefix: relative + "/")
        }
        if finished {
            metrics.finished(outcome.state, seconds: Date().timeIntervalSince(started))
            if let hook = job.webhook, let current = try? await store.job(id: job.id, key: job.key) {
                let body = JSONText.encode(JobStatus(current))
                let key = job.key, policy = configuration.webhookPolicy
                Task {
                    // The key's secret at each try: a rotation takes effect at once.
                    await Webhook.deliver(hook, body: body, secret: { try? await store.webhookSecret(key: key, rotate: false) }, policy: policy)
                    try? await store.forgetWebhook(id: job.id)
                }
            }
        }
    }

    /// What a job renders, its spec admitted again (media may have gone since it was queued).
    enum Work {
        /// A production with a batch row's variables.
        case production(Production, [String: String])
        /// `POST /v1/master`.
        case master(MasterJob)
    }

    /// A job's spec back to its work: a production goes through the gate again.
    func admit(_ job: JobRecord) async throws -> Work {
        guard let spec = JobSpec(text: job.spec) else { throw MixdownError.failure("job \(job.id): its spec cannot be read") }
        switch spec {
        case .master(let settings):
            return .master(settings)
        case .production(let work):
            let production = try await gate(for: job.key).admit(try work.production.node(file: "production"), file: "production")
            return .production(production.production, work.variables)
        }
    }

    /// Runs blocking engine work on a thread of its own, off the concurrency pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
