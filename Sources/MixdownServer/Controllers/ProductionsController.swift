import Foundation
import Hummingbird
import MixdownCore
import NIOCore
import MixdownRender

/// Productions (docs/service.md): `POST /v1/productions` queues one; `GET`, `DELETE
/// /v1/productions/{id}`, `GET …/report` and `GET …/report.html` read or cancel any job of the
/// key (a master's too). Its outputs are `OutputsController`'s.
struct ProductionsController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("productions", use: create)
        group.get("productions/:id", use: status)
        group.delete("productions/:id", use: cancel)
        group.get("productions/:id/report", use: report)
        group.get("productions/:id/report.html", use: reportPage)
    }

    @Sendable func create(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let key = context.key
        let idempotency = try MixdownService.idempotencyKey(request)
        let strict = try MixdownService.flag(request, "strict")
        let root = try await service.readJSON(request, limit: service.configuration.maxProductionBytes, file: "production")
        // `?strict=true` is kept in the stored production: the worker renders it strictly.
        let production = JSONValue(root).settingStrict(strict)
        if let earlier = try await service.earlierJob(idempotency, key: key, sameRequest: { spec in
            // The same production, however it was serialised (key order, spacing).
            guard case .production(let first)? = spec else { return false }
            return first.production == production
        }) { return service.accepted(earlier) }
        let admitted = try await service.gate(for: key.name).admit(root, file: "production")
        var check = service.renderRequest(admitted.production, variables: [:], folder: service.configuration.dataDirectory + "/tmp")
        check.strict = strict
        _ = try Pipeline.check(check)
        try await service.checkConcurrency(key, adding: 1)
        let spec = JobSpec.production(.init(production: production, variables: [:]))
        let job = JobRecord(id: UUID().uuidString.lowercased(), key: key.name, spec: spec.text,
                            state: .queued, progress: 0, idempotencyKey: idempotency, batch: nil,
                            webhook: admitted.webhook.map { Webhook.target(url: $0, secret: context.rawKey ?? "") },
                            attempts: 0, created: Date().timeIntervalSince1970)
        if let earlier = try await service.store.enqueue([job]) { return service.accepted(earlier) }
        return service.accepted(job)
    }

    @Sendable func status(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        Response.json(.ok, JobStatus(try await service.ownJob(context)))
    }

    /// Cancels a queued or running job and deletes its files; the job stays, `cancelled`.
    @Sendable func cancel(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let job = try await service.store.cancel(id: id, key: context.key.name) else { throw APIError.notFound("production") }
        service.rendering.withLock { $0[id] }?.cancel()
        try? FileManager.default.removeItem(atPath: service.configuration.dataDirectory + "/jobs/" + id)
        var status = JobStatus(job)
        status.outputs = []
        return Response.json(.ok, status)
    }

    @Sendable func report(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        guard let report = job.report else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its report exists once it has succeeded")
        }
        return Response.json(.ok, bytes: Array(report.utf8))
    }

    /// The visual report written beside the job's outputs. Its policy lets the page run its
    /// own inline script and play the job's outputs from this server, and nothing else.
    @Sendable func reportPage(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        guard job.state == .succeeded else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its report exists once it has succeeded")
        }
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
}
