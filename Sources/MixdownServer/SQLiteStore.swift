import Foundation
import GRDB

/// The embedded queue: one SQLite file (`DATA/mixdown.sqlite`, write-ahead log) for `mixdown
/// serve` alone on one machine. Writes are serialised by SQLite, so a claim is a plain
/// transaction: select the oldest claimable job, mark it running.
public final class SQLiteStore: JobStore {
    let database: DatabasePool

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        database = try DatabasePool(path: path, configuration: configuration)
    }

    public func migrate() async throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE keys (name TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, max_concurrent INTEGER NOT NULL,
                                   created REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE media (id TEXT PRIMARY KEY, key TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
                                    sample_rate INTEGER NOT NULL, channels INTEGER NOT NULL, duration_samples INTEGER NOT NULL,
                                    created REAL NOT NULL);
                CREATE TABLE jobs (id TEXT PRIMARY KEY, key TEXT NOT NULL, spec TEXT NOT NULL, state TEXT NOT NULL,
                                   progress REAL NOT NULL DEFAULT 0, error TEXT, report TEXT, outputs TEXT,
                                   idempotency_key TEXT, batch TEXT, webhook TEXT, worker TEXT, lease_until REAL,
                                   attempts INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, finished REAL);
                CREATE UNIQUE INDEX jobs_idempotency ON jobs (key, idempotency_key) WHERE idempotency_key IS NOT NULL;
                CREATE INDEX jobs_claim ON jobs (state, created);
                CREATE INDEX jobs_batch ON jobs (batch);
                """)
        }
        // v2: a key's jobs, newest first (GET /v1/productions).
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "CREATE INDEX jobs_key_created ON jobs (key, created)")
        }
        // v3: each key's webhook signing secret (docs/service.md, "Webhooks").
        migrator.registerMigration("v3") { db in
            try db.execute(sql: "ALTER TABLE keys ADD COLUMN webhook_secret TEXT")
        }
        // v4: the result cache.
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                ALTER TABLE jobs ADD COLUMN cache_key TEXT;
                ALTER TABLE jobs ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX jobs_cache ON jobs (key, cache_key, created);
                """)
        }
        try migrator.migrate(database)
    }

    public func cachedJob(key: String, cacheKey: String) async throws -> JobRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE key = ? AND cache_key = ? AND state = 'succeeded' ORDER BY created DESC, id DESC LIMIT 1",
                             arguments: [key, cacheKey]).map(Self.job)
        }
    }

    public func addFinished(_ j: JobRecord) async throws {
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO jobs (id, key, spec, state, progress, report, outputs, idempotency_key, attempts, created, finished, cache_key, cached)
                VALUES (?, ?, ?, ?, 1, ?, ?, ?, 0, ?, ?, ?, ?)
                """, arguments: [j.id, j.key, j.spec, j.state.rawValue, j.report, j.outputs, j.idempotencyKey, j.created, j.finished, j.cacheKey, j.cached])
        }
    }

    public func webhookSecret(key: String, rotate: Bool) async throws -> String {
        let fresh = newWebhookSecret()
        return try await database.write { db in
            try db.execute(sql: rotate ? "UPDATE keys SET webhook_secret = ? WHERE name = ?"
                                       : "UPDATE keys SET webhook_secret = COALESCE(webhook_secret, ?) WHERE name = ?", arguments: [fresh, key])
            guard let secret = try String.fetchOne(db, sql: "SELECT webhook_secret FROM keys WHERE name = ?", arguments: [key]) else {
                throw StoreError.invalid("no key named '\(key)'")
            }
            return secret
        }
    }

    public func addKey(_ key: APIKeyRecord) async throws {
        try await database.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM keys WHERE name = ?", arguments: [key.name]) != nil {
                throw StoreError.exists("a key named '\(key.name)' exists (revoke it first, or choose another name)")
            }
            try db.execute(sql: "INSERT INTO keys (name, hash, max_concurrent, created, revoked) VALUES (?, ?, ?, ?, 0)",
                           arguments: [key.name, key.hash, key.maxConcurrent, key.created])
        }
    }

    public func keys() async throws -> [APIKeyRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM keys ORDER BY name").map(Self.key)
        }
    }

    public func revokeKey(name: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE keys SET revoked = 1 WHERE name = ? AND revoked = 0", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM keys WHERE hash = ? AND revoked = 0", arguments: [hash]).map(Self.key)
        }
    }

    public func addMedia(_ m: MediaRecord) async throws {
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO media (id, key, name, path, sample_rate, channels, duration_samples, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [m.id, m.key, m.name, m.path, m.sampleRate, m.channels, m.durationSamples, m.created])
        }
    }

    public func media(id: String, key: String) async throws -> MediaRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM media WHERE id = ? AND key = ?", arguments: [id, key]).map(Self.media)
        }
    }

    public func mediaList(key: String, limit: Int) async throws -> [MediaRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM media WHERE key = ? ORDER BY created DESC, id DESC LIMIT ?", arguments: [key, limit]).map(Self.media)
        }
    }

    public func deleteMedia(id: String, key: String) async throws -> MediaDeletion {
        try await database.write { db in
            guard let record = try Row.fetchOne(db, sql: "SELECT * FROM media WHERE id = ? AND key = ?", arguments: [id, key]).map(Self.media) else {
                return .notFound
            }
            let used = try Row.fetchOne(db, sql: "SELECT 1 FROM jobs WHERE key = ? AND state IN ('queued', 'running') AND instr(spec, ?) > 0",
                                        arguments: [key, id]) != nil
            if used { return .inUse }
            try db.execute(sql: "DELETE FROM media WHERE id = ? AND key = ?", arguments: [id, key])
            return .deleted(record)
        }
    }

    static func media(_ r: Row) -> MediaRecord {
        MediaRecord(id: r["id"], key: r["key"], name: r["name"], path: r["path"], sampleRate: r["sample_rate"],
                    channels: r["channels"], durationSamples: r["duration_samples"], created: r["created"])
    }

    public func enqueue(_ jobs: [JobRecord]) async throws -> JobRecord? {
        try await database.write { db in
            if let first = jobs.first, let idempotency = first.idempotencyKey,
               let earlier = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE key = ? AND idempotency_key = ?", arguments: [first.key, idempotency]) {
                return Self.job(earlier)
            }
            for j in jobs {
                try db.execute(sql: """
                    INSERT INTO jobs (id, key, spec, state, progress, idempotency_key, batch, webhook, attempts, created, cache_key)
                    VALUES (?, ?, ?, ?, 0, ?, ?, ?, 0, ?, ?)
                    """, arguments: [j.id, j.key, j.spec, j.state.rawValue, j.idempotencyKey, j.batch, j.webhook, j.created, j.cacheKey])
            }
            return nil
        }
    }

    public func job(id: String, key: String) async throws -> JobRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ? AND key = ?", arguments: [id, key]).map(Self.job)
        }
    }

    public func jobs(batch: String, key: String) async throws -> [JobRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE batch = ? AND key = ? ORDER BY created, id", arguments: [batch, key]).map(Self.job)
        }
    }

    public func jobs(key: String, limit: Int, after last: JobRecord?) async throws -> [JobRecord] {
        try await database.read { db in
            guard let last else {
                return try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE key = ? ORDER BY created DESC, id DESC LIMIT ?", arguments: [key, limit]).map(Self.job)
            }
            return try Row.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE key = ? AND (created < ? OR (created = ? AND id < ?)) ORDER BY created DESC, id DESC LIMIT ?
                """, arguments: [key, last.created, last.created, last.id, limit]).map(Self.job)
        }
    }

    public func job(idempotencyKey: String, key: String) async throws -> JobRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE idempotency_key = ? AND key = ?", arguments: [idempotencyKey, key]).map(Self.job)
        }
    }

    public func activeCount(key: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE key = ? AND state IN ('queued', 'running')", arguments: [key]) ?? 0
        }
    }

    public func claim(worker: String, leaseSeconds: Double) async throws -> JobRecord? {
        try await database.write { db in
            let now = Self.now
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < ?) ORDER BY created, id LIMIT 1
                """, arguments: [now]) else { return nil }
            var job = Self.job(row)
            try db.execute(sql: "UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                           arguments: [worker, now + leaseSeconds, job.id])
            job.state = .running
            job.worker = worker
            job.attempts += 1
            return job
        }
    }

    public func renew(id: String, worker: String, leaseSeconds: Double, progress: Double) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE jobs SET lease_until = ?, progress = ? WHERE id = ? AND worker = ? AND state = 'running'",
                           arguments: [Self.now + leaseSeconds, progress, id, worker])
            return db.changesCount > 0
        }
    }

    public func finish(id: String, worker: String, outcome: JobOutcome) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = ?, error = ?, report = ?, outputs = ?, progress = CASE WHEN ? = 'succeeded' THEN 1 ELSE progress END,
                                finished = ?, lease_until = NULL
                WHERE id = ? AND worker = ? AND state = 'running'
                """, arguments: [outcome.state.rawValue, outcome.error, outcome.report, outcome.outputs, outcome.state.rawValue,
                                 Self.now, id, worker])
            return db.changesCount > 0
        }
    }

    public func cancel(id: String, key: String) async throws -> JobRecord? {
        try await database.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = CASE WHEN state IN ('queued', 'running') THEN 'cancelled' ELSE 'deleted' END,
                                finished = COALESCE(finished, ?), lease_until = NULL, outputs = NULL WHERE id = ? AND key = ?
                """, arguments: [Self.now, id, key])
            return try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ? AND key = ?", arguments: [id, key]).map(Self.job)
        }
    }

    public func counts() async throws -> JobCounts {
        try await database.read { db in
            var byState = [JobState: Int]()
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { byState[state] = row["n"] }
            }
            let oldest = try Double.fetchOne(db, sql: "SELECT MIN(created) FROM jobs WHERE state = 'queued'")
            return JobCounts(byState: byState, oldestQueuedSeconds: oldest.map { max(0, Self.now - $0) } ?? 0)
        }
    }

    public func forgetWebhook(id: String) async throws {
        try await database.write { db in try db.execute(sql: "UPDATE jobs SET webhook = NULL WHERE id = ?", arguments: [id]) }
    }

    static func key(_ r: Row) -> APIKeyRecord {
        APIKeyRecord(name: r["name"], hash: r["hash"], maxConcurrent: r["max_concurrent"], created: r["created"], revoked: (r["revoked"] as Int) != 0)
    }

    static func job(_ r: Row) -> JobRecord {
        JobRecord(id: r["id"], key: r["key"], spec: r["spec"], state: JobState(rawValue: r["state"]) ?? .failed, progress: r["progress"],
                  error: r["error"], report: r["report"], outputs: r["outputs"], idempotencyKey: r["idempotency_key"], batch: r["batch"],
                  webhook: r["webhook"], worker: r["worker"], attempts: r["attempts"], created: r["created"], finished: r["finished"],
                  cacheKey: r["cache_key"], cached: (r["cached"] as Int?) == 1)
    }
}

/// A store's refusal that is the caller's to fix.
public enum StoreError: Error, CustomStringConvertible {
    case exists(String)
    case invalid(String)
    public var description: String {
        switch self { case .exists(let s), .invalid(let s): s }
    }
}
