import Hummingbird
import MixdownCatalog

/// The voices a production may name on this server: `GET /v1/voices` (templates are
/// `TemplatesController`'s).
struct CatalogController {
    let service: MixdownService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("voices") { _, _ in
            Response.json(.ok, bytes: JSONText.encode(try Catalog.voices(library: service.configuration.voices)))
        }
    }
}
