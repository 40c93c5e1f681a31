import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import Testing

/// `users list`: filters, the streamed formats and a table that keeps control characters off
/// the terminal.
@Suite struct UsersListTests {
    @Test func filtersNarrowTheListing() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 0)
            try workspace.writeRows("in.csv", [bob, drew])
            #expect(try await workspace.run(["import", "in.csv"]).status == 0)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.dropLast().joined())
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 0)

            func emails(_ arguments: [String]) async throws -> [String] {
                let result = try await workspace.run(["users", "list", "--format", "json", "--config", config] + arguments)
                #expect(result.status == 0, "\(result)")
                return (try result.json()["users"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
            }
            #expect(try await emails([]) == ["priya@example.com", "marcus@example.com", "ana@example.com", "bob@company.com", "drew@company.com"])
            #expect(try await emails(["--limit", "2"]) == ["priya@example.com", "marcus@example.com"])
            #expect(try await emails(["--search", "HAWK"]) == ["bob@company.com"], "last name, any casing")
            #expect(try await emails(["--search", "company.com"]) == ["bob@company.com", "drew@company.com"])
            #expect(try await emails(["--inactive"]) == ["ana@example.com"])
            #expect(try await emails(["--active", "--job", "crm"]) == ["priya@example.com", "marcus@example.com"])
            let unknown = try await workspace.run(["users", "list", "--job", "crn", "--config", config])
            #expect(unknown.status == 2 && unknown.stderr.contains("did you mean 'crm'"), "\(unknown)")
        }
    }

    @Test func csvListingImportsAsItIs() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
            #expect(try await workspace.run(["sync", "crm", "--config", config]).status == 0)
            let csv = try await workspace.run(["users", "list", "--format", "csv"])
            let lines = csv.stdout.components(separatedBy: "\r\n")
            #expect(lines.first == "First Name,Last Name,License,Extension,Email Address,Role,Data Center,Cost Center,Site,Team,Status", "\(csv)")
            #expect(lines.count == 5 && lines.last == "", "\(csv)")
            #expect(csv.stdout.contains("Ana,Souza,Contact,0199,ana@example.com,Billing Admin,BR,CC-BR-301,São Paulo,Billing,active"), "\(csv)")
            _ = try workspace.write("again.csv", csv.stdout)
            let again = try await workspace.run(["import", "again.csv", "--json"])
            #expect(again.status == 0, "\(again)")
            #expect(try again.json()["failed"] as? Int == 0, "\(again)")
        }
    }

    /// Stores `row` as it is: the validator refuses such cells on import, but a store written by an
    /// earlier release may hold them, and the listing must still be safe.
    static func storeDirectly(_ workspace: Workspace, _ row: TemplateRow) async throws {
        let store = try SQLiteUserStore(path: workspace.database)
        try await store.write { try await $0.apply(WriteBatch(runID: nil, writes: [.create(UserRecord(row: row))])) }
    }

    @Test func jsonListingEscapesEveryString() async throws {
        try await Workspace.with { workspace in
            try await Self.storeDirectly(workspace, TemplateRow(
                firstName: "Bo \"B\" \\ \u{1}", lastName: "Hawkins", license: "Enterprise", extension: "1000", email: "bob@company.com", role: "Agent", dataCenter: "US"))
            let users = try await workspace.users()
            #expect(users.first?["firstName"] as? String == "Bo \"B\" \\ \u{1}")
            #expect(users.first?["active"] as? Bool == true && users.first?["id"] as? Int == 1)
            #expect(users.first?["attributes"] as? [String: String] == [:])
            let empty = try await workspace.run(["users", "list", "--format", "json", "--search", "nobody"])
            #expect((try empty.json()["users"] as? [Any])?.isEmpty == true, "\(empty)")
        }
    }

    @Test func tableShowsControlCharactersAsVisibleEscapes() async throws {
        try await Workspace.with { workspace in
            try await Self.storeDirectly(workspace, TemplateRow(
                firstName: "Evil\u{1B}[2J\u{1B}]0;owned\u{7}", lastName: "Bidi\u{202E}Name\u{9B}", license: "Enterprise", extension: "1000",
                email: "evil@company.com", role: "Agent", dataCenter: "US"))
            let table = try await workspace.run(["users", "list"])
            #expect(table.status == 0, "\(table)")
            #expect(!table.stdoutData.contains(0x1B) && !table.stdoutData.contains(0x07), "\(table)")
            #expect(!table.stdout.unicodeScalars.contains("\u{202E}") && !table.stdout.unicodeScalars.contains("\u{9B}"), "\(table)")
            #expect(table.stdout.contains(#"Evil\x1B[2J\x1B]0;owned\x07"#) && table.stdout.contains(#"Bidi\u{202E}Name\x9B"#), "\(table)")
        }
    }

    @Test func previewTableShowsANulAsAVisibleEscape() async throws {
        try await Workspace.with { workspace in
            let mapping = SyncCommandTests.repository + "/mappings/custom-columns-csv.yaml"
            let input = try workspace.write("export.csv", SyncCommandTests.header + "Nul\u{0}Name,Webb,nul@example.com,,Inbound,London,Full,uk-1\n")
            let result = try await workspace.run(["map", "--mapping", mapping, "--input", input], database: false)
            #expect(!result.stdoutData.contains(0x00), "\(result)")
            #expect(result.stdout.contains(#"Nul\x00name"#) || result.stdout.contains(#"Nul\x00Name"#), "\(result)")
        }
    }
}

/// `map --input` previews CSV files as `import --mapping` reads them.
@Suite struct MapCSVPreviewTests {
    @Test func csvInputIsPreviewedWithSpreadsheetRowNumbers() async throws {
        try await Workspace.with { workspace in
            let mapping = SyncCommandTests.repository + "/mappings/custom-columns-csv.yaml"
            let input = SyncCommandTests.repository + "/examples/crm-nightly.csv"
            let result = try await workspace.run(["map", "--mapping", mapping, "--input", input], database: false)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("6 records: 5 OK, 0 with errors, 1 filtered out"), "\(result)")
            let json = try await workspace.run(["map", "--mapping", mapping, "--input", input, "--json"], database: false).json()
            let rows = try #require(json["rows"] as? [[String: Any]])
            #expect(rows.map { $0["index"] as? Int } == [2, 3, 4, 5, 6, 7])
            #expect(rows.last?["filteredOut"] as? Bool == true)
        }
    }

    @Test func importingAnExportWithoutMappingSuggestsMapping() async throws {
        try await Workspace.with { workspace in
            let input = SyncCommandTests.repository + "/examples/crm-nightly.csv"
            let result = try await workspace.run(["import", input])
            #expect(result.status == 3, "\(result)")
            #expect(result.stderr.contains("crm-nightly.csv:1: error: none of the header cells (Given Name, Surname, Work Email, Desk Phone, Team, …) is a template column"), "\(result)")
            #expect(result.stderr.contains("give a mapping file with --mapping"), "\(result)")
            #expect(result.stderr.components(separatedBy: "error:").count == 2, "one error, not seven: \(result)")
        }
    }
}
