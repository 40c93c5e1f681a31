import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import Testing

@Suite("HTTP API: tokens and scopes")
struct AuthTests {
    @Test("/healthz answers without a token")
    func healthWithoutToken() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.json["status"] as? String == "ok")
            }
        }
    }

    @Test("every API route answers 401 with a JSON error without a token, with a wrong one, or with another scheme",
          arguments: [nil, "Bearer not-a-token", "Basic d3JpdGVyOnNlY3JldA==", "Bearer "])
    func unauthorized(authorization: String?) async throws {
        let server = try TestServer()
        let routes = server.routes
        try await server.test { client in
            for route in routes where route.path.hasPrefix("/api/") || route.path == "/metrics" {
                let uri = route.path.replacingOccurrences(of: "{name}", with: "crm-nightly").replacingOccurrences(of: "{id}", with: "1")
                let headers: HTTPFields = authorization.map { [.authorization: $0] } ?? [:]
                try await client.execute(uri: uri, method: HTTPRequest.Method(route.method)!, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(route.method) \(uri)")
                    #expect(response.error.contains("token"), "\(route.method) \(uri)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                }
            }
        }
        let store = server.store
        #expect(try await store.runs(limit: 10).isEmpty)
    }

    @Test("a read token can view but gets 403 on upload and run, and nothing is written")
    func readScope() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/users", method: .get, headers: bearer(TestTokens.reader)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.reader, csvType), body: try example("examples/users.csv")) { response in
                #expect(response.status == .forbidden)
                #expect(response.error.contains("scope: write"))
            }
            try await client.execute(uri: "/api/jobs/crm-nightly/runs", method: .post, headers: bearer(TestTokens.reader)) { #expect($0.status == .forbidden) }
        }
        let store = server.store
        #expect(try await store.runs(limit: 10).isEmpty)
        #expect(try await store.users().isEmpty)
    }

    @Test("a hashed token from token create is accepted; the token itself appears nowhere in the hash")
    func createdTokenVerifies() throws {
        let (token, hash) = APITokens.create()
        #expect(!hash.contains(token))
        let parts = hash.split(separator: "$")
        let tokens = try APITokens([.init(name: "x", credential: .sha256(salt: String(parts[0]), hex: String(parts[1])), scope: .write)], environment: [:], configFile: "c.yaml")
        #expect(tokens.caller(for: token)?.name == "x")
        #expect(tokens.caller(for: token + "x") == nil)
    }

    @Test("a token whose environment variable is unset stops the server from starting, naming the variable and the config line")
    func missingEnvironmentToken() {
        #expect {
            _ = try APITokens([.init(name: "ci", credential: .environment("CI_TOKEN"), scope: .write, line: 7)], environment: [:], configFile: "rostersync.yaml")
        } throws: { error in
            "\(error)".contains("rostersync.yaml:7") && "\(error)".contains("CI_TOKEN")
        }
    }
}
