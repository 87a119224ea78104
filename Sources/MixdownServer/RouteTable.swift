import Hummingbird

/// The routes the controllers added, in the order they added them: for each, its path, its
/// method and the authenticator of its group (nil: anyone may call it). The router answers the
/// requests they take; this table answers the others: 404 for a path no route has, 405 with
/// `Allow` for a method its path does not take.
struct RouteTable: Sendable {
    struct Route: Sendable {
        var path: RouterPath
        var method: HTTPRequest.Method
        var authenticator: APIKeyAuthenticator?
    }

    private(set) var routes = [Route]()

    mutating func add(_ route: Route) { routes.append(route) }

    /// The routes whose path matches `path` (as the router matches it: empty components are
    /// ignored), with the path's parameters by the routes' names for them.
    func routes(matching path: String) -> (routes: [Route], parameters: Parameters) {
        let components = path.split(separator: "/")
        var found = [Route](), parameters = Parameters()
        for route in routes where route.path.components.count == components.count
            && zip(route.path.components, components).allSatisfy({ $0 ~= $1 }) {
            if found.isEmpty {
                for (element, component) in zip(route.path.components, components) {
                    if let name = Self.parameterName(element) { parameters.append(key: name, value: component) }
                }
            }
            found.append(route)
        }
        return (found, parameters)
    }

    /// The methods the routes take, each GET followed by HEAD (as `Allow` lists them).
    static func allowed(_ routes: [Route]) -> [HTTPRequest.Method] {
        routes.flatMap { $0.method == .get ? [.get, .head] : [$0.method] }
    }

    /// `:name` (written `{name}` by RouterPath) → `name`.
    static func parameterName(_ element: RouterPath.Element) -> Substring? {
        let text = element.description[...]
        guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
        return text.dropFirst().dropLast()
    }
}

/// Builds the service's router: the controllers add their routes to its groups, and each route
/// is noted in `table` on the way (`RouteRecorder`), so that the requests no route takes are
/// answered from the routes that exist (`NoRouteMiddleware`).
final class ServiceRouterBuilder {
    let router: Router<ServiceContext>
    fileprivate(set) var table = RouteTable()

    init(_ router: Router<ServiceContext>) { self.router = router }

    /// Routes anyone may call.
    func group(_ path: RouterPath = "") -> RouterGroup<ServiceContext> {
        RouteRecorder(builder: self, authenticator: nil).group(path)
    }

    /// Routes that need a key: `authenticator` runs first, and the routes' context carries the
    /// key (`AuthenticatedContext`, which refuses a request without one).
    func group(_ path: RouterPath = "", authenticatedBy authenticator: APIKeyAuthenticator) -> RouterGroup<AuthenticatedContext> {
        RouteRecorder(builder: self, authenticator: authenticator)
            .group(path)
            .add(middleware: authenticator)
            .group(context: AuthenticatedContext.self)
    }

    /// The router, answering every request no route takes after the routes: 404 or 405, once
    /// the caller is authenticated as the path's routes (an unknown path's: as `unknownPaths`)
    /// would have it.
    func build(unknownPaths: APIKeyAuthenticator) -> Router<ServiceContext> {
        // Added after every route, this middleware applies to the router's "not found" alone.
        router.add(middleware: NoRouteMiddleware(table: table, unknownPaths: unknownPaths))
        return router
    }
}

/// Where a builder's groups end: each route is noted in the builder's table, with the
/// authenticator of its group, and added to the router.
struct RouteRecorder: RouterMethods {
    typealias Context = ServiceContext
    let builder: ServiceRouterBuilder
    let authenticator: APIKeyAuthenticator?

    @discardableResult func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        builder.table.add(.init(path: path, method: method, authenticator: authenticator))
        builder.router.on(path, method: method, responder: responder)
        return self
    }

    /// Middleware goes on the groups made from this (as for Hummingbird's own transforming groups).
    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        preconditionFailure("add middleware to a group of the ServiceRouterBuilder")
    }
}

/// A request no route takes: 405 with `Allow` when its path has routes, else 404. The caller is
/// authenticated first, as the path's routes would authenticate it (an unknown path as
/// `unknownPaths` would), so a request without a valid key learns no more than 401.
struct NoRouteMiddleware: RouterMiddleware {
    typealias Context = ServiceContext
    let table: RouteTable
    let unknownPaths: APIKeyAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let (routes, parameters) = table.routes(matching: request.uri.path)
            var context = context
            context.coreContext.parameters = parameters
            let allowed = RouteTable.allowed(routes)
            let refusal = allowed.isEmpty
                ? APIError(.notFound, "notFound", "no such route or resource")
                : APIError(.methodNotAllowed, "methodNotAllowed", "\(request.method.rawValue) is not a method of this route",
                           headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
            guard let authenticator = routes.isEmpty ? unknownPaths : routes.first?.authenticator else { throw refusal }
            return try await authenticator.handle(request, context: context) { _, context in
                _ = try AuthenticatedContext(context: context)
                throw refusal
            }
        }
    }
}
