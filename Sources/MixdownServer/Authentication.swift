import Foundation
import Hummingbird
import MixdownCore

/// The middleware of the groups whose routes need a key: `Authorization: Bearer KEY` or
/// `x-api-key: KEY`, looked up (hashed) in the store. A key that is sent but unknown or revoked
/// is refused here (401); with none sent the request goes on without a caller, and
/// `AuthenticatedContext` refuses it (401) before any route of the group runs.
///
/// With `acceptsPlayerLinks` (the routes of one job's output, `…/:id/outputs/:endFormat`, and
/// its report page, `…/:id/report.html`), a request with no key may instead carry a link's
/// `?access=TOKEN`, which opens that output (or page) of that job only (`PlayerAccess`).
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = ServiceContext
    let store: any JobStore
    var acceptsPlayerLinks = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.caller = try await caller(of: request, parameters: context.parameters)
        return try await next(request, context)
    }

    /// The key `request` was made with; nil when it sent none.
    func caller(of request: Request, parameters: Parameters) async throws -> Caller? {
        var raw = MixdownService.header(request, "x-api-key")
        if raw == nil, let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
            raw = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if raw == nil, acceptsPlayerLinks, let access = request.uri.queryParameters.get("access"),
           let job = parameters.get("id"),
           let format = parameters.get("endFormat") ?? (request.uri.path.hasSuffix("/" + PlayerAccess.reportPage) ? PlayerAccess.reportPage : nil) {
            guard let key = try await PlayerAccess.verify(access, job: job, format: format, store: store) else {
                throw APIError(.unauthorized, "unauthorized", "this player link is not valid (expired, or its key revoked): open the report page again")
            }
            return Caller(key: key)
        }
        guard let raw, !raw.isEmpty, raw.count <= 200 else { return nil }
        guard let key = try await store.key(hash: SHA256.hex(raw)) else {
            throw APIError(.unauthorized, "unauthorized", "this API key is not valid (unknown or revoked)")
        }
        return Caller(key: key)
    }
}
