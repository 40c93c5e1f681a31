import Foundation
import RosterConnectors
import RosterCore
import RosterTesting
import Testing

@Suite struct StreamKindTests {
    @Test(arguments: ["https://files.example.test/export/users.csv", "file:///var/exports/users.csv", "sftp://sftp.example.test/out/users.csv"])
    func csvIsHandedOverAsBytes(url: String) async throws {
        let connector = try ConnectorFile.load(path: "\(repositoryRoot)/connectors/csv-url.yaml").resolve(config: ["url": url], secrets: [:])
        let csv = "email,first_name\nuser1@example.test,Given1\n"
        let run = try await runPull(connector, stream: "rows") { MockVendors.csv(csv)($0) }
        let outcome = try #require(run.outcome)
        #expect(outcome.pages == 1 && outcome.records == 0 && outcome.isComplete)
        #expect(run.pages.first?.rawBody == Array(csv.utf8))
        let request = try #require(run.requests.first)
        #expect(request.url == url && request.allowedSchemes.contains(String(url.prefix { $0 != ":" })))
    }

    static let updatedSinceYAML = """
        name: tickets-like
        base_url: https://api.example.test
        auth: {type: api_key_header, header: X-Api-Key, value: "{{ secrets.key }}"}
        paginator: {type: page_number, param: page, size_param: per_page, size: 2}
        streams:
          - name: users
            path: /users
            records: users
            id: id
            incremental: {type: updated_since, param: updated_since, field: updated_at}
        """

    @Test func updatedSinceSendsTheStoredCursorAndKeepsTheNewest() async throws {
        let connector = try ConnectorFile.parse(yaml: Self.updatedSinceYAML, path: "u.yaml").resolve(config: [:], secrets: ["key": Secret("k-1")])
        let stamps = ["2026-11-20T10:00:00Z", "2026-11-24T09:00:00Z", "2026-11-22T08:00:00Z"]
        let handler: ScriptedHTTPClient.Handler = { request in
            #expect(request.header("X-Api-Key") == "k-1")
            let call = MockRequest(request)
            let page = Int(call.param("page") ?? "1") ?? 1
            let slice = stamps.indices.dropFirst((page - 1) * 2).prefix(2)
            return MockResponse.json(.object(["users": .array(slice.map { .object(["id": .number(Double($0)), "updated_at": .string(stamps[$0])]) })]))
        }
        let first = try await runPull(connector, stream: "users", handler: handler)
        let outcome = try #require(first.outcome)
        #expect(outcome.records == 3 && outcome.isFullPull)
        #expect(outcome.newState == IncrementalState(cursor: "2026-11-24T09:00:00Z"))
        #expect(!first.requests[0].url.contains("updated_since"))

        let second = try await runPull(connector, stream: "users", state: outcome.newState, handler: handler)
        #expect(second.requests[0].url == "https://api.example.test/users?updated_since=2026-11-24T09:00:00Z&page=1&per_page=2")
        #expect(second.outcome?.isFullPull == false)
    }

    @Test func updatedSinceWithoutAFieldUsesThePullStartTime() async throws {
        let yaml = Self.updatedSinceYAML.replacingOccurrences(of: ", field: updated_at", with: "")
        let connector = try ConnectorFile.parse(yaml: yaml, path: "u.yaml").resolve(config: [:], secrets: ["key": Secret("k")])
        let clock = ManualClock(start: 1_445_412_480)
        let run = try await runPull(connector, stream: "users", clock: clock) { _ in MockResponse.json(.object(["users": .array([])])) }
        #expect(run.outcome?.newState == IncrementalState(cursor: "2015-10-21T07:28:00Z"))
    }
}
