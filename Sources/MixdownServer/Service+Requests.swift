import Foundation
import Hummingbird
import MixdownCore
import MixdownIO
import NIOCore

// What several controllers' routes do alike: read a body, honour an Idempotency-Key, hold a
// key to its concurrency, find the caller's own job.
extension MixdownService {
    /// A header by its lower-case name.
    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    /// The caller's job named by the route's `:id` (404 for another key's).
    func ownJob(_ context: AuthenticatedContext) async throws -> JobRecord {
        let id = try context.parameters.require("id")
        guard let job = try await store.job(id: id, key: context.key.name) else { throw APIError.notFound("production") }
        return job
    }

    /// A body read whole as JSON text (bounded), parsed strictly: 400 when it is not JSON.
    func readJSON(_ request: Request, limit: Int, file: String) async throws -> JSONNode {
        let body = try await Self.body(request, upTo: limit)
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw APIError(.badRequest, "invalidJSON", "the body is not UTF-8 text")
        }
        return try JSONParser.parse(text, file: file)
    }

    /// The body, at most `limit` bytes. A `Content-Length` over the limit is answered 413 before
    /// a byte is read (a client sending 600 MB learns at once, instead of after sending it all);
    /// a body without one is cut off, 413, as soon as it passes the limit.
    /// 413 at once, before any of the body is read, when its `Content-Length` passes `limit`.
    static func refuseDeclared(_ request: Request, over limit: Int) throws {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError(.contentTooLarge, "tooLarge", "the body is \(declared) bytes; this route takes at most \(limit)",
                           headers: [.connection: "close"])
        }
    }

    static func body(_ request: Request, upTo limit: Int) async throws -> ByteBuffer {
        try refuseDeclared(request, over: limit)
        return try await request.body.collect(upTo: limit)
    }

    /// The body written to the file `path` as it arrives (an upload of hundreds of MB is never
    /// held in memory); its length. 413 as soon as it passes `limit` (declared or counted),
    /// and the file is then removed.
    static func body(_ request: Request, upTo limit: Int, into path: String) async throws -> Int {
        try refuseDeclared(request, over: limit)
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw APIError(.internalServerError, "storageError", "cannot store the upload")
        }
        var total = 0
        do {
            defer { try? file.close() }
            for try await chunk in request.body {
                total += chunk.readableBytes
                if total > limit {
                    throw APIError(.contentTooLarge, "tooLarge", "the body is more than \(limit) bytes, the most this route takes",
                                   headers: [.connection: "close"])
                }
                try file.write(contentsOf: Data(chunk.readableBytesView))
            }
        } catch {
            unlink(path)
            throw error
        }
        return total
    }

    /// A true/false query parameter (`?strict=true`); absent is false, anything else a 400.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let value = request.uri.queryParameters.get(name) else { return false }
        switch value.lowercased() {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw APIError(.badRequest, "invalidQuery", "\(name) is true or false, got '\(MixdownError.excerpt(value))'", path: name)
        }
    }

    /// The `Idempotency-Key` header: a retried request with the same key gets the first's job.
    static func idempotencyKey(_ request: Request) throws -> String? {
        let value = header(request, "idempotency-key")
        if let value, value.isEmpty || value.count > 200 {
            throw APIError(.badRequest, "invalidHeader", "Idempotency-Key: 1 to 200 characters", path: "Idempotency-Key")
        }
        return value
    }

    /// The job an earlier request with this Idempotency-Key made (nil: none). The same key with
    /// a different request is refused rather than answered with a job it did not ask for.
    func earlierJob(_ idempotency: String?, key: APIKeyRecord, sameRequest: (JobSpec?) -> Bool) async throws -> JobRecord? {
        guard let idempotency, let earlier = try await store.job(idempotencyKey: idempotency, key: key.name) else { return nil }
        guard sameRequest(JobSpec(text: earlier.spec)) else {
            throw APIError(.unprocessableContent, "idempotencyKeyReused", "this Idempotency-Key was used for a different request (job \(earlier.id))",
                           path: "Idempotency-Key")
        }
        return earlier
    }

    /// 202 with the job's id and state, and its status URL as `Location`.
    func accepted(_ job: JobRecord) -> Response {
        Response.json(.accepted, JobAccepted(id: job.id, status: job.state.rawValue), headers: [.location: "/v1/productions/\(job.id)"])
    }

    /// 429 when the key already has its most jobs queued or running.
    func checkConcurrency(_ key: APIKeyRecord, adding: Int) async throws {
        let active = try await store.activeCount(key: key.name)
        if active + adding > key.maxConcurrent {
            var error = APIError(.tooManyRequests, "tooManyJobs",
                                 "this key has \(active) jobs queued or running and may have \(key.maxConcurrent) at once" + (adding > 1 ? "; this request adds \(adding)" : ""))
            error.headers[.retryAfter] = "5"
            throw error
        }
    }

    /// The body, an audio file, checked by decoding it whole and kept as `key`'s media; or with
    /// `image/jpeg` or `image/png` (`images`: a production's cover), a picture checked by its
    /// bytes (a media record with no rate, channels or samples).
    func storeUpload(_ request: Request, key: APIKeyRecord, name: String, images: Bool = false) async throws -> MediaRecord {
        guard (1...100).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw APIError(.unprocessableContent, "invalidName", "name: 1 to 100 letters, digits, . _ or -", path: "name")
        }
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let image = images && (type.hasPrefix("image/jpeg") || type.hasPrefix("image/png"))
        guard image || type.hasPrefix("audio/") || type.hasPrefix("application/octet-stream") else {
            throw APIError(.unsupportedMediaType, "unsupportedMediaType", "send the audio file as the body with Content-Type audio/… (audio/wav, audio/mpeg, audio/flac, …)"
                           + (images ? ", or a cover picture as image/jpeg or image/png" : ""))
        }
        let id = UUID().uuidString.lowercased()
        let relative = "media/\(id)"
        let temporary = configuration.dataDirectory + "/tmp/\(id).upload"
        let received = try await Self.body(request, upTo: configuration.maxUploadBytes, into: temporary)
        guard received > 0 else {
            unlink(temporary)
            throw APIError(.unprocessableContent, "invalidMedia", "the body is empty: send the audio file")
        }
        let info: (sampleRate: Int, channels: Int, frames: Int)
        do {
            if image {
                let bytes = FileManager.default.contents(atPath: temporary).map { [UInt8]($0) } ?? []
                _ = try CoverImage.load(bytes, source: "the upload")
                info = (0, 0, 0)
            } else {
                info = try await Self.onThread { try AudioFileReader.stream(temporary) { _ in } }
            }
        } catch let error as MixdownError {
            unlink(temporary)
            throw APIError(.unprocessableContent, "invalidMedia", error.reason.replacingOccurrences(of: temporary, with: "the upload"))
        }
        do {
            try await storage.put(file: temporary, key: relative, consume: true)
        } catch {
            unlink(temporary)
            throw APIError(.serviceUnavailable, "storageError", "cannot store the upload: \(error)")
        }
        let record = MediaRecord(id: id, key: key.name, name: name, path: relative, sampleRate: info.sampleRate, channels: info.channels,
                                 durationSamples: info.frames, created: Date().timeIntervalSince1970)
        try await store.addMedia(record)
        return record
    }
}
