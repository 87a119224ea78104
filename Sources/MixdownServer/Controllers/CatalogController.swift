import Hummingbird
import MixdownCatalog

/// What a production may name on this server: `GET /v1/templates`, `GET /v1/voices`.
struct CatalogController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("templates") { _, _ in
            let templates = try Catalog.templates(libraries: service.configuration.templateLibraries, cache: service.templates, withPaths: false)
            return Response.json(.ok, bytes: JSONText.encode(templates))
        }
        group.get("voices") { _, _ in
            Response.json(.ok, bytes: JSONText.encode(try Catalog.voices(library: service.configuration.voices)))
        }
    }
}
