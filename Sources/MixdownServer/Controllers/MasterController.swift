import Foundation
import Hummingbird
import MixdownCore

/// `POST /v1/master?…`: a finished mix as the body, the settings in the query (`MasterJob`);
/// the mix is kept as the key's media and a job like a production's is queued (202).
struct MasterController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("master", use: create)
    }

    @Sendable func create(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        let key = context.key
        let idempotency = try MixdownService.idempotencyKey(request)
        // Everything that can be checked comes before the body is read.
        var settings = try MasterJob.settings(request.uri.queryParameters)
        // A retry (same key, same settings) gets the first job without sending the mix again.
        let asked = settings
        if let earlier = try await service.earlierJob(idempotency, key: key, sameRequest: { spec in
            guard case .master(var first)? = spec else { return false }
            first.media = ""
            return first == asked
        }) { return service.accepted(earlier) }
        if let reference = settings.reference, try await service.store.media(id: reference, key: key.name) == nil {
            throw APIError(.unprocessableContent, "unknownMedia", "no media with id '\(MixdownError.excerpt(reference))' for this key: upload the reference first (POST /v1/media)", path: "reference")
        }
        try await service.checkConcurrency(key, adding: 1)
        let media = try await service.storeUpload(request, key: key, name: request.uri.queryParameters.get("name") ?? "mix")
        settings.media = media.id
        let job = JobRecord(id: UUID().uuidString.lowercased(), key: key.name, spec: JobSpec.master(settings).text,
                            state: .queued, progress: 0, idempotencyKey: idempotency, batch: nil, webhook: nil,
                            attempts: 0, created: Date().timeIntervalSince1970)
        if let earlier = try await service.store.enqueue([job]) { return service.accepted(earlier) }
        return service.accepted(job)
    }
}
