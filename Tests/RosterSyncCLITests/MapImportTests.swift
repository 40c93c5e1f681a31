import Foundation
import Testing

@Suite struct MapImportTests {
    static let mapping = MapCLI.path("mappings/custom-columns-csv.yaml")

    @Test func importsACRMExportWithAttributesAndRepeatsUnchanged() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let db = directory.appendingPathComponent("roster.sqlite").path
            let arguments = ["import", MapCLI.path("examples/crm-export.csv"), "--mapping", Self.mapping, "--db", db, "--json"]
            let first = try MapCLI.run(arguments, in: directory)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            let counts = try first.json()
            #expect(counts["rows"] as? Int == 5)
            #expect(counts["created"] as? Int == 5)
            #expect(counts["failed"] as? Int == 0)
            #expect(counts["filtered"] as? Int == 1)

            let listing = try MapCLI.run(["users", "list", "--format", "json", "--db", db], in: directory)
            let users = try #require(try listing.json()["users"] as? [[String: Any]])
            #expect(users.count == 5)
            let priya = try #require(users.first { $0["email"] as? String == "priya.shah@example.co.uk" })
            #expect(priya["firstName"] as? String == "Priya")
            #expect(priya["role"] as? String == "Inbound Agent")
            #expect(priya["dataCenter"] as? String == "UK")
            #expect(priya["extension"] as? String == "0312")
            #expect(priya["attributes"] as? [String: String] == ["Team": "Inbound", "Site": "London", "Cost Center": "CC-UK-204"])
            let tom = try #require(users.first { $0["email"] as? String == "tom.oneil@example.com" })
            #expect(tom["license"] as? String == "Unassigned")
            #expect(tom["role"] as? String == "Billing Admin")

            let second = try MapCLI.run(arguments, in: directory)
            #expect(second.status == 0)
            let again = try second.json()
            #expect(again["rows"] as? Int == 5)
            #expect(again["unchanged"] as? Int == 5)
            #expect(again["created"] as? Int == 0)
            #expect(again["updated"] as? Int == 0)
        }
    }

    @Test func theErrorReportKeepsTheFilesOwnColumnsAndReimports() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let db = directory.appendingPathComponent("roster.sqlite").path
            let input = directory.appendingPathComponent("crm.csv")
            try """
                Given Name,Surname,Work Email,Desk Phone,Team,Site,Seat Type,Cost Center\r
                Ada,Lovelace,ada@example.com,+1 555 0100,Inbound,London,Full,uk-1\r
                ,Nameless,nameless@example.com,+1 555 0101,Inbound,Paris,Full,"fr,2"\r
                Bob,Hawkins,bob@example,+1 555 0102,Inbound,London,Full,uk-3\r
                """.write(to: input, atomically: true, encoding: .utf8)
            let outcome = try MapCLI.run(["import", input.path, "--mapping", Self.mapping, "--db", db], in: directory)
            #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stdout.contains("3 rows: 1 created, 0 updated, 0 unchanged, 2 failed (0 records skipped by the mapping's filter)"))
            #expect(outcome.stdout.contains("with --mapping \(Self.mapping)"))

            let reportURL = directory.appendingPathComponent("crm.errors.csv")
            let report = try String(contentsOf: reportURL, encoding: .utf8)
            let lines = report.components(separatedBy: "\r\n")
            #expect(lines[0] == "Given Name,Surname,Work Email,Desk Phone,Team,Site,Seat Type,Cost Center,Row,Errors")
            // Cells keep their text; a leading + is neutralised against formulas, as in every report.
            #expect(lines[1].hasPrefix(#",Nameless,nameless@example.com,'+1 555 0101,Inbound,Paris,Full,"fr,2",3,"First Name: required"#))
            #expect(lines[2].hasPrefix(#"Bob,Hawkins,bob@example,'+1 555 0102,Inbound,London,Full,uk-3,4,"Email Address: ""bob@example"""#))

            // The stored report labels the cells with the file's own columns too.
            let stored = try MapCLI.run(["report", "latest", "--format", "csv", "--db", db], in: directory)
            #expect(stored.stdout.components(separatedBy: "\r\n").first == lines[0], "\(stored.stdout)")
            let storedJSON = try MapCLI.run(["report", "latest", "--format", "json", "--db", db], in: directory)
            let failures = try #require(try storedJSON.json()["failures"] as? [[String: Any]])
            #expect((failures.first?["cells"] as? [String: String])?["Cost Center"] == "fr,2")

            let fixed = report.replacingOccurrences(of: ",Nameless,", with: "Nadia,Nameless,").replacingOccurrences(of: "bob@example,", with: "bob@example.com,")
            try fixed.write(to: reportURL, atomically: true, encoding: .utf8)
            let rerun = try MapCLI.run(["import", reportURL.path, "--mapping", Self.mapping, "--db", db, "--json"], in: directory)
            #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
            #expect(try rerun.json()["created"] as? Int == 2)
        }
    }

    @Test(arguments: [
        ("header only", "Given Name,Surname,Work Email\r\n", "header row but no data rows"),
        ("empty", "", "the file is empty"),
        ("spreadsheet", "PK\u{3}\u{4}rest", "this is a spreadsheet"),
    ])
    func rejectsFilesWithoutRows(name: String, content: String, reason: String) throws {
        try MapCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("crm.csv")
            try Data(content.utf8).write(to: input)
            let db = directory.appendingPathComponent("roster.sqlite").path
            let outcome = try MapCLI.run(["import", input.path, "--mapping", Self.mapping, "--db", db], in: directory)
            #expect(outcome.status == 3, "\(name): \(outcome.stderr)")
            #expect(outcome.stderr.contains(reason), "\(name): \(outcome.stderr)")
        }
    }

    @Test func aBrokenMappingStopsTheImportBeforeReadingTheFile() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let broken = directory.appendingPathComponent("broken.yaml")
            try "columns:\n  Frist Name: {path: a}\n".write(to: broken, atomically: true, encoding: .utf8)
            let db = directory.appendingPathComponent("roster.sqlite").path
            let outcome = try MapCLI.run(["import", MapCLI.path("examples/crm-export.csv"), "--mapping", broken.path, "--db", db], in: directory)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("\(broken.path):2:3: error: unknown template column 'Frist Name'"))
            #expect(!FileManager.default.fileExists(atPath: db))
        }
    }
}
