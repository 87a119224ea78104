import Foundation
import Hummingbird
import MixdownCore
import MixdownRender

/// `POST /v1/plan` (docs/service.md): a production's timeline before any rendering, answered at
/// once (200) with what `mixdown plan --json` prints. The body is a production as for
/// `/v1/productions`; `?estimate=true` speaks nothing, `?strict=true` refuses any warning (422).
/// What it synthesises goes into the server's speech cache, so the render that follows lands
/// on the same samples.
struct PlanController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("plan", use: plan)
    }

    @Sendable func plan(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        for (name, _) in request.uri.queryParameters where name != "strict" && name != "estimate" {
            throw APIError(.badRequest, "invalidQuery", "unknown query parameter '\(MixdownError.excerpt(String(name)))' (strict, estimate)", path: String(name))
        }
        let strict = try MixdownService.flag(request, "strict"), estimate = try MixdownService.flag(request, "estimate")
        let root = try await service.readJSON(request, limit: service.configuration.maxProductionBytes, file: "production")
        let admitted = try await service.gate(for: context.key.name).admit(root, file: "production")
        var render = service.renderRequest(admitted.production, variables: [:], folder: service.configuration.dataDirectory + "/tmp")
        render.strict = strict
        let planning = render
        let planned = try await MixdownService.onThread { try Planning.plan(planning, estimate: estimate) }
        return Response.json(.ok, planned)
    }
}
