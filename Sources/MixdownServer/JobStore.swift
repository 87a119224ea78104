import Foundation

/// An API key as stored: its name, the SHA-256 of the key (never the key itself), and how many
/// jobs it may have queued or running at once.
public struct APIKeyRecord: Sendable, Equatable, Codable {
    public var name: String
    public var hash: String
    public var maxConcurrent: Int
    public var created: Double
    public var revoked: Bool
    public init(name: String, hash: String, maxConcurrent: Int, created: Double, revoked: Bool) {
        (self.name, self.hash, self.maxConcurrent, self.created, self.revoked) = (name, hash, maxConcurrent, created, revoked)
    }
}

/// An uploaded audio file, owned by one key.
public struct MediaRecord: Sendable, Equatable {
    public var id: String
    public var key: String
    public var name: String
    /// Relative to the data folder.
    public var path: String
    public var sampleRate: Int
    public var channels: Int
    public var durationSamples: Int
    public var created: Double
}

/// A new webhook signing secret: `whsec_` and 32 random bytes in hex.
func newWebhookSecret() -> String {
    var generator = SystemRandomNumberGenerator()
    return "whsec_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
}

/// What `deleteMedia` did.
public enum MediaDeletion: Sendable, Equatable {
    case deleted(MediaRecord)
    /// A queued or running job uses it.
    case inUse
    case notFound
}

public enum JobState: String, Sendable, Codable, CaseIterable {
    /// `deleted`: a finished job whose files its key deleted (`DELETE /v1/productions/{id}`).
    case queued, running, succeeded, failed, cancelled, deleted
    public var isFinal: Bool { self != .queued && self != .running }
}

/// One render: a production (with a batch row's variables), owned by one key.
public struct JobRecord: Sendable, Equatable {
    public var id: String
    public var key: String
    /// `{"production": {…}, "variables": {…}}` as the client sent it.
    public var spec: String
    public var state: JobState
    public var progress: Double
    /// The error object (`{"code", "message", "path"}`) of a failed job, as JSON.
    public var error: String?
    /// The render report, as JSON.
    public var report: String?
    /// `[{"endFormat", "file", "bytes"}]`, as JSON: the files in the job's folder.
    public var outputs: String?
    public var idempotencyKey: String?
    public var batch: String?
    public var webhook: String?
    public var worker: String?
    public var attempts: Int
    public var created: Double
    public var finished: Double?
    /// What the result cache knows this production by (`ResultCache.key`); nil when it opted out.
    public var cacheKey: String? = nil
    /// Answered from the cache: its files are an earlier job's (hard links), nothing rendered.
    public var cached = false
}

/// What a worker reports when a render ends.
public struct JobOutcome: Sendable {
    public var state: JobState
    public var error: String?
    public var report: String?
    public var outputs: String?
    public init(state: JobState, error: String? = nil, report: String? = nil, outputs: String? = nil) {
        (self.state, self.error, self.report, self.outputs) = (state, error, report, outputs)
    }
}

/// How many jobs are in each state, and how long the oldest queued one has waited (Prometheus).
public struct JobCounts: Sendable {
    public var byState: [JobState: Int]
    public var oldestQueuedSeconds: Double
}

/// The durable job queue and what it keeps (keys, media, jobs), behind one interface: SQLite
/// for one machine, PostgreSQL for many.
///
/// A job is claimed under a lease (`claim`), which its worker renews while it renders
/// (`renew`). A job whose lease ran out — its worker was killed or its machine lost — is
/// claimed again by the next worker that asks. `finish` succeeds only for the worker that
/// holds the lease of a running job, so every job ends exactly once.
public protocol JobStore: Sendable {
    /// Creates or upgrades the schema (run on every start; safe for several processes at once).
    func migrate() async throws

    func addKey(_ key: APIKeyRecord) async throws
    func keys() async throws -> [APIKeyRecord]
    /// False when no live key has that name.
    func revokeKey(name: String) async throws -> Bool
    /// The key's webhook signing secret (`whsec_…`), made on first use; `rotate` makes a new one.
    func webhookSecret(key: String, rotate: Bool) async throws -> String
    func key(hash: String) async throws -> APIKeyRecord?

    func addMedia(_ media: MediaRecord) async throws
    func media(id: String, key: String) async throws -> MediaRecord?
    /// The key's media, newest first (at most `limit`).
    func mediaList(key: String, limit: Int) async throws -> [MediaRecord]
    /// Deletes the key's media `id` unless a queued or running job of the key names it; what
    /// happened, with the record when it was deleted (its file is the caller's to remove).
    func deleteMedia(id: String, key: String) async throws -> MediaDeletion

    /// Inserts the jobs together. With an idempotency key already used by the same API key,
    /// inserts nothing and returns that earlier job instead.
    func enqueue(_ jobs: [JobRecord]) async throws -> JobRecord?
    func job(id: String, key: String) async throws -> JobRecord?
    func jobs(batch: String, key: String) async throws -> [JobRecord]
    /// The key's jobs, newest first (by creation, then id): at most `limit`, those after `last`
    /// in that order when given (the next page).
    func jobs(key: String, limit: Int, after last: JobRecord?) async throws -> [JobRecord]
    func job(idempotencyKey: String, key: String) async throws -> JobRecord?
    /// The key's newest succeeded job with this cache key (the result cache's hit), or nil.
    func cachedJob(key: String, cacheKey: String) async throws -> JobRecord?
    /// Adds a job that is finished already (a cache hit), with its report and outputs.
    func addFinished(_ job: JobRecord) async throws
    /// Jobs of `key` queued or running.
    func activeCount(key: String) async throws -> Int

    /// The oldest queued job (or one whose lease expired), now running for `worker`.
    func claim(worker: String, leaseSeconds: Double) async throws -> JobRecord?
    /// Extends the lease and records progress; false when the job is no longer this worker's
    /// (cancelled, or taken by another after the lease expired).
    func renew(id: String, worker: String, leaseSeconds: Double, progress: Double) async throws -> Bool
    /// Ends a running job held by `worker`; false (and nothing changed) otherwise.
    func finish(id: String, worker: String, outcome: JobOutcome) async throws -> Bool
    /// Cancels a queued or running job of `key`; returns it as it is now (nil: no such job).
    /// DELETE: a queued or running job becomes `cancelled`, any other `deleted`; either way it
    /// has no outputs any more (the caller removes the files).
    func cancel(id: String, key: String) async throws -> JobRecord?

    func counts() async throws -> JobCounts
    /// Erases a job's webhook target (its signing key) once the webhook is delivered or given up.
    func forgetWebhook(id: String) async throws
}

extension JobStore {
    /// Seconds since 1970, the stores' clock.
    static var now: Double { Date().timeIntervalSince1970 }
}
