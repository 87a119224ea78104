import Foundation

// The API's response bodies (docs/service.md, docs/openapi.yaml), encoded through `JSONText`.

/// `GET /health`.
struct HealthStatus: Codable, Sendable, Equatable {
    var status = "ok"
}

/// `POST /v1/media` (201), `GET /v1/media/{id}`, each of `GET /v1/media`.
struct MediaCreated: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var sampleRate: Int
    var channels: Int
    var durationSamples: Int
    /// Unix seconds.
    var created: Double

    init(_ record: MediaRecord) {
        (id, name, sampleRate, channels, durationSamples, created) = (record.id, record.name, record.sampleRate, record.channels, record.durationSamples, record.created)
    }
}

/// A queued job (202): `POST /v1/productions`, `POST /v1/master`.
struct JobAccepted: Codable, Sendable, Equatable {
    var id: String
    var status: String
}

/// `POST /v1/batches` (202).
struct BatchAccepted: Codable, Sendable, Equatable {
    var id: String
    var jobs: [String]
}

/// `GET /v1/batches/{id}`.
struct BatchStatus: Codable, Sendable, Equatable {
    var id: String
    var status: String
    var progress: Double
    /// Jobs by state, every state named.
    var counts: [String: Int]
    var jobs: [String]
}

/// One file of a finished job as its `outputs` column keeps it: `[{"endFormat", "file", "bytes"}]`,
/// `file` relative to the data folder.
struct StoredOutput: Codable, Sendable, Equatable {
    var endFormat: String
    var file: String
    var bytes: Int

    /// A job's outputs (none when it has not succeeded).
    static func of(_ job: JobRecord) -> [StoredOutput] { JSONText.decode([StoredOutput].self, from: job.outputs) ?? [] }
}

/// `GET /v1/productions/{id}`, `DELETE …`, and a webhook's body:
/// `{"id", "status", "progress", "error", "report", "outputs": [{"endFormat", "url", "bytes"}], "batch"}`.
/// `error` and `report` are null until there is one; `batch` is there for a batch's job only.
struct JobStatus: Codable, Sendable, Equatable {
    struct Output: Codable, Sendable, Equatable {
        var endFormat: String
        var url: String
        var bytes: Int
        /// The file's name (`audio.mp3`): its extension says what it is.
        var file: String?
    }

    var id: String
    var status: String
    var progress: Double
    var error: JSONValue?
    var report: JSONValue?
    var outputs: [Output]
    var batch: String?
    /// The visual report with a link of its own (a page in a frame or a new tab sends no key),
    /// given to the key's own status requests for a finished job that has one.
    var reportPage: String?
    /// Answered by the result cache (`true` only: absent otherwise).
    var cached: Bool?

    init(_ job: JobRecord) {
        id = job.id
        status = job.state.rawValue
        progress = job.state == .succeeded ? 1 : job.progress
        error = JSONText.decode(JSONValue.self, from: job.error)
        report = StoredReport.served(job.report)
        outputs = StoredOutput.of(job).map {
            Output(endFormat: $0.endFormat, url: "/v1/productions/\(job.id)/outputs/\($0.endFormat)", bytes: $0.bytes,
                   file: URL(fileURLWithPath: $0.file).lastPathComponent)
        }
        batch = job.batch
        cached = job.cached ? true : nil
    }

    private enum CodingKeys: String, CodingKey { case id, status, progress, error, report, outputs, batch, reportPage, cached }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(progress, forKey: .progress)
        try container.encode(error, forKey: .error)      // null, not left out
        try container.encode(report, forKey: .report)    // null, not left out
        try container.encode(outputs, forKey: .outputs)
        try container.encodeIfPresent(batch, forKey: .batch)
        try container.encodeIfPresent(reportPage, forKey: .reportPage)
        try container.encodeIfPresent(cached, forKey: .cached)
    }
}

/// `GET /v1/productions`: the key's jobs, newest first, without their reports.
struct JobList: Codable, Sendable, Equatable {
    struct Entry: Codable, Sendable, Equatable {
        var id: String
        /// `production` or `master`.
        var kind: String
        var status: String
        var progress: Double
        var created: Double
        var finished: Double?
        var batch: String?
        var outputs: [JobStatus.Output]
    }
    var jobs: [Entry]
    /// The `after` that asks for the next page (this page's last id); absent on the last.
    var next: String?
}

/// A job's report as the API shows it: the render writes each output's `path` on the worker's
/// disk; a client is told the file's name alone (server paths say nothing a client can use,
/// and something about the server it should not know).
enum StoredReport {
    static func served(_ text: String?) -> JSONValue? {
        guard case .object(var report)? = JSONText.decode(JSONValue.self, from: text) else { return JSONText.decode(JSONValue.self, from: text) }
        if case .array(let outputs)? = report["outputs"] {
            report["outputs"] = .array(outputs.map { output in
                guard case .object(var fields) = output, case .string(let path)? = fields["path"] else { return output }
                fields["path"] = .string(URL(fileURLWithPath: path).lastPathComponent)
                return .object(fields)
            })
        }
        return .object(report)
    }
}
