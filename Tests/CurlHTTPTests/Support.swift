import CurlHTTP
import Foundation
import RosterConnectors
import RosterTesting

/// Requests a loopback handler has seen, in arrival order.
actor RequestLog {
    private(set) var requests: [HTTPRequest] = []

    func record(_ request: HTTPRequest) { requests.append(request) }
}

/// Starts a loopback server and a client, runs `body`, then stops both.
func withLoopback(
    _ handler: @escaping LoopbackHTTPServer.Handler,
    _ body: (LoopbackHTTPServer, CurlHTTPClient) async throws -> Void
) async throws {
    let server = try LoopbackHTTPServer(lifetime: .seconds(60), handler: handler)
    let client = CurlHTTPClient()
    do {
        try await body(server, client)
    } catch {
        server.stop()
        await client.shutdown()
        throw error
    }
    server.stop()
    await client.shutdown()
}

/// A fresh directory under the system temp dir; the caller removes it.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("CurlHTTPTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A loopback port nothing listens on: a server that was started and stopped.
func closedPort() throws -> Int {
    let server = try LoopbackHTTPServer { _ in HTTPResponse(status: 200) }
    server.stop()
    return server.port
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// Every value of header `name` (case-insensitive), in order.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}
