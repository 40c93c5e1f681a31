import Foundation
import Testing

/// `deactivate_after` through the real binary: a user missing from the export is shown as
/// pending by the dry-run plan, the sync, `runs list` and `report`, and is not deactivated.
@Suite struct PendingDeactivationCLITests {
    @Test func missingUserIsShownPendingEverywhere() async throws {
        try await Workspace.with { workspace in
            let config = try workspace.write("rostersync.yaml", """
                jobs:
                  - name: crm
                    connector: \(SyncCommandTests.repository)/connectors/csv-url.yaml
                    settings: {url: "file:export.csv"}
                    mapping: \(SyncCommandTests.repository)/mappings/custom-columns-csv.yaml
                    on_missing: deactivate
                    deactivate_threshold: 50%
                    deactivate_window: 7d
                    deactivate_after: 3d
                """)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 0)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.dropLast().joined())

            let dry = try await workspace.run(["sync", "crm", "--config", config, "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains("  pending ana@example.com"), "\(dry)")
            #expect(!dry.stdout.contains("deactivate ana@example.com"), "\(dry)")

            let sync = try await workspace.run(["sync", "crm", "--config", config])
            #expect(sync.status == 0 && sync.stdout.contains("0 deactivated, 1 pending deactivation"), "\(sync)")
            #expect(try await workspace.user("ana@example.com")?["active"] as? Bool == true, "pending, not deactivated")

            let json = try await workspace.run(["runs", "list", "--json"])
            let runs = try #require(try json.json()["runs"] as? [[String: Any]])
            #expect(runs.map { $0["pending"] as? Int } == [1, 0], "\(json)")
            let table = try await workspace.run(["runs", "list"])
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.contains("Deactivated  Pending") == true, "\(table)")
            let report = try await workspace.run(["report", "latest"])
            #expect(report.stdout.contains("0 deactivated, 1 pending deactivation"), "\(report)")

            let again = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(try again.json()["pending"] as? Int == 1, "still missing, still pending: \(again)")
        }
    }
}
