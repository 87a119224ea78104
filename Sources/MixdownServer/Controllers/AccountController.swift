import Hummingbird

/// The key's own settings (docs/service.md, "Webhooks"): `GET /v1/account/webhook-secret`
/// answers the key's webhook signing secret (`{"secret": "whsec_…"}`, made on first use);
/// `POST` replaces it with a new one, which signs every delivery from then on.
struct AccountController {
    let service: MixdownService

    struct Secret: Encodable { var secret: String }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("account/webhook-secret") { _, context in
            Response.json(.ok, Secret(secret: try await service.store.webhookSecret(key: context.key.name, rotate: false)))
        }
        group.post("account/webhook-secret") { _, context in
            Response.json(.ok, Secret(secret: try await service.store.webhookSecret(key: context.key.name, rotate: true)))
        }
    }
}
