import Foundation
import RosterEngine
import RosterStoreSQLite
import Testing

/// `status`, the next times `serve` prints, and what `connectors check` says while it waits.
@Suite struct StatusTests {
    static func scheduledConfig(_ workspace: Workspace) throws -> String {
        try workspace.write("rostersync.yaml", ServeCommandTests.servedConfig([("crm", "30 2 * * *", "America/New_York"), ("adhoc", nil, nil)]))
    }

    @Test func statusShowsLastRunNextTimeAndWhatIsRunning() async throws {
        try await Workspace.with { workspace in
            let config = try Self.scheduledConfig(workspace)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 0)
            // A run of adhoc still going in this (live) test process.
            let store = try SQLiteUserStore(path: workspace.database)
            _ = try await store.beginRun(RunRecord(kind: "sync", source: "adhoc", trigger: .manual, startedAt: Date()))

            let status = try await workspace.run(["status", "--config", config])
            #expect(status.status == 0, "\(status)")
            let lines = status.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Job ") == true, "\(status)")
            let crm = try #require(lines.first { $0.hasPrefix("crm ") })
            #expect(crm.contains("30 2 * * * (America/New_York)") && crm.contains("run 1 succeeded") && crm.contains("T02:30:00-0") && crm.hasSuffix("idle"), "\(crm)")
            let adhoc = try #require(lines.first { $0.hasPrefix("adhoc ") })
            #expect(adhoc.contains("manual") && adhoc.contains("never") && adhoc.hasSuffix("running (run 2 on \(RunInstance.current))"), "\(adhoc)")

            let json = try await workspace.run(["status", "--config", config, "--json"]).json()
            let jobs = try #require(json["jobs"] as? [[String: Any]])
            #expect(jobs.map { $0["job"] as? String } == ["crm", "adhoc"])
            #expect((jobs[0]["lastRun"] as? [String: Any])?["run"] as? Int == 1 && jobs[1]["running"] as? Int == 2)
            #expect(jobs[1]["runningOn"] as? String == RunInstance.current.description)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func servePrintsEachJobsNextTimeAtStart() async throws {
        try await Workspace.with { workspace async throws in
            let config = try Self.scheduledConfig(workspace)
            let (process, out, err) = try workspace.start(["serve", "--config", config])
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning, Date() < deadline, !((try? String(contentsOf: err, encoding: .utf8)) ?? "").contains("next run at") {
                try await Task.sleep(for: .milliseconds(50))
            }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            let result = try workspace.collect(process, out, err)
            #expect(result.stderr.contains("1 scheduled job (crm)"), "\(result)")
            #expect(result.stderr.range(of: #"crm: next run at \d{4}-\d\d-\d\dT02:30:00-0[45]:00"#, options: .regularExpression) != nil, "\(result)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func connectorsCheckSaysWhereItIsConnecting() async throws {
        try await Workspace.with { workspace in
            try workspace.write("rostersync.yaml", """
                jobs:
                  - name: graph
                    connector: \(SyncCommandTests.repository)/connectors/microsoft-graph.yaml
                    settings: {tenant_id: contoso, client_id: app}
                    secrets: {client_secret: env:ROSTERSYNC_TEST_SECRET}
                    base_url: http://127.0.0.1:9/v1.0
                    token_url: http://127.0.0.1:9/token
                    mapping: \(SyncCommandTests.repository)/mappings/microsoft-graph-users.yaml
                """)
            let result = try await workspace.run(["connectors", "check", "graph", "--config", workspace.path("rostersync.yaml")], database: false)
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("job graph: authenticating and fetching the first page from http://127.0.0.1:9/v1.0"), "\(result)")
        }
    }
}
