import Hummingbird
import MixdownCore
import NIOCore

/// Errors of every kind answered as `{"error": {…}}`, and requests counted by status.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.request(status: response.status.code)
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
            metrics.request(status: api.status.code)
            throw api
        }
    }
}
