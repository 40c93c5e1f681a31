import Foundation
import Testing

@Suite struct MapJSONLinesTests {
    static let lines = [
        #"{"id": "6f1c2b8e-0001", "givenName": "Bob", "surname": "Hawkins", "mail": "Bob.Hawkins@Company.com", "businessPhones": ["+1 425 555 1000"], "department": "Support", "jobTitle": "Agent II", "usageLocation": "GB", "accountEnabled": true}"#,
        "",
        #"{"id": "6f1c2b8e-0002", "givenName": "Andrew", "surname": null, "mail": null, "userPrincipalName": "Drew@Company.com", "accountEnabled": true}"#,
        #"{"id": "6f1c2b8e-0004", "givenName": "Old", "surname": "User", "accountEnabled": false}"#,
    ]

    @Test(arguments: ["users.jsonl", "users.NDJSON"])
    func previewsAJSONLinesFile(name: String) throws {
        try MapCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent(name)
            try Data(Self.lines.joined(separator: "\n").utf8).write(to: input)
            let outcome = try MapCLI.run(
                ["map", "--mapping", MapCLI.path("mappings/microsoft-graph-users.yaml"), "--input", input.path, "--json"], in: directory)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let rows = try #require(try outcome.json()["rows"] as? [[String: Any]])
            #expect(rows.map { $0["index"] as? Int } == [1, 2, 3])
            #expect(rows.map { $0["externalID"] as? String } == ["6f1c2b8e-0001", "6f1c2b8e-0002", "6f1c2b8e-0004"])
            #expect(rows.map { $0["valid"] as? Bool } == [true, false, false])
            #expect(rows.map { $0["filteredOut"] as? Bool } == [false, false, true])
            let first = try #require(rows[0]["row"] as? [String: String])
            #expect(first["Email Address"] == "bob.hawkins@company.com")
            #expect(first["Extension"] == "1000")
            #expect((rows[1]["errors"] as? [String])?.first?.hasPrefix("Last Name: required") == true)
        }
    }

    @Test func aMalformedLineExitsTwoNamingFileLineAndColumn() throws {
        try MapCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("users.jsonl")
            try Data("{\"id\": \"1\"}\n{\"id\": \"2\" \"givenName\": \"Ada\"}\n".utf8).write(to: input)
            let outcome = try MapCLI.run(["map", "--mapping", MapCLI.path("mappings/microsoft-graph-users.yaml"), "--input", input.path], in: directory)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.hasPrefix("\(input.path):2:12: error: expected ',' or '}' after the member, found '\"'"), "\(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
        }
    }
}
