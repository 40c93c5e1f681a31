import Foundation
import RosterCore
import Testing

/// `rostersync template` and `import` end to end through the real binary and a real SQLite file
/// (DESIGN §1, §5).
@Suite struct ImportCommandTests {
    static let templateText = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\n"
        + "Bob,Hawkins,Enterprise,1000,bob@company.com,Agent,US\r\n"
        + "Andrew,Davis,Enterprise,1001,drew@company.com,Supervisor,BR\r\n"
        + "Barbara,Kingston,Enterprise,1002,barb@company.com,Admin,UK\r\n"

    @Test func templateWritesHeaderAndSampleRows() async throws {
        try await Workspace.with { workspace async throws in
            let printed = try await workspace.run(["template"], database: false)
            #expect(printed.status == 0, "\(printed)")
            #expect(printed.stdout == Self.templateText)
            let written = try await workspace.run(["template", "--output", workspace.path("t.csv")], database: false)
            #expect(written.status == 0, "\(written)")
            #expect(try workspace.read("t.csv") == Self.templateText)
        }
    }

    @Test func sampleRowsImportThenStayUnchangedThenOneUpdates() async throws {
        try await Workspace.with { workspace async throws in
            _ = try await workspace.run(["template", "--output", workspace.path("t.csv")], database: false)
            let first = try await workspace.run(["import", workspace.path("t.csv"), "--json"])
            #expect(first.status == 0, "\(first)")
            let json = try first.json()
            #expect(Set(json.keys) == ["run", "rows", "created", "updated", "unchanged", "failed", "report", "errors"])
            #expect(counts(json) == [3, 3, 0, 0, 0])
            #expect(json["run"] is Int)
            #expect(json["report"] is NSNull)
            #expect((json["errors"] as? [Any])?.isEmpty == true)

            let again = try await workspace.run(["import", workspace.path("t.csv"), "--json"])
            #expect(again.status == 0, "\(again)")
            #expect(counts(try again.json()) == [3, 0, 0, 3, 0])

            try workspace.write("t.csv", Self.templateText.replacingOccurrences(of: "1000,bob@company.com,Agent", with: "1000,bob@company.com,Supervisor"))
            let changed = try await workspace.run(["import", workspace.path("t.csv"), "--json"])
            #expect(counts(try changed.json()) == [3, 0, 1, 2, 0])
            #expect(try await workspace.user("bob@company.com")?["role"] as? String == "Supervisor")
            #expect(try await workspace.users().count == 3)
        }
    }

    @Test func humanSummary() async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.writeRows("in.csv", [bob, drew])
            let result = try await workspace.run(["import", input])
            #expect(result.status == 0)
            #expect(result.stdout.contains("2 rows: 2 created, 0 updated, 0 unchanged, 0 failed"), "\(result)")
        }
    }

    @Test(arguments: [
        ("workbook.xlsx renamed", [UInt8]([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]) + Array(repeating: 0x20, count: 300), ["Save As", "CSV"]),
        ("xls renamed", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 300), ["Save As", "CSV"]),
        ("punctuated header", Array("First Name,Last Name,License,Extension,E-mail Address:,Role,Data Center\nBob,Hawkins,,,bob@company.com,Agent,US\n".utf8),
         ["E-mail Address:", "write \"Email Address\""]),
        ("missing column", Array("First Name,Last Name,License,Extension,Email Address,Data Center\nBob,Hawkins,,,bob@company.com,US\n".utf8),
         ["missing column \"Role\""]),
        ("empty", [], ["empty"]),
        ("whitespace only", Array(" \r\n\r\n".utf8), ["empty"]),
        ("header only", Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\n".utf8), ["no data rows"]),
    ])
    func rejectedFilesExitThreeAndWriteNothing(name: String, bytes: [UInt8], messages: [String]) async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.write("roster.csv", bytes: bytes)
            let result = try await workspace.run(["import", input])
            #expect(result.status == 3, "\(name): \(result)")
            for message in messages { #expect(result.stderr.contains(message), "\(name): \(result)") }
            #expect(result.stderr.contains("roster.csv"), "\(name) names the file: \(result)")
            #expect(result.stderr.contains("nothing was imported"), "\(name): \(result)")
            #expect(try await workspace.users().isEmpty, "\(name)")
            let json = try await workspace.run(["import", input, "--json"])
            #expect(json.status == 3)
            let object = try json.json()
            #expect(counts(object) == [0, 0, 0, 0, 0])
            #expect((object["errors"] as? [String])?.isEmpty == false, "\(name): file-level errors listed")
        }
    }

    @Test func windows1252FileImportsWithAccents() async throws {
        try await Workspace.with { workspace async throws in
            var bytes = Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\n".utf8)
            bytes += Array("Ren".utf8) + [0xE9, 0x65] + Array(",Fran".utf8) + [0xE7] + Array("ois,,,renee@company.com,Agent,US\r\n".utf8)
            bytes += Array("Zo".utf8) + [0xEB] + Array(",M".utf8) + [0xFC] + Array("ller ".utf8) + [0x80] + Array(",,,zoe@company.com,Agent,UK\r\n".utf8)
            let result = try await workspace.run(["import", try workspace.write("latin.csv", bytes: bytes), "--json"])
            #expect(result.status == 0, "\(result)")
            #expect(try await workspace.user("renee@company.com")?["firstName"] as? String == "Renée")
            #expect(try await workspace.user("renee@company.com")?["lastName"] as? String == "François")
            #expect(try await workspace.user("zoe@company.com")?["lastName"] as? String == "Müller €")
        }
    }

    @Test(arguments: [
        ("semicolon", "First Name;Last Name;License;Extension;Email Address;Role;Data Center\nBob;Hawkins, Jr.;Enterprise;1000;bob@company.com;Agent;US\n"),
        ("tab", "First Name\tLast Name\tLicense\tExtension\tEmail Address\tRole\tData Center\nBob\tHawkins, Jr.\tEnterprise\t1000\tbob@company.com\tAgent\tUS\n"),
        ("BOM and CRLF", "\u{FEFF}First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\nBob,\"Hawkins, Jr.\",Enterprise,1000,bob@company.com,Agent,US\r\n"),
        ("any order, Email alias, spaces", " email ,ROLE,data center,First Name,Last Name,License,Extension\n bob@company.com , agent , us ,Bob,\"Hawkins, Jr.\", enterprise ,1000\n"),
    ])
    func readingRules(name: String, text: String) async throws {
        try await Workspace.with { workspace async throws in
            let result = try await workspace.run(["import", try workspace.write("in.csv", text), "--json"])
            #expect(result.status == 0, "\(name): \(result)")
            #expect(counts(try result.json()) == [1, 1, 0, 0, 0], "\(name)")
            let user = try #require(try await workspace.user("bob@company.com"), "\(name)")
            #expect(user["lastName"] as? String == "Hawkins, Jr.", "\(name)")
            #expect(user["firstName"] as? String == "Bob", "\(name)")
            #expect(user["role"] as? String == "Agent", "\(name)")
            #expect(user["dataCenter"] as? String == "US", "\(name)")
            #expect(user["license"] as? String == "Enterprise", "\(name)")
        }
    }

    @Test func quotedCommasAndDoubledQuotes() async throws {
        try await Workspace.with { workspace async throws in
            let text = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\n"
                + "\"Bob \"\"The Builder\"\"\",\"Hawkins, Jr.\",Enterprise,1000,bob@company.com,Agent,US\n"
            let result = try await workspace.run(["import", try workspace.write("in.csv", text)])
            #expect(result.status == 0, "\(result)")
            let user = try #require(try await workspace.user("bob@company.com"))
            #expect(user["firstName"] as? String == "Bob \"The Builder\"")
            #expect(user["lastName"] as? String == "Hawkins, Jr.")
        }
    }

    @Test(arguments: [
        ["import", "in.csv", "--bogus"], ["users", "list", "--format", "xml"], ["report", "latest"], ["report", "seven"], ["frobnicate"],
    ])
    func usageErrorsExitTwo(arguments: [String]) async throws {
        try await Workspace.with { workspace async throws in
            try workspace.writeRows("in.csv", [bob])
            let result = try await workspace.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(!result.stderr.isEmpty)
        }
    }

    @Test func reportRowsAreSpreadsheetRowNumbers() async throws {
        try await Workspace.with { workspace async throws in
            let text = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\n\r\n"
                + "Bob,Hawkins,,,bob@company.com,Agnet,US\r\n,,,,,,\r\n\"Ann\",\"Lee\r\nX\",,,ann@company.com,Agent,US\r\n"
                + "Cy,Po,,,cy@company.com,Agent,XX\r\n"
            let result = try await workspace.run(["import", try workspace.write("gaps.csv", text), "--json"])
            #expect(result.status == 1, "\(result)")
            let report = try await workspace.run(["report", "latest", "--format", "json"])
            let failures = try #require(try report.json()["failures"] as? [[String: Any]])
            #expect(failures.map { $0["row"] as? Int } == [3, 5, 6], "blank lines count; a quoted line break stays in one row")
        }
    }

    @Test func missingInputFileIsAUsageError() async throws {
        try await Workspace.with { workspace async throws in
            let result = try await workspace.run(["import", workspace.path("nope.csv")])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("nope.csv"), "\(result)")
        }
    }

    @Test func configErrorIsAUsageErrorWithFileAndLine() async throws {
        try await Workspace.with { workspace async throws in
            try FileManager.default.createDirectory(atPath: workspace.path("conf"), withIntermediateDirectories: true)
            let config = try workspace.write("conf/rostersync.yaml", "catalog:\n  licences: { Enterprise: 1 }\n")
            let input = try workspace.writeRows("in.csv", [bob])
            let result = try await workspace.run(["import", input, "--config", config])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("rostersync.yaml:2:3: error: unknown key 'licences' in catalog; did you mean 'licenses'?"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: workspace.database), "nothing was created")
            let missing = try await workspace.run(["import", input, "--config", workspace.path("absent.yaml")])
            #expect(missing.status == 2, "\(missing)")
        }
    }

    @Test func dryRunLeavesTheDatabaseUnchanged() async throws {
        try await Workspace.with { workspace async throws in
            _ = try await workspace.run(["import", try workspace.writeRows("first.csv", [bob])])
            let before = try await workspace.users()
            let runsBefore = try await workspace.run(["runs", "list", "--json"]).json()["runs"] as? [Any]
            let input = try workspace.writeRows("next.csv", [bob, drew, row("Ann", "Lee", "", "12a", "ann@company.com", "Agent", "US")])
            let human = try await workspace.run(["import", input, "--dry-run"])
            #expect(human.status == 1, "\(human)")
            #expect(human.stdout.contains("nothing written"), "\(human)")
            #expect(human.stdout.contains("3 rows: 1 to create, 0 to update, 1 unchanged, 1 would fail"), "\(human)")
            let json = try await workspace.run(["import", input, "--dry-run", "--json"])
            let object = try json.json()
            #expect(counts(object) == [3, 1, 0, 1, 1])
            #expect(object["run"] is NSNull)
            #expect(object["report"] is NSNull)
            #expect(try await workspace.users().count == before.count)
            #expect((try await workspace.run(["runs", "list", "--json"]).json()["runs"] as? [Any])?.count == runsBefore?.count)
            #expect(!FileManager.default.fileExists(atPath: workspace.path("next.errors.csv")))
        }
    }
}
