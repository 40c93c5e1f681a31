public import RosterConnectors

/// The in-memory twin of ``HTTPClient``: answers every request with a handler and records it.
///
/// Paging, auth and retry are tested against it; the same mock-vendor handlers can be served
/// over a loopback server for end-to-end runs.
public actor ScriptedHTTPClient: HTTPClient {
    /// Produces the response for a request, or throws a ``TransportError`` to simulate the network.
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

    private let handler: Handler
    /// Every request sent, in order.
    public private(set) var requests: [HTTPRequest] = []

    /// Serves `handler`.
    public init(handler: @escaping Handler) { self.handler = handler }

    /// Serves a synchronous mock-vendor handler.
    public init(vendor: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.handler = { vendor($0) }
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        requests.append(request)
        return try await handler(request)
    }
}
