public import Hummingbird
import Logging

/// Who made a request: the API token's name and what it may do. `viaSession` is true when the
/// console's session cookie carried it, which makes every state-changing request need the
/// session's CSRF token.
public struct Caller: Sendable, Equatable {
    public var name: String
    public var canWrite: Bool
    public var viaSession: Bool
    /// The session's CSRF token (console callers only).
    public var csrfToken: String?
}

/// The request context of the server: Hummingbird's core storage plus the authenticated caller.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware`` once the request's token or session checked out.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        caller = nil
    }

    /// Uploads are streamed and bounded by the server's own limit, never collected whole.
    public var maxUploadSize: Int { 64 * 1024 }
}
