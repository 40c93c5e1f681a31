import Foundation
import RosterTesting
import Testing

/// `--log-level` and `serve --log-format json` through the real binary, and a sync at trace level
/// that must never log its secret or the access tokens it obtained.
@Suite struct LoggingTests {
    static let repository = SyncCommandTests.repository

    /// A Graph job on a loopback mock whose `client_secret` comes from `GRAPH_SECRET`.
    static func graphConfig(_ workspace: Workspace, origin: String) throws -> String {
        try workspace.write("rostersync.yaml", """
            jobs:
              - name: entra
                connector: \(repository)/connectors/microsoft-graph.yaml
                settings: {tenant_id: contoso, client_id: \(MockCredentials.clientID)}
                secrets: {client_secret: env:GRAPH_SECRET}
                base_url: \(origin)/v1.0
                token_url: \(origin)/contoso/oauth2/v2.0/token
                mapping: \(repository)/mappings/microsoft-graph-users.yaml
            """)
    }

    @Test(.timeLimit(.minutes(1)))
    func traceLevelSyncLogsRetriesAndTokensButNeverTheSecretOrATokenValue() async throws {
        let server = try LoopbackHTTPServer(lifetime: .seconds(60), vendorAt: { origin in
            MockVendors.graph(MockVendorOptions(users: 35, pageSize: 10, origin: origin,
                                                faults: MockFaults(throttleOnPage: 2, retryAfter: "0", expireTokenOnPage: 3)))
        })
        try await Workspace.with { workspace in
            let config = try Self.graphConfig(workspace, origin: server.baseURL)
            let environment = ["GRAPH_SECRET": MockCredentials.clientSecret]
            let sync = try await workspace.run(["sync", "entra", "--config", config, "--log-level", "trace"], environment: environment)
            #expect(sync.status == 0, "\(sync)")
            for expected in ["got an access token", "rate limited; waiting", "retry_after=0", "the access token was rejected (HTTP 401)",
                             "page received", "page=4", "rostersync.connectors:"] {
                #expect(sync.stderr.contains(expected), "missing '\(expected)' in \(sync.stderr)")
            }
            let runs = try await workspace.run(["runs", "list", "--json", "--config", config, "--log-level", "trace"], environment: environment)
            for output in [sync.stdout, sync.stderr, runs.stdout, runs.stderr] {
                for canary in [MockCredentials.clientSecret, "mock-access-", "Bearer", "Authorization"] {
                    #expect(!output.contains(canary), "'\(canary)' reached an output: \(output)")
                }
            }
        }
    }

    @Test func debugLinesAppearOnlyAtDebugLevelAndBelow() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
            let quiet = try await workspace.run(["sync", "crm", "--config", config])
            #expect(quiet.status == 0 && !quiet.stderr.contains("page received"), "\(quiet)")
            let info = try await workspace.run(["sync", "crm", "--config", config, "--log-level", "info"])
            #expect(info.status == 0 && !info.stderr.contains("page received"), "\(info)")
            let debug = try await workspace.run(["sync", "crm", "--config", config, "--log-level", "debug"])
            #expect(debug.status == 0 && debug.stderr.contains(" debug rostersync.connectors: page received"), "\(debug)")
            #expect(debug.stderr.contains("job=crm") && debug.stderr.contains("page=1"), "\(debug)")
        }
    }

    @Test func anUnknownLogLevelIsAUsageError() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(["users", "list", "--log-level", "loud"])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("--log-level") && result.stderr.contains("debug"), "\(result)")
            let template = try await workspace.run(["template", "--log-level", "error"], database: false)
            #expect(template.status == 0, "every command takes --log-level: \(template)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func serveWritesOneJSONObjectALine() async throws {
        try await Workspace.with { workspace in
            try ServeCommandTests.writeHourlyJob(workspace)
            let (process, out, err) = try workspace.start(
                ["serve", "--config", workspace.path("rostersync.yaml"), "--log-format", "json", "--log-level", "debug"])
            // Bounded wait (at most 20 s, polling every 50 ms) for the first next-run line.
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning, Date() < deadline,
                  !(try String(contentsOf: err, encoding: .utf8)).contains("next scheduled run") {
                try await Task.sleep(for: .milliseconds(50))
            }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            let result = try workspace.collect(process, out, err)
            #expect(result.status == 0, "\(result)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count >= 3, "\(result.stderr)")
            var messages: [String] = []
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["time"] is String && object?["level"] is String && object?["label"] is String, "\(line)")
                #expect(object?["metadata"] is [String: Any], "\(line)")
                messages.append(object?["message"] as? String ?? "")
                if (object?["message"] as? String) == "next scheduled run" {
                    #expect(object?["label"] as? String == "rostersync.scheduler" && object?["level"] as? String == "info", "\(line)")
                    #expect((object?["metadata"] as? [String: Any])?["job"] as? String == "crm", "\(line)")
                }
            }
            #expect(messages.contains("next scheduled run") && messages.contains("rostersync serve: stopped"), "\(messages)")
        }
    }
}
