import Foundation
import Hummingbird
import RosterCore
import RosterEngine

/// The web console: server-rendered pages over the same data as the API, a session cookie after
/// signing in with an API token, and a CSRF token on every form.
struct ConsoleRoutes {
    let environment: ServerEnvironment
    let api: APIRoutes
    let sessions: SessionStore

    func register(on routes: inout RouteTable) {
        routes.add(.get, "/") { _, _ in .redirect(to: "/users", type: .found) }
        routes.add(.get, "/assets/console.css") { _, _ in try Assets.response("console.css", type: "text/css; charset=utf-8") }
        routes.add(.get, "/assets/console.js") { _, _ in try Assets.response("console.js", type: "text/javascript; charset=utf-8") }
        routes.add(.get, "/login") { _, _ in ConsolePages.signIn(error: nil) }
        routes.add(.post, "/login") { request, context in try await signIn(request, context) }
        routes.add(.post, "/logout", page { request, context in try await signOut(request, context) })
        routes.add(.get, "/users", page { request, context in
            try await ConsolePages.users(Query(request), store: environment.store, config: environment.config, caller: context.caller)
        })
        routes.add(.get, "/import") { _, context in ConsolePages.importPage(caller: context.caller) }
        routes.add(.get, "/jobs", page { _, context in ConsolePages.jobs(try await api.jobs(), caller: context.caller) })
        routes.add(.post, "/jobs/{name}/run", page { request, context in try await runJob(request, context) })
        routes.add(.get, "/runs", page { request, context in try await ConsolePages.runs(Query(request), store: environment.store, caller: context.caller) })
        routes.add(.get, "/runs/{id}", page { _, context in
            let id = try runID(context)
            guard let run = try await environment.store.run(id: id) else {
                return ConsolePages.message("Not found", "There is no run \(id). The Runs page lists every run.", caller: context.caller, status: .notFound)
            }
            return try await ConsolePages.run(run, failures: environment.store.reportRows(runID: id), caller: context.caller)
        })
    }

    /// `handler` with its refusals (a bad parameter, an unknown run, a form without its CSRF
    /// token) shown as a console page with the same status, instead of the API's JSON.
    private func page(
        _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) -> @Sendable (Request, ServerContext) async throws -> Response {
        { request, context in
            do {
                return try await handler(request, context)
            } catch let error as APIError {
                return ConsolePages.message(ConsolePages.title(of: error.status), error.message, caller: context.caller, status: error.status)
            }
        }
    }

    private func signIn(_ request: Request, _ context: ServerContext) async throws -> Response {
        let form = try await Form.read(request, context)
        let secret = form["token"] ?? ""
        let caller: Caller
        if let match = environment.tokens.caller(for: secret.trimmingCharacters(in: .whitespaces)) {
            caller = Caller(name: match.name, canWrite: match.scope == .write, viaSession: true, csrfToken: nil)
        } else if let hash = environment.config.http.adminPasswordHash, await AdminPassword.verify(secret, hash: hash) {
            caller = Caller(name: AdminPassword.callerName, canWrite: true, viaSession: true, csrfToken: nil)
        } else {
            return ConsolePages.signIn(error: "Sign-in failed: that is neither one of this server's API tokens nor its admin password. Check what you typed and try again.")
        }
        let id = await sessions.open(caller)
        var response = Response.redirect(to: "/users", type: .found)
        response.setCookie(Cookie(name: SessionStore.cookieName, value: id, maxAge: Int(SessionStore.lifetime), path: "/",
                                  secure: Self.behindTLS(request), httpOnly: true, sameSite: .strict))
        return response
    }

    /// True when a TLS-terminating proxy says the browser used https: the cookie is then Secure.
    private static func behindTLS(_ request: Request) -> Bool {
        request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value.lowercased() == "https"
    }

    private func signOut(_ request: Request, _ context: ServerContext) async throws -> Response {
        let form = try await Form.read(request, context)
        try Form.checkCSRF(form, context)
        if let id = request.cookies[SessionStore.cookieName]?.value { await sessions.close(id) }
        var response = Response.redirect(to: "/login", type: .found)
        response.setCookie(Cookie(name: SessionStore.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    private func runJob(_ request: Request, _ context: ServerContext) async throws -> Response {
        let form = try await Form.read(request, context)
        try Form.checkCSRF(form, context)
        guard context.caller?.canWrite == true else {
            return ConsolePages.message("Not allowed", "Your token has scope read: it can view the roster and runs but not start a run.", caller: context.caller, status: .forbidden)
        }
        let name = context.parameters.get("name") ?? ""
        guard let job = environment.config.jobs.first(where: { $0.name == name }) else {
            return ConsolePages.message("No such job", "There is no job named \(name). The jobs page lists the configured jobs.", caller: context.caller, status: .notFound)
        }
        let options = SyncOptions(full: form["full"] == "true", trigger: .api)
        do {
            if form["dry_run"] == "true" {
                return ConsolePages.dryRun(try await environment.jobs.dryRun(job, options: options), caller: context.caller)
            }
            let id = try await environment.jobs.start(job, options: options)
            return .redirect(to: "/runs/\(id)", type: .found)
        } catch let conflict as RunConflict {
            return ConsolePages.message("Job already running", "Job \(conflict.job) is already running as run \(conflict.runningRun). Wait for it to finish, then start it again.", caller: context.caller, status: .conflict)
        } catch let config as ConfigError {
            return ConsolePages.message("Job cannot start", config.description, caller: context.caller, status: .unprocessableContent)
        }
    }
}

/// A URL-encoded form body (small; the console's forms only).
struct Form {
    let fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    static func read(_ request: Request, _ context: ServerContext) async throws -> Form {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024)
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: buffer).replacingOccurrences(of: "+", with: "%20")
        var fields: [String: String] = [:]
        for item in components.queryItems ?? [] { fields[item.name] = item.value ?? "" }
        return Form(fields: fields)
    }

    /// Refuses a form post whose `csrf` field is not the session's token (a cross-site post).
    static func checkCSRF(_ form: Form, _ context: ServerContext) throws {
        guard let expected = context.caller?.csrfToken, let given = form["csrf"],
              APITokens.constantTimeEqual(Array(given.utf8), Array(expected.utf8)) else {
            throw APIError(.forbidden, "this form was sent without the page's CSRF token; reload the page and try again")
        }
    }
}

/// The console's stylesheet and script, shipped in the module's resources.
enum Assets {
    static func response(_ name: String, type: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: "Assets/" + name, withExtension: nil), let data = FileManager.default.contents(atPath: url.path) else {
            throw APIError(.notFound, "asset \(name) is missing from this build")
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
