import Foundation
import RosterConnectors
import RosterTesting
import Testing

/// A canary secret and the canary token a vendor issues, through the real binary against a
/// loopback vendor that echoes each request in its errors: neither reaches stdout, stderr, any
/// JSON output or the store file, in any encoding, whole or cut.
@Suite(.timeLimit(.minutes(2)))
struct SecretLeakTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let canary = "Zq9CANARY+secret/value \"quoted\"&more"
    static let user = "svc-canary-user"

    static func forms() -> [String] {
        [canary, MockEchoVendor.issuedToken, "\(user):\(canary)"].flatMap { Redactor.encodings(of: $0) }
    }

    /// The first credential form with any 10-character piece in `text`.
    static func leak(in text: String) -> String? {
        forms().first { form in
            let characters = Array(form)
            let width = min(10, characters.count)
            return (0...(characters.count - width)).contains { text.contains(String(characters[$0..<$0 + width])) }
        }
    }

    static let auths = [
        "oauth2": "{type: oauth2_client_credentials, client_id: cid, client_secret: \"{{ secrets.secret }}\", scope: users.read}",
        "basic": "{type: basic, username: \"{{ config.user }}\", password: \"{{ secrets.secret }}\"}",
        "bearer": "{type: bearer, token: \"{{ secrets.token }}\"}",
        "apikey": "{type: api_key_header, header: X-Api-Key, value: \"{{ secrets.secret }}\"}",
        "jwt": "{type: jwt_bearer, client_email: sync@example.test, private_key: \"{{ secrets.key }}\", scope: users.read}",
    ]

    /// Each auth type with a failure that echoes its credential (the connector tests cover every
    /// pair). The padding puts the echoed credential whole in the 200 characters shown (0), or
    /// across the cut with 12 characters before it (140 for `Authorization: Bearer …`).
    static let cases: [(auth: String, failure: MockEchoVendor.Failure, padding: Int)] = [
        ("oauth2", .tokenRejected, 0), ("oauth2", .unauthorizedEcho, 0), ("oauth2", .serverErrorEcho, 140), ("basic", .serverErrorEcho, 0),
        ("bearer", .unauthorizedEcho, 140), ("apikey", .forbiddenEcho, 0), ("jwt", .tokenRejected, 0),
    ]

    @Test func noOutputAndNoStoredByteCarriesACredential() async throws {
        try await Workspace.with { workspace in
            var servers: [LoopbackHTTPServer] = []
            defer { servers.forEach { $0.stop() } }
            var jobs = "jobs:\n"
            for (auth, failure, padding) in Self.cases {
                let name = "\(auth)-\(failure)"
                let server = try LoopbackHTTPServer(lifetime: .seconds(100), handler: MockEchoVendor.handler(failure: failure, padding: padding))
                servers.append(server)
                try workspace.write("\(name).yaml", """
                    name: canary-\(name)
                    base_url: https://api.example.test/v1
                    token_url: https://api.example.test/token
                    auth: \(Self.auths[auth]!)
                    rate_limit: {max_attempts: 1}
                    streams: [{name: users, path: /users, records: users, id: id}]
                    """)
                jobs += """
                      - name: \(name)
                        connector: \(name).yaml
                        mapping: \(Self.repository)/mappings/microsoft-graph-users.yaml
                        settings: {user: \(Self.user)}
                        secrets: {secret: env:CANARY_SECRET, token: env:CANARY_SECRET, key: env:CANARY_KEY}
                        base_url: \(server.baseURL)/v1
                        token_url: \(server.baseURL)/token

                    """
            }
            let config = try workspace.write("rostersync.yaml", jobs)
            let environment = ["CANARY_SECRET": Self.canary, "CANARY_KEY": TestKeys.serviceAccount.privatePEM]
            var outputs: [(String, CommandResult)] = []
            for (auth, failure, _) in Self.cases {
                // `sync --json` prints the error both on stderr and in its JSON; `check` on stderr.
                for arguments in [["sync", "\(auth)-\(failure)", "--json"], ["connectors", "check", "\(auth)-\(failure)"]] {
                    let result = try await workspace.run(arguments + ["--config", config], database: arguments[0] == "sync", environment: environment)
                    #expect(result.status == 4, "\(arguments): \(result)")
                    outputs.append((arguments.joined(separator: " "), result))
                }
            }
            for arguments in [["runs", "list", "--json"], ["runs", "list"], ["report", "latest", "--format", "json"], ["report", "1"]] {
                outputs.append((arguments.joined(separator: " "), try await workspace.run(arguments + ["--config", config], environment: environment)))
            }
            #expect(outputs.filter { $0.1.stderr.contains("request body [") }.count == 2 * Self.cases.count, "the vendor's messages are still shown")
            #expect(outputs.contains { $0.1.stdout.contains("request body [") }, "the stored run messages are listed")
            for (command, result) in outputs {
                #expect(Self.leak(in: result.stdout) == nil, "\(command) stdout: \(result.stdout)")
                #expect(Self.leak(in: result.stderr) == nil, "\(command) stderr: \(result.stderr)")
                // Every JWT starts with the base64 of `{"alg":`: no signed assertion is shown.
                #expect(!(result.stdout + result.stderr).contains("eyJhbGciOi"), "\(command) shows a JWT assertion: \(result)")
            }
            for suffix in ["", "-wal"] {
                guard let bytes = FileManager.default.contents(atPath: workspace.database + suffix) else { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(suffix == "-wal" || text.contains("request body ["), "the failed runs' messages are stored")
                #expect(Self.leak(in: text) == nil && !text.contains("eyJhbGciOi"), "store file\(suffix) holds a credential")
            }
        }
    }

    @Test func plainHTTPToAnotherHostIsRefusedForAJobWithSecrets() async throws {
        try await Workspace.with { workspace in
            try workspace.write("crm.yaml", """
                name: crm
                base_url: https://crm.example.test
                auth: {type: bearer, token: "{{ secrets.token }}"}
                rate_limit: {max_attempts: 1}
                streams: [{name: users, path: /users, records: users, id: id}]
                """)
            // 0.0.0.0 is not a loopback name, and nothing listens on port 1: the pull fails at once.
            let job = """
                jobs:
                  - name: crm
                    connector: crm.yaml
                    mapping: \(Self.repository)/mappings/hubspot-owners.yaml
                    secrets: {token: env:CANARY_SECRET}
                    base_url: http://0.0.0.0:1
                """
            let config = try workspace.write("rostersync.yaml", job)
            let refused = try await workspace.run(["sync", "crm", "--config", config], environment: ["CANARY_SECRET": Self.canary])
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.stderr.contains("http://0.0.0.0:1 is plain http://") && refused.stderr.contains("allow_insecure_http: true"), "\(refused)")

            try workspace.write("rostersync.yaml", job + "\n    allow_insecure_http: true\n")
            let allowed = try await workspace.run(["sync", "crm", "--config", config], environment: ["CANARY_SECRET": Self.canary])
            #expect(allowed.status == 4, "allowed, then nothing answers: \(allowed)")
            #expect(!allowed.stderr.contains("plain http://"))
        }
    }
}
