import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import MixdownCore
@testable import MixdownServer
import MixdownSpeech
import Testing

/// A `MixdownService` on SQLite in a temporary data folder, its router driven in-process
/// (`app.test(.router)`): no socket, no worker (jobs stay queued unless a test finishes them).
final class Harness: Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    let folder: String
    let store: SQLiteStore
    let service: MixdownService
    /// Two keys: each sees only its own jobs and media.
    let alice = "mxd_alice-key", bob = "mxd_bob-key"

    init(aliceMaxConcurrent: Int = 64) async throws {
        folder = NSTemporaryDirectory() + "mixdown-router-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/tmp", withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder + "/mixdown.sqlite")
        try await store.migrate()
        try await store.addKey(APIKeyRecord(name: "alice", hash: SHA256.hex(alice), maxConcurrent: aliceMaxConcurrent, created: 0, revoked: false))
        try await store.addKey(APIKeyRecord(name: "bob", hash: SHA256.hex(bob), maxConcurrent: 64, created: 0, revoked: false))
        let configuration = ServiceConfiguration(dataDirectory: folder + "/data", workers: 0, templateLibraries: [Self.repository + "/SoundTemplates"],
                                                 speechCache: SpeechCache(directory: folder + "/cache"), temporaryDirectory: folder + "/tmp")
        service = try MixdownService(store: store, configuration: configuration)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Runs `body` against the service's router.
    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: service.router()).test(.router, body)
    }

    /// A queued job of alice's, put straight into the store.
    func enqueue(spec: String, key: String = "alice", idempotencyKey: String? = nil) async throws -> JobRecord {
        let job = JobRecord(id: UUID().uuidString.lowercased(), key: key, spec: spec, state: .queued, progress: 0, idempotencyKey: idempotencyKey,
                            batch: nil, webhook: nil, attempts: 0, created: Date().timeIntervalSince1970)
        #expect(try await store.enqueue([job]) == nil)
        return job
    }

    /// A job of alice's that has succeeded with one WAV output (`bytes` as its file) and, when
    /// `page` is given, a visual report page beside it, as a worker leaves them.
    func succeededJob(bytes: [UInt8], page: String? = nil) async throws -> JobRecord {
        let queued = try await enqueue(spec: #"{"production":{"scriptText":"Hi."},"variables":{}}"#)
        let claimed = try #require(try await store.claim(worker: "test", leaseSeconds: 60))
        #expect(claimed.id == queued.id)
        let relative = "jobs/\(claimed.id)/\(claimed.attempts)"
        try FileManager.default.createDirectory(atPath: service.configuration.dataDirectory + "/" + relative, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: service.configuration.dataDirectory + "/" + relative + "/audio.wav", contents: Data(bytes)))
        if let page {
            #expect(FileManager.default.createFile(atPath: service.configuration.dataDirectory + "/" + relative + "/report.html", contents: Data(page.utf8)))
        }
        let outputs = JSONText.string([StoredOutput(endFormat: "wav", file: relative + "/audio.wav", bytes: bytes.count)])
        #expect(try await store.finish(id: claimed.id, worker: "test", outcome: JobOutcome(state: .succeeded, report: #"{"totalSamples":48000}"#, outputs: outputs)))
        return try #require(try await store.job(id: claimed.id, key: "alice"))
    }
}

extension TestClientProtocol {
    /// One request; `key` goes as `Authorization: Bearer KEY`.
    func send(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, headers: HTTPFields = [:], body: String? = nil,
              bytes: [UInt8]? = nil) async throws -> TestResponse {
        var headers = headers
        if let key { headers[.authorization] = "Bearer \(key)" }
        let buffer = body.map { ByteBuffer(string: $0) } ?? bytes.map { ByteBuffer(bytes: $0) }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer)
    }
}

extension TestResponse {
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }
    var object: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }
    /// The `{"error": {…}}` body's object.
    var error: [String: String] { (object["error"] as? [String: String]) ?? [:] }
}

/// A half-second mono WAV of silence (16-bit, 8 kHz): audio the upload routes accept.
func silentWAV() -> [UInt8] {
    let frames = 4_000, dataBytes = frames * 2
    func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
    func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xff) } }
    return Array("RIFF".utf8) + le32(36 + dataBytes) + Array("WAVE".utf8) + Array("fmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(8_000)
        + le32(16_000) + le16(2) + le16(16) + Array("data".utf8) + le32(dataBytes) + [UInt8](repeating: 0, count: dataBytes)
}
