import Foundation
import RosterEngine
import Testing

/// Why a run ended is shown first; dry runs show their failed rows and plan; one row-number
/// convention; counts in proper singulars.
@Suite struct RunOutcomeTests {
    @Test func aFailedPullIsReportedWithItsReasonAndItsRunID() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            // No export.csv: the pull fails, and the run is recorded as failed.
            let sync = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(sync.status == 4, "\(sync)")
            let json = try sync.json()
            #expect(json["run"] as? Int == 1, "\(json)")
            #expect(json["status"] as? String == "failed", "\(json)")
            let human = try await workspace.run(["sync", "crm", "--config", config])
            #expect(human.stderr.contains("recorded as run 2; see `rostersync report 2`"), "\(human)")

            let report = try await workspace.run(["report", "latest"])
            let lines = report.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Run 2 (sync of crm") == true && lines.first?.hasSuffix("): failed") == true, "\(report)")
            #expect(lines.dropFirst().first?.contains("nothing was written") == true, "the reason comes second: \(report)")
            let runs = try await workspace.run(["runs", "list"])
            let header = try #require(runs.stdout.split(separator: "\n").first)
            #expect(header.hasPrefix("Run  Status") && header.contains("Instance") && header.hasSuffix("Message"), "\(runs)")
            #expect(runs.stdout.contains("nothing was written"), "\(runs)")
            let listed = try #require(try await workspace.run(["runs", "list", "--json"]).json()["runs"] as? [[String: Any]])
            let instance = try #require(listed.first?["instance"] as? String)
            #expect(runs.stdout.contains(instance) && RunInstance(instance)?.host == RunInstance.current.host, "where the run ran: \(instance)")
            #expect(listed.first?["scheduledFor"] is NSNull && listed.first?["heartbeatAt"] is String)
        }
    }

    @Test func aTrippedSafeguardIsRepeatedByReport() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 0)
            _ = try workspace.write("export.csv", SyncCommandTests.header)
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 1)
            let report = try await workspace.run(["report", "2"])
            #expect(report.stdout.contains("): safeguard tripped\n"), "\(report)")
            #expect(report.stdout.contains("--allow-deactivations 3"), "\(report)")
        }
    }

    @Test func importDryRunPrintsTheFirstFailedRowsAndHowManyMore() async throws {
        try await Workspace.with { workspace in
            let bad = (0..<25).map { row("Bad", "Row", "Enterprise", "", "bad\($0)@company", "Agent", "US") }
            try workspace.writeRows("in.csv", [bob] + bad)
            let result = try await workspace.run(["import", "in.csv", "--dry-run"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("26 rows: 1 to create, 0 to update, 0 unchanged, 25 would fail"), "\(result)")
            #expect(result.stdout.contains("Failed rows (first 20 of 25):"), "\(result)")
            #expect(result.stdout.contains("  Row 3: "), "row 3 is the first bad one (header = 1): \(result)")
            #expect(result.stdout.contains("… and 5 more rows"), "\(result)")
            #expect(result.stdout.contains("Plan:\n  create bob@company.com\n"), "\(result)")
            let json = try await workspace.run(["import", "in.csv", "--dry-run", "--json"]).json()
            #expect((json["failures"] as? [[String: Any]])?.first?["row"] as? Int == 3)
            #expect((json["plan"] as? [[String: Any]])?.map { $0["action"] as? String } == ["create"])
        }
    }

    @Test func importDryRunPlanShowsOldAndNewValues() async throws {
        try await Workspace.with { workspace in
            try workspace.writeRows("in.csv", [bob])
            #expect(try await workspace.run(["import", "in.csv"]).status == 0)
            let many = (0..<30).map { row("New", "User", "Enterprise", "", "new\($0)@company.com", "Agent", "US") }
            try workspace.writeRows("next.csv", [row("Bob", "Hawkins", "Enterprise", "1000", "bob@company.com", "Admin", "US")] + many)
            let result = try await workspace.run(["import", "next.csv", "--dry-run"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("Plan (first 20 of 31 changes):\n  update bob@company.com (Role: Agent → Admin)\n  create new0@company.com"), "\(result)")
        }
    }

    @Test func syncDryRunPrintsThePlanAndTheFailedRows() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            let broken = "Zed,,zed@example.com,+1 212 555 0148,Inbound,New York,Full,us-111\n"
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined() + broken)
            let result = try await workspace.run(["sync", "crm", "--config", config, "--dry-run"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains("Plan:\n  create priya@example.com"), "\(result)")
            #expect(result.stdout.contains("Failed rows:\n  Row 5 (id zed@example.com): "), "\(result)")
            #expect(!result.stdout.contains("rostersync report `"), "\(result)")
        }
    }

    @Test func aRowHasOneNumberInImportMappedImportAndSyncReports() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            let broken = "Zed,,zed@example.com,+1 212 555 0148,Inbound,New York,Full,us-111\n"
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined() + broken)
            let mapping = SyncCommandTests.repository + "/mappings/custom-columns-csv.yaml"
            let mapped = try await workspace.run(["import", "export.csv", "--mapping", mapping, "--dry-run", "--json"]).json()
            let sync = try await workspace.run(["sync", "crm", "--config", config, "--dry-run", "--json"]).json()
            try workspace.writeRows("template.csv", [bob, drew, barb, row("Zed", "", "Enterprise", "", "zed@example.com", "Agent", "US")])
            let plain = try await workspace.run(["import", "template.csv", "--dry-run", "--json"]).json()
            for object in [mapped, sync, plain] {
                #expect((object["failures"] as? [[String: Any]])?.map { $0["row"] as? Int } == [5], "\(object)")
            }
        }
    }

    @Test func countsUseProperSingulars() async throws {
        try await Workspace.with { workspace in
            try workspace.writeRows("in.csv", [bob])
            let result = try await workspace.run(["import", "in.csv"])
            #expect(result.stdout.contains("1 row: 1 created"), "\(result)")
            let listed = try await workspace.run(["users", "list"])
            #expect(listed.stdout.hasSuffix("\n1 user\n"), "\(listed)")
            try workspace.writeRows("bad.csv", [row("Bob", "Hawkins", "Enterprise", "", "bob@", "Agent", "US")])
            let failed = try await workspace.run(["import", "bad.csv"])
            #expect(failed.stdout.contains("1 row failed: fix it in"), "\(failed)")
        }
    }

    @Test func theDemoSyncSaysWhatTheFilterSkipped() async throws {
        try await Workspace.with { workspace in
            for folder in ["connectors", "mappings", "examples"] {
                try FileManager.default.copyItem(atPath: SyncCommandTests.repository + "/" + folder, toPath: workspace.path(folder))
            }
            try FileManager.default.copyItem(atPath: SyncCommandTests.repository + "/rostersync.example.yaml", toPath: workspace.path("rostersync.example.yaml"))
            let sync = try await workspace.run(["sync", "crm-nightly", "--config", "rostersync.example.yaml"], database: false)
            #expect(sync.status == 0, "\(sync)")
            #expect(sync.stdout.contains("pulled 6 (1 skipped by the mapping's filter), 5 rows"), "\(sync)")
            let listed = try await workspace.run(["users", "list"], database: false)
            #expect(listed.status == 0 && listed.stdout.contains("5 users"), "the README's second command: \(listed)")
        }
    }
}
