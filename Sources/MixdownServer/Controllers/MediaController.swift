import Hummingbird
import MixdownCore

/// `POST /v1/media?name=NAME`: an audio file, or a JPEG or PNG cover (`metadata.coverImage`),
/// checked and kept as the key's media (201).
struct MediaController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("media", use: upload)
    }

    @Sendable func upload(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        for (name, _) in request.uri.queryParameters where name != "name" {
            throw APIError(.unprocessableContent, "invalidParameter", "unknown query parameter (known: name)", path: MixdownError.excerpt(name))
        }
        let record = try await service.storeUpload(request, key: context.key, name: request.uri.queryParameters.get("name") ?? "media", images: true)
        return Response.json(.created, MediaCreated(record))
    }
}
