import Foundation
import Logging
import PostgresNIO

/// The shared queue for scale-out: any number of `mixdown serve` and `mixdown worker`
/// processes on any machines use one PostgreSQL database. A claim is one statement that takes
/// the oldest claimable row `FOR UPDATE SKIP LOCKED`, so workers never wait on each other and
/// never take the same job; leases run on the database's clock, so the machines' clocks need
/// not agree.
public final class PostgresStore: JobStore {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger = Logger(label: "mixdown.postgres")

    /// `postgres://user:password@host:port/database` (`postgresql://` too; port 5432 by
    /// default; `?host=/run/postgresql` for a Unix socket folder).
    public init(url: String) throws {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
              let user = parts.user, !user.isEmpty else {
            throw StoreError.invalid("--database: expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, got '\(url.prefix(80))'")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let socketFolder = parts.queryItems?.first { $0.name == "host" }?.value
        var configuration: PostgresClient.Configuration
        if let socketFolder, socketFolder.hasPrefix("/") {
            configuration = .init(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(parts.port ?? 5432)", username: user,
                                  password: parts.password, database: database.isEmpty ? nil : database)
        } else {
            guard let host = parts.host, !host.isEmpty else { throw StoreError.invalid("--database: no host in '\(url.prefix(80))'") }
            configuration = .init(host: host, port: parts.port ?? 5432, username: user, password: parts.password,
                                  database: database.isEmpty ? nil : database, tls: .disable)
        }
        configuration.options.maximumConnections = 8
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    public func migrate() async throws {
        // One process at a time creates or upgrades the schema.
        try await client.withTransaction(logger: logger) { c in
            try await c.query("SELECT pg_advisory_xact_lock(7318004)", logger: logger)
            try await c.query("""
                CREATE TABLE IF NOT EXISTS mixdown_schema (version INTEGER NOT NULL)
                """, logger: logger)
            var version = 0
            for try await v in try await c.query("SELECT MAX(version) FROM mixdown_schema", logger: logger).decode(Int?.self) { version = v ?? 0 }
            if version < 1 {
                try await c.query("""
                    CREATE TABLE keys (name TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, max_concurrent INTEGER NOT NULL,
                                       created DOUBLE PRECISION NOT NULL, revoked BOOLEAN NOT NULL DEFAULT FALSE)
                    """, logger: logger)
                try await c.query("""
                    CREATE TABLE media (id TEXT PRIMARY KEY, key TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
                                        sample_rate INTEGER NOT NULL, channels INTEGER NOT NULL, duration_samples BIGINT NOT NULL,
                                        created DOUBLE PRECISION NOT NULL)
                    """, logger: logger)
                try await c.query("""
                    CREATE TABLE jobs (id TEXT PRIMARY KEY, key TEXT NOT NULL, spec TEXT NOT NULL, state TEXT NOT NULL,
                                       progress DOUBLE PRECISION NOT NULL DEFAULT 0, error TEXT, report TEXT, outputs TEXT,
                                       idempotency_key TEXT, batch TEXT, webhook TEXT, worker TEXT, lease_until TIMESTAMPTZ,
                                       attempts INTEGER NOT NULL DEFAULT 0, created DOUBLE PRECISION NOT NULL, finished DOUBLE PRECISION)
                    """, logger: logger)
                try await c.query("CREATE UNIQUE INDEX jobs_idempotency ON jobs (key, idempotency_key) WHERE idempotency_key IS NOT NULL", logger: logger)
                try await c.query("CREATE INDEX jobs_claim ON jobs (state, created)", logger: logger)
                try await c.query("CREATE INDEX jobs_batch ON jobs (batch)", logger: logger)
                try await c.query("INSERT INTO mixdown_schema (version) VALUES (1)", logger: logger)
            }
            if version < 2 {
                // A key's jobs, newest first (GET /v1/productions).
                try await c.query("CREATE INDEX jobs_key_created ON jobs (key, created)", logger: logger)
                try await c.query("INSERT INTO mixdown_schema (version) VALUES (2)", logger: logger)
            }
            if version < 3 {
                // Each key's webhook signing secret (docs/service.md, "Webhooks").
                try await c.query("ALTER TABLE keys ADD COLUMN webhook_secret TEXT", logger: logger)
                try await c.query("INSERT INTO mixdown_schema (version) VALUES (3)", logger: logger)
            }
            if version < 4 {
                // The result cache.
                try await c.query("ALTER TABLE jobs ADD COLUMN cache_key TEXT", logger: logger)
                try await c.query("ALTER TABLE jobs ADD COLUMN cached BOOLEAN NOT NULL DEFAULT FALSE", logger: logger)
                try await c.query("CREATE INDEX jobs_cache ON jobs (key, cache_key, created)", logger: logger)
                try await c.query("INSERT INTO mixdown_schema (version) VALUES (4)", logger: logger)
            }
        }
    }

    public func webhookSecret(key: String, rotate: Bool) async throws -> String {
        let fresh = newWebhookSecret()
        let query: PostgresQuery = rotate
            ? "UPDATE keys SET webhook_secret = \(fresh) WHERE name = \(key) RETURNING webhook_secret"
            : "UPDATE keys SET webhook_secret = COALESCE(webhook_secret, \(fresh)) WHERE name = \(key) RETURNING webhook_secret"
        for try await secret in try await client.query(query, logger: logger).decode(String.self) { return secret }
        throw StoreError.invalid("no key named '\(key)'")
    }

    public func addKey(_ key: APIKeyRecord) async throws {
        let rows = try await client.query("""
            INSERT INTO keys (name, hash, max_concurrent, created, revoked) VALUES (\(key.name), \(key.hash), \(key.maxConcurrent), \(key.created), FALSE)
            ON CONFLICT (name) DO NOTHING RETURNING name
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        if !inserted { throw StoreError.exists("a key named '\(key.name)' exists (revoke it first, or choose another name)") }
    }

    public func keys() async throws -> [APIKeyRecord] {
        var out = [APIKeyRecord]()
        for try await (name, hash, max, created, revoked) in try await client.query(
            "SELECT name, hash, max_concurrent, created, revoked FROM keys ORDER BY name", logger: logger).decode((String, String, Int, Double, Bool).self) {
            out.append(APIKeyRecord(name: name, hash: hash, maxConcurrent: max, created: created, revoked: revoked))
        }
        return out
    }

    public func revokeKey(name: String) async throws -> Bool {
        var changed = false
        for try await _ in try await client.query("UPDATE keys SET revoked = TRUE WHERE name = \(name) AND NOT revoked RETURNING name", logger: logger) {
            changed = true
        }
        return changed
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        for try await (name, hash, max, created, revoked) in try await client.query(
            "SELECT name, hash, max_concurrent, created, revoked FROM keys WHERE hash = \(hash) AND NOT revoked", logger: logger)
            .decode((String, String, Int, Double, Bool).self) {
            return APIKeyRecord(name: name, hash: hash, maxConcurrent: max, created: created, revoked: revoked)
        }
        return nil
    }

    public func addMedia(_ m: MediaRecord) async throws {
        try await client.query("""
            INSERT INTO media (id, key, name, path, sample_rate, channels, duration_samples, created)
            VALUES (\(m.id), \(m.key), \(m.name), \(m.path), \(m.sampleRate), \(m.channels), \(m.durationSamples), \(m.created))
            """, logger: logger)
    }

    public func media(id: String, key: String) async throws -> MediaRecord? {
        try await media("SELECT id, key, name, path, sample_rate, channels, duration_samples, created FROM media WHERE id = \(id) AND key = \(key)").first
    }

    public func mediaList(key: String, limit: Int) async throws -> [MediaRecord] {
        try await media("""
            SELECT id, key, name, path, sample_rate, channels, duration_samples, created FROM media WHERE key = \(key)
            ORDER BY created DESC, id DESC LIMIT \(limit)
            """)
    }

    public func deleteMedia(id: String, key: String) async throws -> MediaDeletion {
        // One statement: the media goes only if no queued or running job of the key names it.
        let deleted = try await media("""
            DELETE FROM media WHERE id = \(id) AND key = \(key)
              AND NOT EXISTS (SELECT 1 FROM jobs WHERE key = \(key) AND state IN ('queued', 'running') AND strpos(spec, \(id)) > 0)
            RETURNING id, key, name, path, sample_rate, channels, duration_samples, created
            """)
        if let record = deleted.first { return .deleted(record) }
        return try await media(id: id, key: key) == nil ? .notFound : .inUse
    }

    private func media(_ query: PostgresQuery) async throws -> [MediaRecord] {
        var out = [MediaRecord]()
        for try await (id, key, name, path, rate, channels, duration, created) in try await client.query(query, logger: logger)
            .decode((String, String, String, String, Int, Int, Int, Double).self) {
            out.append(MediaRecord(id: id, key: key, name: name, path: path, sampleRate: rate, channels: channels, durationSamples: duration, created: created))
        }
        return out
    }

    public func enqueue(_ jobs: [JobRecord]) async throws -> JobRecord? {
        if let first = jobs.first, let idempotency = first.idempotencyKey, let earlier = try await job(idempotencyKey: idempotency, key: first.key) {
            return earlier
        }
        let logger = logger
        do {
            try await client.withTransaction(logger: logger) { c in
                for j in jobs {
                    try await c.query("""
                        INSERT INTO jobs (id, key, spec, state, progress, idempotency_key, batch, webhook, attempts, created, cache_key)
                        VALUES (\(j.id), \(j.key), \(j.spec), \(j.state.rawValue), 0, \(j.idempotencyKey), \(j.batch), \(j.webhook), 0, \(j.created), \(j.cacheKey))
                        """, logger: logger)
                }
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // The same idempotency key sent twice at once: the other request's job stands.
            if let first = jobs.first, let idempotency = first.idempotencyKey, let earlier = try await job(idempotencyKey: idempotency, key: first.key) {
                return earlier
            }
            throw error
        }
        return nil
    }

    static let columns = "id, key, spec, state, progress, error, report, outputs, idempotency_key, batch, webhook, worker, attempts, created, finished, cache_key, cached"

    func jobs(_ query: PostgresQuery) async throws -> [JobRecord] {
        var out = [JobRecord]()
        for try await row in try await client.query(query, logger: logger) {
            let r = row.makeRandomAccess()
            out.append(JobRecord(
                id: try r["id"].decode(String.self), key: try r["key"].decode(String.self), spec: try r["spec"].decode(String.self),
                state: JobState(rawValue: try r["state"].decode(String.self)) ?? .failed, progress: try r["progress"].decode(Double.self),
                error: try r["error"].decode(String?.self), report: try r["report"].decode(String?.self), outputs: try r["outputs"].decode(String?.self),
                idempotencyKey: try r["idempotency_key"].decode(String?.self), batch: try r["batch"].decode(String?.self),
                webhook: try r["webhook"].decode(String?.self), worker: try r["worker"].decode(String?.self),
                attempts: try r["attempts"].decode(Int.self), created: try r["created"].decode(Double.self), finished: try r["finished"].decode(Double?.self),
                cacheKey: try r["cache_key"].decode(String?.self), cached: try r["cached"].decode(Bool.self)))
        }
        return out
    }

    public func job(id: String, key: String) async throws -> JobRecord? {
        try await jobs("SELECT \(unescaped: Self.columns) FROM jobs WHERE id = \(id) AND key = \(key)").first
    }

    public func jobs(batch: String, key: String) async throws -> [JobRecord] {
        try await jobs("SELECT \(unescaped: Self.columns) FROM jobs WHERE batch = \(batch) AND key = \(key) ORDER BY created, id")
    }

    public func jobs(key: String, limit: Int, after last: JobRecord?) async throws -> [JobRecord] {
        guard let last else {
            return try await jobs("SELECT \(unescaped: Self.columns) FROM jobs WHERE key = \(key) ORDER BY created DESC, id DESC LIMIT \(limit)")
        }
        return try await jobs("""
            SELECT \(unescaped: Self.columns) FROM jobs WHERE key = \(key) AND (created < \(last.created) OR (created = \(last.created) AND id < \(last.id)))
            ORDER BY created DESC, id DESC LIMIT \(limit)
            """)
    }

    public func cachedJob(key: String, cacheKey: String) async throws -> JobRecord? {
        try await jobs("""
            SELECT \(unescaped: Self.columns) FROM jobs WHERE key = \(key) AND cache_key = \(cacheKey) AND state = 'succeeded'
            ORDER BY created DESC, id DESC LIMIT 1
            """).first
    }

    public func addFinished(_ j: JobRecord) async throws {
        try await client.query("""
            INSERT INTO jobs (id, key, spec, state, progress, report, outputs, idempotency_key, attempts, created, finished, cache_key, cached)
            VALUES (\(j.id), \(j.key), \(j.spec), \(j.state.rawValue), 1, \(j.report), \(j.outputs), \(j.idempotencyKey), 0, \(j.created),
                    \(j.finished), \(j.cacheKey), \(j.cached))
            """, logger: logger)
    }

    public func job(idempotencyKey: String, key: String) async throws -> JobRecord? {
        try await jobs("SELECT \(unescaped: Self.columns) FROM jobs WHERE idempotency_key = \(idempotencyKey) AND key = \(key)").first
    }

    public func activeCount(key: String) async throws -> Int {
        for try await n in try await client.query("SELECT COUNT(*)::BIGINT FROM jobs WHERE key = \(key) AND state IN ('queued', 'running')", logger: logger).decode(Int.self) {
            return n
        }
        return 0
    }

    public func claim(worker: String, leaseSeconds: Double) async throws -> JobRecord? {
        try await jobs("""
            UPDATE jobs SET state = 'running', worker = \(worker), lease_until = now() + make_interval(secs => \(leaseSeconds)), attempts = attempts + 1
            WHERE id = (SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < now())
                        ORDER BY created, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.columns)
            """).first
    }

    public func renew(id: String, worker: String, leaseSeconds: Double, progress: Double) async throws -> Bool {
        var owned = false
        for try await _ in try await client.query("""
            UPDATE jobs SET lease_until = now() + make_interval(secs => \(leaseSeconds)), progress = \(progress)
            WHERE id = \(id) AND worker = \(worker) AND state = 'running' RETURNING id
            """, logger: logger) { owned = true }
        return owned
    }

    public func finish(id: String, worker: String, outcome: JobOutcome) async throws -> Bool {
        var done = false
        let progress = outcome.state == .succeeded ? 1.0 : -1.0
        for try await _ in try await client.query("""
            UPDATE jobs SET state = \(outcome.state.rawValue), error = \(outcome.error), report = \(outcome.report), outputs = \(outcome.outputs),
                            progress = CASE WHEN \(progress) >= 0 THEN \(progress) ELSE progress END,
                            finished = \(Self.now), lease_until = NULL
            WHERE id = \(id) AND worker = \(worker) AND state = 'running' RETURNING id
            """, logger: logger) { done = true }
        return done
    }

    public func cancel(id: String, key: String) async throws -> JobRecord? {
        try await client.query("""
            UPDATE jobs SET state = CASE WHEN state IN ('queued', 'running') THEN 'cancelled' ELSE 'deleted' END,
                            finished = COALESCE(finished, \(Self.now)), lease_until = NULL, outputs = NULL
            WHERE id = \(id) AND key = \(key)
            """, logger: logger)
        return try await job(id: id, key: key)
    }

    public func counts() async throws -> JobCounts {
        var byState = [JobState: Int]()
        for try await (state, n) in try await client.query("SELECT state, COUNT(*)::BIGINT FROM jobs GROUP BY state", logger: logger).decode((String, Int).self) {
            if let s = JobState(rawValue: state) { byState[s] = n }
        }
        var oldest = 0.0
        for try await created in try await client.query("SELECT MIN(created) FROM jobs WHERE state = 'queued'", logger: logger).decode(Double?.self) {
            oldest = created.map { max(0, Self.now - $0) } ?? 0
        }
        return JobCounts(byState: byState, oldestQueuedSeconds: oldest)
    }

    public func forgetWebhook(id: String) async throws {
        try await client.query("UPDATE jobs SET webhook = NULL WHERE id = \(id)", logger: logger)
    }
}
