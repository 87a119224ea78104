import Foundation
import Hummingbird
import MixdownCore
import MixdownStorage
import NIOCore
import MixdownRender
import MixdownReport
import MixdownScript

/// Productions (docs/service.md): `POST /v1/productions` queues one; `GET /v1/productions`
/// lists the key's jobs; `GET`, `DELETE /v1/productions/{id}` and `GET …/report` read or cancel
/// any job of the key (a master's too). Its files (outputs, report page, stems, captions) are
/// `OutputsController`'s.
struct ProductionsController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("productions", use: list)
        group.post("productions", use: create)
        group.get("productions/:id", use: status)
        group.delete("productions/:id", use: cancel)
        group.get("productions/:id/report", use: report)
        group.get("productions/:id/vast.xml", use: vast)
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
        let spec = JobSpec.production(.init(production: production, variables: [:]))
        // The same production with the same inputs, rendered before: its files, at once.
        let cacheKey = admitted.cache ? ResultCache.key(production: production, admitted: admitted.production, keyName: key.name, service: service) : nil
        if let cacheKey, let earlier = try await service.store.cachedJob(key: key.name, cacheKey: cacheKey),
           let hit = await ResultCache.reuse(earlier, id: UUID().uuidString.lowercased(), spec: spec.text, idempotencyKey: idempotency,
                                       cacheKey: cacheKey, service: service) {
            try await service.store.addFinished(hit)
            if let url = admitted.webhook {
                let body = JSONText.encode(JobStatus(hit)), store = service.store, policy = service.configuration.webhookPolicy, name = key.name
                Task { await Webhook.deliver(Webhook.target(url: url), body: body, secret: { try? await store.webhookSecret(key: name, rotate: false) }, policy: policy) }
            }
            return Response.json(.ok, JobStatus(hit), headers: [.location: "/v1/productions/\(hit.id)"])
        }
        try await service.checkConcurrency(key, adding: 1)
        var job = JobRecord(id: UUID().uuidString.lowercased(), key: key.name, spec: spec.text,
                            state: .queued, progress: 0, idempotencyKey: idempotency, batch: nil,
                            webhook: admitted.webhook.map { Webhook.target(url: $0) },
                            attempts: 0, created: Date().timeIntervalSince1970)
        job.cacheKey = cacheKey
        if let earlier = try await service.store.enqueue([job]) { return service.accepted(earlier) }
        return service.accepted(job)
    }

    @Sendable func status(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        var status = JobStatus(job)
        if job.state == .succeeded, let first = StoredOutput.of(job).first,
           (try? await service.storage.size((first.file as NSString).deletingLastPathComponent + "/" + MixdownService.reportPage)) != nil {
            status.reportPage = "/v1/productions/\(job.id)/report.html?access=\(PlayerAccess.token(job: job.id, format: PlayerAccess.reportPage, key: context.key))"
        }
        return Response.json(.ok, status)
    }

    /// The key's jobs, newest first: `?limit=` (1–200, 50 when absent), `?after=` (the last id
    /// of a page, which the page's `next` gives: the following page).
    @Sendable func list(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let query = request.uri.queryParameters
        for (name, _) in query where name != "limit" && name != "after" {
            throw APIError(.badRequest, "invalidQuery", "unknown query parameter '\(MixdownError.excerpt(String(name)))' (limit, after)", path: String(name))
        }
        var limit = 50
        if let text = query.get("limit") {
            guard let n = Int(text), (1...200).contains(n) else {
                throw APIError(.badRequest, "invalidQuery", "limit is a whole number from 1 to 200, got '\(MixdownError.excerpt(text))'", path: "limit")
            }
            limit = n
        }
        var last: JobRecord?
        if let id = query.get("after") {
            guard let job = try await service.store.job(id: id, key: context.key.name) else {
                throw APIError(.notFound, "notFound", "after names no job of this key: '\(MixdownError.excerpt(id))'", path: "after")
            }
            last = job
        }
        let jobs = try await service.store.jobs(key: context.key.name, limit: limit, after: last)
        let entries = jobs.map { job -> JobList.Entry in
            let kind: String = if case .master? = JobSpec(text: job.spec) { "master" } else { "production" }
            return JobList.Entry(id: job.id, kind: kind, status: job.state.rawValue, progress: job.state == .succeeded ? 1 : job.progress,
                                 created: job.created, finished: job.finished, batch: job.batch, outputs: JobStatus(job).outputs)
        }
        return Response.json(.ok, JobList(jobs: entries, next: jobs.count == limit ? jobs.last?.id : nil))
    }

    /// Cancels a queued or running job and deletes its files; the job stays, `cancelled`.
    @Sendable func cancel(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let job = try await service.store.cancel(id: id, key: context.key.name) else { throw APIError.notFound("production") }
        service.rendering.withLock { $0[id] }?.cancel()
        try? FileManager.default.removeItem(atPath: service.configuration.dataDirectory + "/jobs/" + id)
        try? await service.storage.delete(prefix: "jobs/\(id)/")
        var status = JobStatus(job)
        status.outputs = []
        return Response.json(.ok, status)
    }

    @Sendable func report(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        guard let report = StoredReport.served(job.report) else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its report exists once it has succeeded")
        }
        return Response.json(.ok, report)
    }

    /// The VAST 4.2 document of a production that asked for one (`"vast"`): built for this
    /// request, its MediaFile URLs this server's outputs routes with player links of their own
    /// (valid 12 hours, as a report page's), or `vast.mediaBaseUrl` + the file's name when the
    /// production gives one (the operator's CDN).
    @Sendable func vast(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let job = try await service.ownJob(context)
        guard job.state == .succeeded, let reportText = job.report else {
            throw APIError(.conflict, "notReady", "the job is \(job.state.rawValue); its VAST document exists once it has succeeded")
        }
        guard case .production(let spec)? = JobSpec(text: job.spec), case .object(let production) = spec.production,
              case .object(let settings)? = production["vast"], case .string(let title)? = settings["adTitle"] else {
            throw APIError(.notFound, "notFound", "this production asked for no VAST document (add \"vast\": {\"adTitle\": …} to it)")
        }
        func text(_ key: String) -> String? { if case .string(let s)? = settings[key] { return s }; return nil }
        let settingsValue = VastRequest(adTitle: title, clickThrough: text("clickThrough"), mediaBaseUrl: text("mediaBaseUrl"))
        guard let report = try? JSONSerialization.jsonObject(with: Data(reportText.utf8)) as? [String: Any],
              let total = report["totalSamples"] as? Int, let rate = report["sampleRate"] as? Int else {
            throw APIError(.internalServerError, "internal", "the job's report cannot be read")
        }
        let scheme = MixdownService.header(request, "x-forwarded-proto") ?? "http"
        let host = request.head.authority ?? MixdownService.header(request, "host") ?? "localhost"
        let media = StoredOutput.of(job).map { output -> VastDocument.Media in
            let url = settingsValue.mediaBaseUrl.map { VastDocument.url(base: $0, file: output.file) }
                ?? "\(scheme)://\(host)/v1/productions/\(job.id)/outputs/\(output.endFormat)?access=\(PlayerAccess.token(job: job.id, format: output.endFormat, key: context.key))"
            return VastDocument.Media(name: output.endFormat, file: output.file, bytes: output.bytes, url: url)
        }
        let document = VastDocument.xml(settingsValue, id: job.id, totalSamples: total, sampleRate: rate, media: media, version: Pipeline.version)
        return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8", .contentLength: String(document.utf8.count)],
                        body: .init(byteBuffer: ByteBuffer(string: document)))
    }
}
