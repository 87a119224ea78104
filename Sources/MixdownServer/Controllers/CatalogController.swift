import Hummingbird
import Mixdown

/// What a production may name on this server: `GET /v1/templates`, `GET /v1/voices`.
struct CatalogController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("templates") { _, _ in
            let templates = try Catalog.templates(libraries: service.configuration.templateLibraries, cache: service.templates, withPaths: false)
            return Response.json(.ok, bytes: JSONText.serialize(templates))
        }
        group.get("voices") { _, _ in
            Response.json(.ok, bytes: JSONText.serialize(try Catalog.voices(piper: service.configuration.piper)))
        }
    }
}
