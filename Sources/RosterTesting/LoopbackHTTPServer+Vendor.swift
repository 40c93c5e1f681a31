public import RosterConnectors
import Synchronization

extension LoopbackHTTPServer {
    /// Serves a mock vendor whose absolute links must point back at this server.
    ///
    /// The port is only known once the socket is bound, so `makeHandler` receives the server's own
    /// origin (``baseURL``, `http://127.0.0.1:<port>`) and returns the handler, typically
    /// `{ MockVendors.graph(MockVendorOptions(users: 2500, pageSize: 999, origin: $0)) }`.
    /// - Throws: ``LoopbackServerError`` when a socket call fails.
    public convenience init(
        lifetime: Duration = .seconds(120), vendorAt makeHandler: (_ origin: String) -> @Sendable (HTTPRequest) -> HTTPResponse
    ) throws {
        let slot = HandlerSlot()
        try self.init(lifetime: lifetime) { request in slot.respond(to: request) }
        slot.install(makeHandler(baseURL))
    }
}

/// Holds the vendor handler, installed right after the server learns its port.
private final class HandlerSlot: Sendable {
    private let handler = Mutex<(@Sendable (HTTPRequest) -> HTTPResponse)?>(nil)

    func install(_ newHandler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { handler.withLock { $0 = newHandler } }

    /// Nobody knows the port before `install`, so the 503 is only a guard.
    func respond(to request: HTTPRequest) -> HTTPResponse {
        guard let current = handler.withLock({ $0 }) else { return HTTPResponse(status: 503) }
        return current(request)
    }
}
