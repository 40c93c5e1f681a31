import Foundation
import Testing

@Suite struct MapCommandTests {
    static let shippedMappings = [
        "microsoft-graph-users.yaml", "google-directory-users.yaml", "salesforce-user.yaml", "hubspot-owners.yaml",
        "dynamics-systemusers.yaml", "zendesk-users.yaml", "freshdesk-agents.yaml", "servicenow-sys_user.yaml",
        "custom-columns-csv.yaml",
    ]

    @Test(arguments: shippedMappings)
    func shippedMappingTestsPass(file: String) throws {
        try MapCLI.withTemporaryDirectory { directory in
            let outcome = try MapCLI.run(["map", "--mapping", MapCLI.path("mappings/\(file)"), "--test"], in: directory)
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
            #expect(outcome.stdout.contains("PASS "))
            #expect(!outcome.stdout.contains("FAIL "))
            #expect(outcome.stdout.contains(" passed, 0 failed"))
        }
    }

    @Test func aMisspeltKeyExitsTwoWithFileLineAndColumn() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let copy = directory.appendingPathComponent("graph.yaml")
            let text = try String(contentsOfFile: MapCLI.path("mappings/microsoft-graph-users.yaml"), encoding: .utf8)
            let broken = text.replacingOccurrences(of: "First Name: {path: givenName, transforms: [trim]}", with: "First Name: {path: givenName, trnasforms: [trim]}")
            #expect(broken != text)
            try broken.write(to: copy, atomically: true, encoding: .utf8)
            let line = try #require(broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("trnasforms") }) + 1
            for arguments in [["--test"], ["--input", MapCLI.path("examples/graph-users.json")]] {
                let outcome = try MapCLI.run(["map", "--mapping", copy.path] + arguments, in: directory)
                #expect(outcome.status == 2)
                #expect(outcome.stderr.contains("\(copy.path):\(line):"), "\(outcome.stderr)")
                #expect(outcome.stderr.contains("unknown key 'trnasforms'; did you mean 'transforms'?") || outcome.stderr.contains("did you mean 'transforms'"))
                #expect(outcome.stdout.isEmpty)
            }
        }
    }

    @Test func aFailingTestExitsOneWithExpectedAndGot() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let copy = directory.appendingPathComponent("graph.yaml")
            let text = try String(contentsOfFile: MapCLI.path("mappings/microsoft-graph-users.yaml"), encoding: .utf8)
            try text.replacingOccurrences(of: "      Data Center: UK\n", with: "      Data Center: BR\n").write(to: copy, atomically: true, encoding: .utf8)
            let outcome = try MapCLI.run(["map", "--mapping", copy.path, "--test"], in: directory)
            #expect(outcome.status == 1)
            #expect(outcome.stdout.contains("FAIL enabled user with mail and a UK usage location (\(copy.path):"))
            #expect(outcome.stdout.contains("Data Center: expected 'BR', got 'UK'"))
            #expect(outcome.stdout.contains("3 passed, 1 failed"))

            let json = try MapCLI.run(["map", "--mapping", copy.path, "--test", "--json"], in: directory)
            #expect(json.status == 1)
            let object = try json.json()
            #expect(object["passed"] as? Int == 3)
            #expect(object["failed"] as? Int == 1)
        }
    }

    @Test func previewsSampleRecordsAsJSON() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let outcome = try MapCLI.run(
                ["map", "--mapping", MapCLI.path("mappings/microsoft-graph-users.yaml"), "--input", MapCLI.path("examples/graph-users.json"), "--json"],
                in: directory)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let rows = try #require(try outcome.json()["rows"] as? [[String: Any]])
            #expect(rows.count == 3)
            #expect(rows.map { $0["index"] as? Int } == [1, 2, 3])
            #expect(rows.map { $0["externalID"] as? String } == ["6f1c2b8e-0001", "6f1c2b8e-0002", "6f1c2b8e-0004"])
            #expect(rows.map { $0["valid"] as? Bool } == [true, false, false])
            #expect(rows.map { $0["filteredOut"] as? Bool } == [false, false, true])
            let first = try #require(rows[0]["row"] as? [String: String])
            #expect(first["Email Address"] == "bob.hawkins@company.com")
            #expect(first["Data Center"] == "UK")
            #expect(first["Extension"] == "1000")
            #expect(rows[0]["attributes"] as? [String: String] == ["Job Title": "Agent II", "Department": "Support"])
            #expect(rows[0]["errors"] as? [String] == [])
            let second = try #require(rows[1]["row"] as? [String: String])
            #expect(second["Email Address"] == "drew@company.com")
            #expect((rows[1]["errors"] as? [String])?.first?.hasPrefix("Last Name: required") == true)
            #expect(rows[2]["errors"] as? [String] == [])
        }
    }

    @Test func previewsSampleRecordsAsATable() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let outcome = try MapCLI.run(
                ["map", "--mapping", MapCLI.path("mappings/microsoft-graph-users.yaml"), "--input", MapCLI.path("examples/graph-users.json")],
                in: directory)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let lines = outcome.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("#  ID") == true)
            #expect(lines.first?.contains("First Name") == true && lines.first?.contains("Job Title") == true)
            #expect(lines[1].contains("bob.hawkins@company.com") && lines[1].hasSuffix("OK"))
            #expect(lines[2].contains("Last Name: required"))
            #expect(lines[3].hasSuffix("filtered out"))
            #expect(lines.last == "3 records: 1 OK, 1 with errors, 1 filtered out")
        }
    }

    @Test(arguments: [
        [] as [String], ["--test", "--input", "x.json"],
    ])
    func inputAndTestAreExclusiveAndOneIsRequired(extra: [String]) throws {
        try MapCLI.withTemporaryDirectory { directory in
            let outcome = try MapCLI.run(["map", "--mapping", MapCLI.path("mappings/zendesk-users.yaml")] + extra, in: directory)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("--input"))
        }
    }

    /// Input that is not records exits 2 naming the file (and, for JSON lines, line and column).
    @Test(arguments: [
        ("bad.json", "[{\"a\": 1},", "mappings/zendesk-users.yaml", ": error: not valid JSON"),
        ("users.jsonl", "{\"id\": \"1\"}\n{\"id\": \"2\" \"givenName\": \"Ada\"}\n", "mappings/microsoft-graph-users.yaml",
         ":2:12: error: expected ',' or '}' after the member, found '\"'"),
    ])
    func unreadableInputExitsTwo(name: String, content: String, mapping: String, message: String) throws {
        try MapCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent(name)
            try Data(content.utf8).write(to: input)
            let outcome = try MapCLI.run(["map", "--mapping", MapCLI.path(mapping), "--input", input.path], in: directory)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.hasPrefix(input.path + message), "\(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
        }
    }
}
