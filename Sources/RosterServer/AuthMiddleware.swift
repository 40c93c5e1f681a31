import Foundation
import Hummingbird
import RosterEngine

/// Console sign-ins: a random session id (the cookie) → the token's caller and a CSRF token.
/// Sessions live in memory and end after ``lifetime`` or when the server stops.
actor SessionStore {
    static let cookieName = "rostersync_session"
    static let lifetime: TimeInterval = 8 * 3600

    private var sessions: [String: (caller: Caller, expires: Date)] = [:]

    /// Starts a session for `caller`; returns its id.
    func open(_ caller: Caller) -> String {
        let now = Date()
        sessions = sessions.filter { $0.value.expires > now }
        let id = APITokens.randomHex(bytes: 24)
        var caller = caller
        caller.viaSession = true
        caller.csrfToken = APITokens.randomHex(bytes: 16)
        sessions[id] = (caller, now.addingTimeInterval(Self.lifetime))
        return id
    }

    func caller(session id: String) -> Caller? {
        guard let entry = sessions[id], entry.expires > Date() else { return nil }
        return entry.caller
    }

    func close(_ id: String) {
        sessions[id] = nil
    }
}

/// Checks every request but `/healthz`, the sign-in page and the console's assets: a bearer token
/// (`Authorization: Bearer …`) or the console's session cookie. API routes answer 401 without
/// either; console pages send the browser to the sign-in page. A request that changes something
/// on the strength of the session cookie must carry the session's CSRF token (header
/// `X-CSRF-Token` for the API; forms are checked by their handlers), else 403. `/metrics` is
/// answered like an API route.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let tokens: APITokens
    let sessions: SessionStore

    static let openPaths: Set<String> = ["/healthz", "/login", "/assets/console.css", "/assets/console.js"]

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) { return try await next(request, context) }
        let isAPI = request.uri.path.hasPrefix("/api/") || request.uri.path == "/metrics"
        var context = context
        if let authorization = request.headers[.authorization] {
            guard authorization.lowercased().hasPrefix("bearer "),
                  let match = tokens.caller(for: String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
                throw Self.unauthorized("the bearer token is not one of the server's API tokens; check the token, or create one with `rostersync token create NAME`")
            }
            context.caller = Caller(name: match.name, canWrite: match.scope == .write, viaSession: false, csrfToken: nil)
        } else if let id = request.cookies[SessionStore.cookieName]?.value, let caller = await sessions.caller(session: id) {
            if isAPI, request.method != .get, request.method != .head, Self.csrfHeader(request) != caller.csrfToken {
                throw APIError(.forbidden, "this request came without the page's CSRF token; reload the page and try again")
            }
            context.caller = caller
        } else if isAPI {
            throw Self.unauthorized("this route needs an API token: send Authorization: Bearer TOKEN (create one with `rostersync token create NAME`)")
        } else {
            return .redirect(to: "/login", type: .found)
        }
        return try await next(request, context)
    }

    /// The `X-CSRF-Token` header a signed-in console page sends with its API calls.
    private static func csrfHeader(_ request: Request) -> String? {
        request.headers.first { $0.name.canonicalName == "x-csrf-token" }?.value
    }

    private static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, message)
    }
}

