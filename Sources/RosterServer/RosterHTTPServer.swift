public import Hummingbird
import HummingbirdCore
public import Logging
public import ServiceLifecycle

/// The HTTP side of `rostersync serve --http`: the JSON API, the console and its assets on one
/// router, behind the JSON error and auth middleware.
public enum RosterHTTPServer {
    /// The router with every route, and the routes it registered (method and path pattern).
    static func router(_ environment: ServerEnvironment) -> (Router<ServerContext>, [RouteTable.Route]) {
        let router = Router(context: ServerContext.self)
        let sessions = SessionStore()
        router.add(middleware: RequestMetricsMiddleware(metrics: environment.jobs.metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(tokens: environment.tokens, sessions: sessions))
        var table = RouteTable(router: router)
        APIRoutes(environment: environment).register(on: &table)
        ConsoleRoutes(environment: environment, api: APIRoutes(environment: environment), sessions: sessions).register(on: &table)
        return (router, table.routes)
    }

    /// The application listening on `host`:`port`, running `services` (the scheduler) beside it
    /// under one service group: SIGTERM or SIGINT stops accepting connections, lets the requests in
    /// progress end, and stops the services. A connection that sends nothing for `idleTimeout`
    /// (a client that stalls mid-upload) is closed, and its partial upload removed.
    static func application(
        _ environment: ServerEnvironment, host: String, port: Int, services: [any Service], logger: Logger,
        idleTimeout: Duration = .seconds(30), onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(environment).0,
            server: .http1(configuration: HTTP1Channel.Configuration(idleTimeout: .nanoseconds(Int64(idleTimeout.components.seconds) * 1_000_000_000 + idleTimeout.components.attoseconds / 1_000_000_000))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "rostersync"),
            services: services,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT (see ``application(_:host:port:services:logger:idleTimeout:onListening:)``).
    public static func run(
        _ environment: ServerEnvironment, host: String, port: Int, services: [any Service], logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await application(environment, host: host, port: port, services: services, logger: logger, onListening: onListening).runService()
    }
}
