import Foundation
import Testing

@Suite struct MapJSONLinesTests {
    /// The records of `examples/graph-users.json` written one per line, with a blank line between.
    static func graphUsersAsJSONLines() throws -> Data {
        let page = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: MapCLI.path("examples/graph-users.json")))) as? [String: Any])
        let records = try #require(page["value"] as? [Any])
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        return Data(lines.joined(separator: "\n\n").utf8)
    }

    @Test(arguments: ["users.jsonl", "users.NDJSON"])
    func aJSONLinesFilePreviewsAsTheSameRecordsInOneDocument(name: String) throws {
        try MapCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent(name)
            try Self.graphUsersAsJSONLines().write(to: input)
            let mapping = MapCLI.path("mappings/microsoft-graph-users.yaml")
            let lines = try MapCLI.run(["map", "--mapping", mapping, "--input", input.path, "--json"], in: directory)
            let document = try MapCLI.run(["map", "--mapping", mapping, "--input", MapCLI.path("examples/graph-users.json"), "--json"], in: directory)
            #expect(lines.status == 0, "\(lines.stderr)")
            #expect(try #require(try lines.json()["rows"] as? [[String: Any]]).count == 3)
            #expect(lines.stdout == document.stdout)
        }
    }
}
