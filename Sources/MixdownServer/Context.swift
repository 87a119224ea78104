import Foundation
import Hummingbird

/// A request's context on the router: who is calling, once an `APIKeyAuthenticator` has checked
/// it (routes anyone may call never look).
public struct ServiceContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authenticator of a route that needs a key: the key the request carried.
    public var caller: Caller? {
        didSet { record.key = caller?.key.name }
    }
    /// What the request log says of this request, shared by every copy of the context (a
    /// group's middleware works on a copy; the log writes after the route has answered).
    public let record = RequestRecord()

    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    /// Bodies are read with explicit limits per route.
    public var maxUploadSize: Int { 1 << 20 }
}

/// The request log's view of a request: set while it is answered, read when it is logged.
public final class RequestRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var _key: String?
    /// The name of the key that made the request (never the key).
    public var key: String? {
        get { lock.withLock { _key } }
        set { lock.withLock { _key = newValue } }
    }
}

/// The key a request was made with.
public struct Caller: Sendable {
    public var key: APIKeyRecord
}

/// The context of every route that needs a key (`router.group(…, context:)`): built from the
/// router's context once the group's `APIKeyAuthenticator` ran, it always has the key, and a
/// request without one never reaches the route: 401.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let key: APIKeyRecord

    public init(context: ServiceContext) throws {
        guard let caller = context.caller else { throw APIError.noKey }
        coreContext = context.coreContext
        key = caller.key
    }

    public var maxUploadSize: Int { 1 << 20 }
}

extension APIError {
    /// A route that needs a key, asked without one.
    static var noKey: APIError { APIError(.unauthorized, "unauthorized", "send an API key: Authorization: Bearer KEY (or x-api-key: KEY)") }
}
