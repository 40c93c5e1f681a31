import Foundation
import RosterCore
import Testing

/// Rows that fail: the others go on, the exit code is 1, the error report can be fixed and
/// re-imported as it is (DESIGN §1, §5).
@Suite struct RowFailureTests {
    /// Imports `rows` (after the three sample rows) and returns the JSON result and the report rows by row number.
    func importWithFailures(_ rows: [[String]], config: String? = nil, in workspace: Workspace) async throws -> ([String: Any], [Int: String]) {
        let input = try workspace.writeRows("in.csv", [bob, drew, barb] + rows)
        let configArguments = try config.map { ["--config", try workspace.write("rostersync.yaml", $0)] } ?? []
        let result = try await workspace.run(["import", input, "--json"] + configArguments)
        #expect(result.status == 1, "\(result)")
        let report = try workspace.read("in.errors.csv")
        var errors: [Int: String] = [:]
        let reader = CSVReader(source: MemoryByteSource(report))
        _ = try reader.next()
        while try reader.next() { errors[Int(reader.field(7)) ?? 0] = reader.field(8) }
        return (try result.json(), errors)
    }

    @Test(arguments: [
        ("extension with letters", row("Ann", "Lee", "", "12a4", "ann@company.com", "Agent", "US"), "Extension: \"12a4\" has letters"),
        ("unknown role", row("Ann", "Lee", "", "", "ann@company.com", "Agnet", "US"), "Role: \"Agnet\" is not a role; did you mean \"Agent\"?"),
        ("unknown data center", row("Ann", "Lee", "", "", "ann@company.com", "Agent", "DE"), "Data Center: \"DE\" is not a data center"),
        ("USA", row("Ann", "Lee", "", "", "ann@company.com", "Agent", "USA"), "did you mean US?"),
        ("bad email", row("Ann", "Lee", "", "", "ann@company", "Agent", "US"), "Email Address: \"ann@company\" has an invalid domain"),
        ("bad license", row("Ann", "Lee", "Gold", "", "ann@company.com", "Agent", "US"), "License: \"Gold\" is not a license"),
        ("line break", row("Ann", "Lee\nSmith", "", "", "ann@company.com", "Agent", "US"), "Last Name: the cell holds a line break"),
        ("duplicate email", row("Robert", "Hawkins", "", "", "Bob@Company.com", "Agent", "US"), "is already on row 2"),
        ("duplicate extension", row("Ann", "Lee", "", "1001", "ann@company.com", "Agent", "US"), "Extension: 1001 is already used on row 3"),
    ])
    func failingRowFailsAloneWithExitOne(name: String, bad: [String], message: String) async throws {
        try await Workspace.with { workspace async throws in
            let (json, errors) = try await importWithFailures([bad], in: workspace)
            #expect(counts(json) == [4, 3, 0, 0, 1], "\(name)")
            #expect(json["report"] as? String == workspace.path("in.errors.csv"), "\(name)")
            #expect(errors[5]?.contains(message) == true, "\(name): \(errors)")
            #expect(try await workspace.users().count == 3, "\(name)")
        }
    }

    @Test func everyReasonOfARowIsReported() async throws {
        try await Workspace.with { workspace async throws in
            let (_, errors) = try await importWithFailures([row("", "Lee", "Gold", "x1", "ann", "Agnet", "USA")], in: workspace)
            let items = try #require(errors[5]).components(separatedBy: "; ").filter { $0.contains(": ") && !$0.hasPrefix(" ") }
            let columns = items.compactMap { $0.components(separatedBy: ":").first }.filter(Template.headers.contains)
            #expect(columns == ["First Name", "License", "Extension", "Email Address", "Role", "Data Center"], "\(errors)")
        }
    }

    @Test func noSeatLeftWithAConfiguredCatalog() async throws {
        try await Workspace.with { workspace async throws in
            let (json, errors) = try await importWithFailures([], config: "catalog: {licenses: {Enterprise: 1}}\n", in: workspace)
            #expect(counts(json) == [3, 1, 0, 0, 2])
            #expect(errors[3]?.contains("License: no Enterprise seat left (1 of 1 in use)") == true, "\(errors)")
            #expect(errors[4]?.contains("no Enterprise seat left") == true, "\(errors)")
        }
    }

    @Test func extensionHeldByAStoredUserIsNamed() async throws {
        try await Workspace.with { workspace async throws in
            _ = try await workspace.run(["import", try workspace.writeRows("first.csv", [bob])])
            let input = try workspace.writeRows("second.csv", [row("Ann", "Lee", "", "1000", "ann@company.com", "Agent", "US")])
            let result = try await workspace.run(["import", input])
            #expect(result.status == 1, "\(result)")
            #expect(try workspace.read("second.errors.csv").contains("Extension: 1000 is already held by bob@company.com"))
        }
    }

    @Test func errorReportCanBeFixedAndImportedAsItIs() async throws {
        try await Workspace.with { workspace async throws in
            let formula = row("=HYPERLINK(\"http://x\")", "Lee", "", "12a", "ann@company.com", "Agent", "US")
            let typo = row("Cy", "Po", "Contact", "", "cy@company.com", "Agnet", "usa")
            let (json, _) = try await importWithFailures([formula, typo], in: workspace)
            #expect(counts(json) == [5, 3, 0, 0, 2])
            let report = try workspace.read("in.errors.csv")
            let lines = report.components(separatedBy: "\r\n")
            #expect(lines.first == "First Name,Last Name,License,Extension,Email Address,Role,Data Center,Row,Errors")
            #expect(lines[1].hasPrefix("\"'=HYPERLINK(\"\"http://x\"\")\",Lee,,12a,ann@company.com,Agent,US,5,"), "\(report)")
            #expect(lines[2].hasPrefix("Cy,Po,Contact,,cy@company.com,Agnet,usa,6,"), "\(report)")
            #expect(lines.count == 4 && lines[3].isEmpty)

            let latest = try await workspace.run(["report", "latest", "--format", "csv"])
            #expect(latest.status == 0, "\(latest)")
            #expect(latest.stdout == report, "report latest reproduces the file")

            let fixed = report
                .replacingOccurrences(of: "\"'=HYPERLINK(\"\"http://x\"\")\",Lee,,12a,", with: "Ann,Lee,,2000,")
                .replacingOccurrences(of: "cy@company.com,Agnet,usa,", with: "cy@company.com,Agent,us,")
            try workspace.write("in.errors.csv", fixed)
            let again = try await workspace.run(["import", workspace.path("in.errors.csv"), "--json"])
            #expect(again.status == 0, "\(again)")
            #expect(counts(try again.json()) == [2, 2, 0, 0, 0])
            #expect(try await workspace.user("ann@company.com")?["extension"] as? String == "2000")
            #expect(try await workspace.user("cy@company.com")?["dataCenter"] as? String == "US")
            #expect(try await workspace.users().count == 5)
        }
    }

    @Test func reportOptionChoosesThePath() async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.writeRows("in.csv", [bob, row("Ann", "Lee", "", "12a", "ann@company.com", "Agent", "US")])
            let result = try await workspace.run(["import", input, "--report", workspace.path("failed.csv"), "--json"])
            #expect(result.status == 1)
            #expect(try result.json()["report"] as? String == workspace.path("failed.csv"))
            #expect(try workspace.read("failed.csv").hasPrefix("First Name,Last Name,License,Extension,Email Address,Role,Data Center,Row,Errors\r\nAnn,Lee,,12a,"))
            #expect(!FileManager.default.fileExists(atPath: workspace.path("in.errors.csv")))
        }
    }

    @Test func runsListAndReportJSON() async throws {
        try await Workspace.with { workspace async throws in
            _ = try await workspace.run(["import", try workspace.writeRows("a.csv", [bob])])
            _ = try await workspace.run(["import", try workspace.writeRows("b.csv", [bob, row("Ann", "Lee", "", "12a", "ann@company.com", "Agent", "US")])])
            let listed = try await workspace.run(["runs", "list", "--json"])
            #expect(listed.status == 0, "\(listed)")
            let runs = try #require(try listed.json()["runs"] as? [[String: Any]])
            #expect(runs.map { $0["source"] as? String } == ["b.csv", "a.csv"])
            #expect(runs.map { $0["status"] as? String } == ["completed with failures", "succeeded"])
            #expect(runs.map(counts) == [[2, 0, 0, 1, 1], [1, 1, 0, 0, 0]])
            #expect(runs.first?["report"] as? String == workspace.path("b.errors.csv"))
            #expect(runs.last?["report"] is NSNull)

            let report = try await workspace.run(["report", "latest", "--format", "json"])
            let failures = try #require(try report.json()["failures"] as? [[String: Any]])
            #expect(failures.count == 1)
            #expect(failures.first?["row"] as? Int == 3)
            #expect((failures.first?["cells"] as? [String: String])?["Extension"] == "12a")
            let byNumber = try await workspace.run(["report", String(runs.last?["run"] as? Int ?? 0), "--format", "csv"])
            #expect(byNumber.stdout == "First Name,Last Name,License,Extension,Email Address,Role,Data Center,Row,Errors\r\n")
        }
    }
}
