import Hummingbird

extension MixdownService {
    /// The HTTP API (docs/service.md, docs/openapi.yaml), each controller adding its routes to
    /// a group:
    ///
    /// | route | group |
    /// |---|---|
    /// | `GET /health`, `GET /openapi.yaml`, `GET /` and `/studio/…` (Mixdown Studio) | anyone |
    /// | `GET /metrics` | a key |
    /// | `GET`·`POST /v1/templates`, `DELETE /v1/templates/{name}`, `GET /v1/voices`, `GET …/{name|id}/preview` | a key |
    /// | `GET`·`POST /v1/media`, `GET`·`DELETE /v1/media/{id}`, `GET`·`POST /v1/account/webhook-secret` | a key |
    /// | `POST`·`GET /v1/productions`, `GET`·`DELETE /v1/productions/{id}`, `GET …/report`, `…/vast.xml` | a key |
    /// | `POST /v1/plan`, `POST /v1/validate` | a key |
    /// | `GET /v1/productions/{id}/outputs/{endFormat}`, `…/report.html`, stems, captions | a key, or a link's `access` token |
    /// | `POST /v1/master` | a key |
    /// | `POST /v1/batches`, `GET /v1/batches/{id}` | a key |
    ///
    /// Any other request is answered from these routes: 405 with `Allow` for a method its path
    /// does not take, 404 for a path no route has, each after the authentication the path's
    /// routes ask for (an unknown path's: a key), so that without a key it is 401.
    public func router() -> Router<ServiceContext> {
        let router = Router(context: ServiceContext.self)
        router.add(middleware: ErrorMiddleware(metrics: metrics, log: configuration.requestLog))
        let routes = ServiceRouterBuilder(router)
        let key = APIKeyAuthenticator(store: store)

        HealthController().addRoutes(to: routes.group())
        StudioController().addRoutes(to: routes.group())
        MetricsController(service: self).addRoutes(to: routes.group(authenticatedBy: key))
        let v1 = routes.group("v1", authenticatedBy: key)
        TemplatesController(service: self).addRoutes(to: v1)
        CatalogController(service: self).addRoutes(to: v1)
        PreviewsController(service: self).addRoutes(to: v1)
        MediaController(service: self).addRoutes(to: v1)
        AccountController(service: self).addRoutes(to: v1)
        ProductionsController(service: self).addRoutes(to: v1)
        PlanController(service: self).addRoutes(to: v1)
        OutputsController(service: self).addRoutes(to: routes.group("v1", authenticatedBy: APIKeyAuthenticator(store: store, acceptsPlayerLinks: true)))
        MasterController(service: self).addRoutes(to: v1)
        BatchesController(service: self).addRoutes(to: v1)
        return routes.build(unknownPaths: key)
    }
}
