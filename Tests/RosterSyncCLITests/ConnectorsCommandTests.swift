import Foundation
import RosterConnectors
@testable import rostersync
import Testing

/// `rostersync connectors list`, run as the built binary, and the pull-failure exit code.
@Suite struct ConnectorsCommandTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs the `rostersync` binary built next to this test bundle.
    func rostersync(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rostersync")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the executable first: swift build")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("RosterSyncCLITests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    @Test func listsEveryShippedConnectorAsJSON() throws {
        let result = try rostersync(["connectors", "list", "--connectors", "\(Self.repositoryRoot)/connectors", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let connectors = try #require(object["connectors"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: connectors.compactMap { entry in (entry["name"] as? String).map { ($0, entry) } })
        #expect(byName.keys.sorted() == ["csv-url", "dynamics365", "freshdesk", "google-directory", "hubspot", "microsoft-graph",
                                         "salesforce", "servicenow", "zendesk"])
        let graph = try #require(byName["microsoft-graph"])
        #expect(graph["auth"] as? String == "oauth2_client_credentials")
        let stream = try #require((graph["streams"] as? [[String: Any]])?.first)
        #expect(stream["name"] as? String == "users" && stream["paginator"] as? String == "next_link")
        #expect(stream["incremental"] as? String == "delta_link")
        #expect(byName["google-directory"]?["auth"] as? String == "jwt_bearer")
        #expect(connectors.allSatisfy { ($0["errors"] as? [String])?.isEmpty == true })
    }

    @Test func brokenFileIsListedWithItsDiagnosticsAndExitsTwo() throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.copyItem(atPath: "\(Self.repositoryRoot)/connectors/hubspot.yaml", toPath: "\(directory)/hubspot.yaml")
            let broken = "name: broken\nbase_url: https://api.example.test\nauth: {type: oauth2_client}\nstreams: [{name: users, records: users, id: id}]\n"
            try broken.write(toFile: "\(directory)/broken.yaml", atomically: true, encoding: .utf8)
            try "not a connector".write(toFile: "\(directory)/notes.txt", atomically: true, encoding: .utf8)

            let table = try rostersync(["connectors", "list", "--connectors", directory])
            #expect(table.status == 2)
            #expect(table.stdout.contains("hubspot") && table.stdout.contains("bearer") && table.stdout.contains("owners"))
            #expect(table.stdout.contains("\(directory)/broken.yaml") && table.stdout.contains("invalid"))
            #expect(!table.stdout.contains("notes.txt"))
            #expect(table.stderr.contains("\(directory)/broken.yaml:3:") && table.stderr.contains("did you mean 'oauth2_client_credentials'?"))

            let json = try rostersync(["connectors", "list", "--connectors", directory, "--json"])
            #expect(json.status == 2)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let entries = try #require(object["connectors"] as? [[String: Any]])
            #expect(entries.map { $0["file"] as? String } == ["\(directory)/broken.yaml", "\(directory)/hubspot.yaml"])
            let errors = try #require(entries.first?["errors"] as? [String])
            #expect(errors.count == 1 && errors[0].contains("unknown auth type 'oauth2_client'"))
            #expect(entries.first?["name"] is NSNull)
        }
    }

    @Test func missingDirectoryExitsTwo() throws {
        let result = try rostersync(["connectors", "list", "--connectors", "/nonexistent-\(UUID().uuidString)"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("connector directory not found"))
    }

    @Test func pullFailureExitsFourWithItsDescription() {
        let error = PullError(job: "nightly", connector: "zendesk", stream: "users", stage: .page(2), status: 429, retryable: true,
                              redactedURL: "https://acme.zendesk.com/api/v2/users.json", message: "still throttled after 5 tries",
                              pagesDelivered: 1)
        let (status, message) = ExitStatus.classify(error)
        #expect(status == 4 && status == ExitStatus.pullFailed)
        #expect(message == error.description)
    }
}
