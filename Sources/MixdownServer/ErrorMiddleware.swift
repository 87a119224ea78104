import Foundation
import Hummingbird
import MixdownCore
import NIOCore

/// Errors of every kind answered as `{"error": {…}}`, and requests counted by status and
/// logged (`RequestLog`).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let metrics: ServiceMetrics
    var log: (@Sendable (String) -> Void)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        func done(_ status: Int) {
            metrics.request(status: status)
            guard let log else { return }
            log(RequestLog.line(request, route: context.endpointPath, status: status, key: context.record.key,
                                milliseconds: (ContinuousClock.now - started) / .milliseconds(1)))
        }
        do {
            let response = try await next(request, context)
            done(response.status.code)
            return response
        } catch {
            let api: APIError = switch error {
            case let e as APIError: e
            case let e as MixdownError: APIError(e)
            case let e as HTTPError where e.status == .contentTooLarge:
                APIError(.contentTooLarge, "tooLarge", "the body is larger than this route takes")
            case let e as NIOTooManyBytesError:
                APIError(.contentTooLarge, "tooLarge", "the body is larger than this route takes (at most \(e.maxBytes.map(String.init) ?? "?") bytes)")
            case let e as HTTPError where e.status == .notFound: APIError(.notFound, "notFound", "no such route or resource")
            case let e as HTTPError: APIError(e.status, "httpError", e.body ?? e.status.reasonPhrase)
            default: APIError(.internalServerError, "internalError", "\(error)")
            }
            done(api.status.code)
            throw api
        }
    }
}

/// The request log (docs/service.md): one JSON line per request with its time, id, method,
/// route (the route's pattern, so ids and link tokens stay out of it; the path when no route
/// took it), status, milliseconds and the key's name. Never a key, a secret, a query or a body.
enum RequestLog {
    static func line(_ request: Request, route: String?, status: Int, key: String?, milliseconds: Double) -> String {
        var fields: [String: Any] = [
            "time": ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds]),
            "id": requestID(request), "method": request.method.rawValue,
            "route": route.flatMap { $0 == "NotFound" ? nil : $0 } ?? String(request.uri.path.prefix(200)),
            "status": status, "ms": (milliseconds * 10).rounded() / 10,
        ]
        if let key { fields["key"] = key }
        return String(decoding: JSONText.serialize(fields), as: UTF8.self)
    }

    /// The client's `X-Request-Id` when it is a plain token (letters, digits, `.`, `_`, `-`,
    /// at most 100), else a new one.
    static func requestID(_ request: Request) -> String {
        if let given = MixdownService.header(request, "x-request-id"), (1...100).contains(given.count),
           given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            return given
        }
        return String(UUID().uuidString.lowercased().prefix(18))
    }
}
