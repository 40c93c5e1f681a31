import Hummingbird

/// Registers routes on the router and remembers them, so a test can hold the list against
/// docs/openapi.yaml.
struct RouteTable {
    /// One registered route: method and path pattern (`{name}` for a parameter).
    struct Route: Hashable, Sendable {
        var method: String
        var path: String
    }

    let router: Router<ServerContext>
    private(set) var routes: [Route] = []

    init(router: Router<ServerContext>) { self.router = router }

    mutating func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response) {
        routes.append(Route(method: method.rawValue, path: path))
        router.on(RouterPath(path), method: method, use: handler)
    }
}
