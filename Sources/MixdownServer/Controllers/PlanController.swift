import Foundation
import Hummingbird
import MixdownCore
import MixdownRender
import MixdownReport

/// A production looked at before it renders (docs/service.md), answered at once.
///
/// - `POST /v1/plan`: its timeline, as `mixdown plan --json` prints it. `?estimate=true` speaks
///   nothing, `?strict=true` refuses any warning (422). What it synthesises goes into the
///   server's speech cache, so the render that follows lands on the same samples.
/// - `POST /v1/validate`: every check a render makes before speaking (the script, names,
///   media, templates, voices, timing, formats, tags), 200 `{"valid": true, "warnings"}` or 422
///   with the error also as `errors[]` carrying the script's `line` and `column` (an editor
///   marks it where it is). Nothing is spoken, so it is cheap enough to call as a user types.
///   `?verdict=body` answers an invalid production 200 too (`"valid": false`): a browser logs
///   every 4xx as a console error, and a mistake being typed is no error of the page's.
struct PlanController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("plan", use: plan)
        group.post("validate", use: validate)
    }

    /// `{"valid": true, "warnings": […]}`.
    struct Valid: Encodable {
        var valid = true
        var warnings: [RenderReport.Warning]
    }

    /// 422's body: the usual `error`, and the same as `errors[]` with the script position.
    struct Invalid: Encodable {
        var valid = false
        struct Entry: Encodable {
            var code: String
            var message: String
            var path: String?
            var line: Int?
            var column: Int?
        }
        var error: ErrorObject
        var errors: [Entry]
    }

    @Sendable func validate(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        for (name, _) in request.uri.queryParameters where name != "strict" && name != "verdict" {
            throw APIError(.badRequest, "invalidQuery", "unknown query parameter '\(MixdownError.excerpt(String(name)))' (strict, verdict)", path: String(name))
        }
        let strict = try MixdownService.flag(request, "strict")
        let verdict = request.uri.queryParameters.get("verdict") ?? "status"
        guard verdict == "status" || verdict == "body" else {
            throw APIError(.badRequest, "invalidQuery", "verdict is status or body, got '\(MixdownError.excerpt(verdict))'", path: "verdict")
        }
        let refused: HTTPResponse.Status = verdict == "body" ? .ok : .unprocessableContent
        let root = try await service.readJSON(request, limit: service.configuration.maxProductionBytes, file: "production")
        do {
            let admitted = try await service.gate(for: context.key.name).admit(root, file: "production")
            var render = service.renderRequest(admitted.production, variables: [:], folder: service.configuration.dataDirectory + "/tmp")
            render.strict = strict
            let checking = render
            let checked = try await MixdownService.onThread { try Pipeline.check(checking, outputs: false) }
            let warnings = RenderReport.warnings(checks: checked.warnings, plan: nil, scriptWarnings: checked.script.warnings, speech: nil)
            return Response.json(.ok, Valid(warnings: warnings))
        } catch let error as MixdownError where error.kind == .badInput || error.kind == .usage {
            let api = APIError(error)
            // A position in the script (not one in the production's JSON) is what an editor marks.
            let inScript = error.location.map { $0.file.hasSuffix("#scriptText") } ?? false
            let entry = Invalid.Entry(code: api.code, message: api.message, path: api.path,
                                      line: inScript ? error.location?.line : nil, column: inScript ? error.location?.column : nil)
            return Response.json(api.status == .unprocessableContent ? refused : api.status, Invalid(error: api.object, errors: [entry]))
        } catch let error as APIError where error.status == .unprocessableContent {
            return Response.json(refused, Invalid(error: error.object, errors: [.init(code: error.code, message: error.message, path: error.path)]))
        }
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
