import Foundation
import Hummingbird
import MixdownCore
import MixdownIO

/// `GET /v1/productions/{id}/outputs/{endFormat}`: one delivered file, whole or by a byte
/// range. Its group also takes a report page's player link instead of a key (`PlayerAccess`).
struct OutputsController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("productions/:id/outputs/:endFormat", use: output)
    }

    @Sendable func output(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        let format = try context.parameters.require("endFormat")
        guard job.state == .succeeded else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its outputs exist once it has succeeded")
        }
        guard let output = StoredOutput.of(job).first(where: { $0.endFormat == format }) else {
            throw APIError(.notFound, "notFound", "no output in format '\(MixdownError.excerpt(format))' for this production")
        }
        let path = service.configuration.dataDirectory + "/" + output.file
        var info = stat()
        guard stat(path, &info) == 0 else { throw APIError(.notFound, "notFound", "the output is gone") }
        let size = Int(info.st_size)
        var headers: HTTPFields = [.contentType: EndFormat.mimeType(forExtension: URL(fileURLWithPath: output.file).pathExtension), .acceptRanges: "bytes"]
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
