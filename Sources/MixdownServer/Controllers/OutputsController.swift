import Foundation
import Hummingbird
import NIOCore
import MixdownCore
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

    /// The job's folder (where its outputs are), once it has succeeded.
    func folder(_ context: AuthenticatedContext, what: String) async throws -> String {
        let job = try await service.ownJob(context)
        try Self.requireFinished(job, what)
        guard let first = StoredOutput.of(job).first else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its \(what) exist once it has succeeded")
        }
        return service.configuration.dataDirectory + "/" + (first.file as NSString).deletingLastPathComponent
    }

    @Sendable func stem(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let name = try context.parameters.require("stem")
        guard ["speech", "music", "mix"].contains(name) else {
            throw APIError(.notFound, "notFound", "no stem '\(MixdownError.excerpt(name))' (stems: speech, music, mix)")
        }
        let path = try await folder(context, what: "stems") + "/\(MixdownService.outputName).stems/\(name).wav"
        guard FileManager.default.fileExists(atPath: path) else {
            throw APIError(.notFound, "notFound", "this production has no stems (ask for them with \"stems\": true)")
        }
        return try await Self.file(path, type: "audio/wav", request: request, context: context)
    }

    func captions(_ request: Request, _ context: AuthenticatedContext, kind: String) async throws -> Response {
        let path = try await folder(context, what: "captions") + "/\(MixdownService.outputName).\(kind)"
        guard FileManager.default.fileExists(atPath: path) else {
            throw APIError(.notFound, "notFound", "this production has no \(kind) captions (ask for them with \"captions\": \"\(kind)\")")
        }
        return try await Self.file(path, type: kind == "srt" ? "application/x-subrip; charset=utf-8" : "text/vtt; charset=utf-8",
                                   request: request, context: context)
    }

    @Sendable func output(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        let format = try context.parameters.require("endFormat")
        try Self.requireFinished(job, "outputs")
        guard let output = StoredOutput.of(job).first(where: { $0.endFormat == format }) else {
            throw APIError(.notFound, "notFound", "no output in format '\(MixdownError.excerpt(format))' for this production")
        }
        return try await Self.file(service.configuration.dataDirectory + "/" + output.file,
                                   type: EndFormat.mimeType(forExtension: URL(fileURLWithPath: output.file).pathExtension), request: request, context: context)
    }

    /// The visual report written beside the job's outputs. Its policy lets the page run its
    /// own inline script and play the job's outputs from this server, and nothing else.
    @Sendable func reportPage(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        try Self.requireFinished(job, "report")
        let first = StoredOutput.of(job).first
        guard let first, var page = FileManager.default.contents(atPath: service.configuration.dataDirectory + "/"
                                                                 + (first.file as NSString).deletingLastPathComponent + "/" + MixdownService.reportPage) else {
            throw APIError(.notFound, "notFound", "this job has no visual report")
        }
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
    static func file(_ path: String, type: String, request: Request, context: AuthenticatedContext) async throws -> Response {
        var info = stat()
        guard stat(path, &info) == 0 else { throw APIError(.notFound, "notFound", "the output is gone") }
        let size = Int(info.st_size)
        var headers: HTTPFields = [.contentType: type, .acceptRanges: "bytes"]
        let fileIO = FileIO()
        if let range = request.headers[.range] {
            guard let r = Self.byteRange(range, size: size) else {
                var error = APIError(.rangeNotSatisfiable, "rangeNotSatisfiable", "Range: \(MixdownError.excerpt(range)) is outside the file's \(size) bytes")
                error.headers[.contentRange] = "bytes */\(size)"
                throw error
            }
            headers[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound)/\(size)"
            headers[.contentLength] = String(r.count)
            return Response(status: .partialContent, headers: headers, body: try await fileIO.loadFile(path: path, range: r, context: context))
        }
        headers[.contentLength] = String(size)
        return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: path, context: context))
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
