import Foundation
import Hummingbird
import MixdownCore
import MixdownStorage

/// The key's media (docs/service.md): `POST /v1/media?name=NAME` keeps an audio file, or a JPEG
/// or PNG cover (`metadata.coverImage`), checked (201); `GET /v1/media` lists them, newest
/// first; `GET /v1/media/{id}` is one; `DELETE /v1/media/{id}` removes one and its file (204),
/// unless a queued or running job of the key uses it (409).
struct MediaController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("media", use: list)
        group.post("media", use: upload)
        group.get("media/:id", use: one)
        group.delete("media/:id", use: remove)
    }

    @Sendable func upload(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        for (name, _) in request.uri.queryParameters where name != "name" {
            throw APIError(.unprocessableContent, "invalidParameter", "unknown query parameter (known: name)", path: MixdownError.excerpt(name))
        }
        let record = try await service.storeUpload(request, key: context.key, name: request.uri.queryParameters.get("name") ?? "media", images: true)
        return Response.json(.created, MediaCreated(record))
    }

    @Sendable func list(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        for (name, _) in request.uri.queryParameters {
            throw APIError(.badRequest, "invalidQuery", "unknown query parameter '\(MixdownError.excerpt(String(name)))' (none)", path: String(name))
        }
        let media = try await service.store.mediaList(key: context.key.name, limit: 1_000)
        return Response.json(.ok, ["media": media.map(MediaCreated.init)])
    }

    @Sendable func one(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        guard let record = try await service.store.media(id: try context.parameters.require("id"), key: context.key.name) else {
            throw APIError.notFound("media")
        }
        return Response.json(.ok, MediaCreated(record))
    }

    @Sendable func remove(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        switch try await service.store.deleteMedia(id: try context.parameters.require("id"), key: context.key.name) {
        case .deleted(let record):
            try? await service.storage.delete(prefix: record.path)
            try? FileManager.default.removeItem(atPath: service.configuration.dataDirectory + "/objects/" + record.path)
            return Response(status: .noContent)
        case .inUse:
            throw APIError(.conflict, "inUse", "a queued or running job uses this media: delete it once the job has ended (or cancel the job)")
        case .notFound:
            throw APIError.notFound("media")
        }
    }
}
