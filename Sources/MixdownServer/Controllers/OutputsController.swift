import Foundation
import Hummingbird
import NIOCore
import MixdownCore
import MixdownStorage
import MixdownIO

/// `GET /v1/productions/{id}/outputs/{endFormat}`: one delivered file, whole or by a byte
/// range; `GET …/report.html`: the visual report. Their group also takes a link of their own
/// instead of a key (`PlayerAccess`): an audio element or a frame sends none.
/// The stems (`…/stems/{speech|music|mix}`) and captions (`…/captions.srt`, `.vtt`) of a
/// production that asked for them (`"stems": true`, `"captions"`) are served the same way.
struct OutputsController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("productions/:id/outputs/:endFormat", use: output)
        group.get("productions/:id/report.html", use: reportPage)
        group.get("productions/:id/stems/:stem", use: stem)
        group.get("productions/:id/captions.srt") { try await self.captions($0, $1, kind: "srt") }
        group.get("productions/:id/captions.vtt") { try await self.captions($0, $1, kind: "vtt") }
    }

    /// The storage's prefix of the job's files (`jobs/ID/ATTEMPT`), once it has succeeded.
    func folder(_ context: AuthenticatedContext, what: String) async throws -> String {
        let job = try await service.ownJob(context)
        try Self.requireFinished(job, what)
        guard let first = StoredOutput.of(job).first else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its \(what) exist once it has succeeded")
        }
        return (first.file as NSString).deletingLastPathComponent
    }

    @Sendable func stem(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let name = try context.parameters.require("stem")
        guard ["speech", "music", "mix"].contains(name) else {
            throw APIError(.notFound, "notFound", "no stem '\(MixdownError.excerpt(name))' (stems: speech, music, mix)")
        }
        let key = try await folder(context, what: "stems") + "/\(MixdownService.outputName).stems/\(name).wav"
        return try await service.object(key, type: "audio/wav", request: request, context: context,
                                        missing: "this production has no stems (ask for them with \"stems\": true)")
    }

    func captions(_ request: Request, _ context: AuthenticatedContext, kind: String) async throws -> Response {
        let key = try await folder(context, what: "captions") + "/\(MixdownService.outputName).\(kind)"
        return try await service.object(key, type: kind == "srt" ? "application/x-subrip; charset=utf-8" : "text/vtt; charset=utf-8",
                                        request: request, context: context,
                                        missing: "this production has no \(kind) captions (ask for them with \"captions\": \"\(kind)\")")
    }

    @Sendable func output(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        let format = try context.parameters.require("endFormat")
        try Self.requireFinished(job, "outputs")
        guard let output = StoredOutput.of(job).first(where: { $0.endFormat == format }) else {
            throw APIError(.notFound, "notFound", "no output in format '\(MixdownError.excerpt(format))' for this production")
        }
        return try await service.object(output.file, type: EndFormat.mimeType(forExtension: URL(fileURLWithPath: output.file).pathExtension),
                                        request: request, context: context, missing: "the output is gone")
    }

    /// The visual report written beside the job's outputs. Its policy lets the page run its
    /// own inline script and play the job's outputs from this server, and nothing else.
    @Sendable func reportPage(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        try Self.requireFinished(job, "report")
        let first = StoredOutput.of(job).first
        guard let first, let bytes = try await service.storedBytes((first.file as NSString).deletingLastPathComponent + "/" + MixdownService.reportPage) else {
            throw APIError(.notFound, "notFound", "this job has no visual report")
        }
        var page = Data(bytes)
        // The player's link gets a token of its own: an <audio> element sends no API key.
        let link = #""player":"outputs/\#(first.endFormat)""#
        let signed = #""player":"outputs/\#(first.endFormat)?access=\#(PlayerAccess.token(job: job.id, format: first.endFormat, key: context.key))""#
        if let range = page.range(of: Data(link.utf8)) { page.replaceSubrange(range, with: Data(signed.utf8)) }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentLength: String(page.count),
                                               .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self'"],
                        body: .init(byteBuffer: ByteBuffer(bytes: page)))
    }

    /// A job's files exist once it has succeeded (409 before), until it is deleted (404 after).
    static func requireFinished(_ job: JobRecord, _ what: String) throws {
        if job.state == .deleted { throw APIError(.notFound, "notFound", "this job was deleted, and its \(what) with it") }
        guard job.state == .succeeded else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its \(what) exist once it has succeeded")
        }
    }

    /// A stored file, whole or the byte range asked for.
    static func file(_ path: String, type: String, request: Request, context: AuthenticatedContext, missing: String) async throws -> Response {
        var info = stat()
        guard stat(path, &info) == 0 else { throw APIError(.notFound, "notFound", missing) }
        let size = Int(info.st_size)
        var headers: HTTPFields = [.contentType: type, .acceptRanges: "bytes"]
        let fileIO = FileIO()
        if let range = request.headers[.range] {
            let r = try Self.satisfiableRange(range, size: size)
            headers[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound)/\(size)"
            headers[.contentLength] = String(r.count)
            return Response(status: .partialContent, headers: headers, body: try await fileIO.loadFile(path: path, range: r, context: context))
        }
        headers[.contentLength] = String(size)
        return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: path, context: context))
    }

    /// The range a `Range:` header asks of a file of `size` bytes; 416 when it is outside.
    static func satisfiableRange(_ header: String, size: Int) throws -> ClosedRange<Int> {
        guard let r = byteRange(header, size: size) else {
            var error = APIError(.rangeNotSatisfiable, "rangeNotSatisfiable", "Range: \(MixdownError.excerpt(header)) is outside the file's \(size) bytes")
            error.headers[.contentRange] = "bytes */\(size)"
            throw error
        }
        return r
    }

    /// One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`, inside a file of `size` bytes.
    static func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces), last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let n = Int(last), n > 0 else { return nil }
            return max(0, size - n)...(size - 1)
        }
        guard let a = Int(first), a >= 0, a < size else { return nil }
        if last.isEmpty { return a...(size - 1) }
        guard let b = Int(last), b >= a else { return nil }
        return a...min(b, size - 1)
    }
}

extension MixdownService {
    /// The stored object `key` as a response, whole or by the range asked for: from the data
    /// folder as a file, from S3 streamed through (the client needs no access to the bucket).
    func object(_ key: String, type: String, request: Request, context: AuthenticatedContext, missing: String) async throws -> Response {
        if let local = storage as? LocalStorage {
            return try await OutputsController.file(local.folder + "/" + key, type: type, request: request, context: context, missing: missing)
        }
        do {
            guard let size = try await storage.size(key) else { throw APIError(.notFound, "notFound", missing) }
            var headers: HTTPFields = [.contentType: type, .acceptRanges: "bytes"]
            var range: ClosedRange<Int>?
            if let header = request.headers[.range] {
                range = try OutputsController.satisfiableRange(header, size: size)
            }
            guard let body = try await storage.read(key, range: range) else { throw APIError(.notFound, "notFound", missing) }
            headers[.contentLength] = String(body.length)
            if let range {
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            }
            return Response(status: range == nil ? .ok : .partialContent, headers: headers, body: ResponseBody(asyncSequence: body.chunks))
        } catch let error as StorageError {
            throw APIError(.serviceUnavailable, "storageError", "the file cannot be read from storage: \(error.description)")
        }
    }

    /// A small stored object whole (a report page), or nil when there is none.
    func storedBytes(_ key: String) async throws -> [UInt8]? {
        do { return try await storage.bytes(key) } catch let error as StorageError {
            throw APIError(.serviceUnavailable, "storageError", "the file cannot be read from storage: \(error.description)")
        }
    }
}
