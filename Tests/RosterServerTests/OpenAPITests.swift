import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import Testing
import Yams

@Suite("docs/openapi.yaml matches the server")
struct OpenAPITests {
    /// Method and path of every operation the document describes, with its documented statuses.
    static func documented() throws -> [RouteTable.Route: Set<Int>] {
        let text = try String(contentsOfFile: repositoryRoot + "/docs/openapi.yaml", encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var routes: [RouteTable.Route: Set<Int>] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                let responses = (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                routes[RouteTable.Route(method: method.uppercased(), path: path)] = Set(responses.keys.compactMap { Int($0) })
            }
        }
        return routes
    }

    @Test("every documented route is registered and every registered API route (and /healthz, /metrics) is documented")
    func sameRoutes() throws {
        let registered = Set(try TestServer().routes.filter { $0.path.hasPrefix("/api/") || ["/healthz", "/metrics"].contains($0.path) })
        #expect(registered == Set(try Self.documented().keys))
    }

    @Test("every documented route answers (with a write token) one of its documented statuses")
    func answersAsDocumented() async throws {
        let documented = try Self.documented()
        try await TestServer().test { client in
            for (route, statuses) in documented {
                let uri = route.path.replacingOccurrences(of: "{name}", with: "crm-nightly").replacingOccurrences(of: "{id}", with: "1")
                let body: ByteBuffer? = route.path == "/api/imports" ? try example("examples/users.csv") : nil
                try await client.execute(uri: uri, method: HTTPRequest.Method(route.method)!, headers: bearer(TestTokens.writer, csvType), body: body) { response in
                    #expect(statuses.contains(Int(response.status.code)), "\(route.method) \(uri) answered \(response.status.code): \(response.text)")
                }
            }
        }
    }
}
