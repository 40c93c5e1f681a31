import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `rostersync token create` and `rostersync serve --http` through the real binary.
@Suite struct ServeHTTPTests {
    /// GETs `url` with an optional bearer token; returns the status and body.
    static func get(_ url: String, token: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test(.timeLimit(.minutes(1)))
    func createdTokenOpensTheAPIAndSIGTERMStopsWithZero() async throws {
        try await Workspace.with { workspace async throws in
            let created = try await workspace.run(["token", "create", "ci", "--scope", "write"], database: false)
            #expect(created.status == 0, "\(created)")
            let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.hasPrefix("rs_") && token.count == 51, "\(created)")
            let line = try #require(created.stderr.split(separator: "\n").first { $0.contains("sha256:") })
            #expect(!line.contains(token))
            _ = try workspace.write("rostersync.yaml", "api_tokens:\n\(line)\n")

            let (process, out, err) = try workspace.start(["serve", "--http", "127.0.0.1:0", "--config", workspace.path("rostersync.yaml")])
            var port: String?
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning, port == nil, Date() < deadline {
                let text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
                if let range = text.range(of: "on http://127.0.0.1:") { port = String(text[range.upperBound...].prefix { $0.isNumber }) }
                try await Task.sleep(for: .milliseconds(50))
            }
            guard let port else {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
                Issue.record("serve did not say where it listens: \(try workspace.collect(process, out, err))")
                return
            }
            let base = "http://127.0.0.1:\(port)"
            let health = try await Self.get(base + "/healthz")
            let anonymous = try await Self.get(base + "/api/users")
            let signed = try await Self.get(base + "/api/users", token: token)
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            let result = try workspace.collect(process, out, err)

            #expect(health.0 == 200)
            #expect(anonymous.0 == 401 && anonymous.1.contains("\"error\""), "\(anonymous)")
            #expect(signed.0 == 200 && signed.1.contains("\"users\""), "\(signed)")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("rostersync serve: stopped"), "\(result.stderr)")
        }
    }

    @Test func badAddressIsAUsageError() async throws {
        try await Workspace.with { workspace async throws in
            let result = try await workspace.run(["serve", "--http", "localhost"])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("--http takes HOST:PORT"), "\(result)")
        }
    }
}
