import Foundation
import Testing

/// `rostersync sync` and `connectors check` through the real binary, on a job that pulls a CRM
/// export by file URL through the custom-columns mapping (the README's demo, in a temp dir).
@Suite struct SyncCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A config whose job reads `export.csv` beside it.
    static func config(_ workspace: Workspace, onMissing: String = "deactivate", threshold: String = "50%") throws -> String {
        try workspace.write("rostersync.yaml", """
            jobs:
              - name: crm
                connector: \(repository)/connectors/csv-url.yaml
                settings: {url: "file:export.csv"}
                mapping: \(repository)/mappings/custom-columns-csv.yaml
                on_missing: \(onMissing)
                deactivate_threshold: \(threshold)
            """)
    }

    static let header = "Given Name,Surname,Work Email,Desk Phone,Team,Site,Seat Type,Cost Center\n"
    static let rows = [
        "Priya,Shah,priya@example.com,+44 20 7946 0312,Inbound,London,Full,uk-204\n",
        "Marcus,Webb,marcus@example.com,+1 212 555 0147,Team Leads,New York,Full,us-110\n",
        "Ana,Souza,ana@example.com,+55 11 5555 0199,Billing,São Paulo,Light,br-301\n",
    ]

    @Test func syncCreatesThenChangesNothingThenDeactivates() async throws {
        try await Workspace.with { workspace in
            let config = try Self.config(workspace)
            _ = try workspace.write("export.csv", Self.header + Self.rows.joined())
            let first = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(first.status == 0, "\(first)")
            let json = try first.json()
            #expect(json["created"] as? Int == 3 && json["pulled"] as? Int == 3 && json["deactivated"] as? Int == 0)
            let again = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(try again.json()["unchanged"] as? Int == 3)

            _ = try workspace.write("export.csv", Self.header + Self.rows.dropLast().joined())
            let dry = try await workspace.run(["sync", "crm", "--config", config, "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains("deactivate ana@example.com"), "\(dry)")
            #expect(try await workspace.user("ana@example.com")?["active"] as? Bool == true, "a dry run writes nothing")

            let removed = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(try removed.json()["deactivated"] as? Int == 1)
            #expect(try await workspace.user("ana@example.com")?["active"] as? Bool == false)
            #expect(try await workspace.users().count == 3, "deactivated, never deleted")
        }
    }

    @Test func emptyExportTripsTheSafeguardAndExitsNonZero() async throws {
        try await Workspace.with { workspace in
            let config = try Self.config(workspace)
            _ = try workspace.write("export.csv", Self.header + Self.rows.joined())
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 0)
            _ = try workspace.write("export.csv", Self.header)
            let empty = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(empty.status == 1)
            let json = try empty.json()
            #expect(json["status"] as? String == "safeguard tripped" && json["deactivated"] as? Int == 0)
            #expect((json["errors"] as? [String])?.first?.contains("--allow-deactivations 3") == true)
        }
    }

    @Test func missingExportIsAPullFailureWithExitFour() async throws {
        try await Workspace.with { workspace in
            let config = try Self.config(workspace)
            let result = try await workspace.run(["sync", "crm", "--config", config])
            #expect(result.status == 4, "\(result)")
            #expect(result.stderr.contains("crm"))
        }
    }

    @Test func unknownJobIsAConfigError() async throws {
        try await Workspace.with { workspace in
            let config = try Self.config(workspace)
            let result = try await workspace.run(["sync", "crn", "--config", config])
            #expect(result.status == 2 && result.stderr.contains("did you mean 'crm'"), "\(result)")
        }
    }

    @Test func checkFetchesTheFirstPage() async throws {
        try await Workspace.with { workspace in
            let config = try Self.config(workspace)
            _ = try workspace.write("export.csv", Self.header + Self.rows.joined())
            let result = try await workspace.run(["connectors", "check", "crm", "--config", config, "--json"], database: false)
            #expect(result.status == 0, "\(result)")
            let json = try result.json()
            #expect(json["records"] as? Int == 3)
            #expect((json["fields"] as? [String])?.contains("Work Email") == true)
        }
    }
}
