import Foundation
import Hummingbird
import HummingbirdTesting
import RosterConnectors
import RosterEngine
@testable import RosterServer
import RosterTesting
import Testing

@Suite("GET /metrics")
struct MetricsTests {
    @Test("counts requests by route and status, runs by kind, job and status, and rows by outcome")
    func countsRequestsRunsAndRows() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, csvType), body: csv(ImportRouteTests.badRows)) { #expect($0.status == .created) }
            let id = try await client.execute(uri: "/api/jobs/crm-nightly/runs", method: .post, headers: bearer(TestTokens.writer)) { $0.json["id"] as? Int ?? 0 }
            _ = try await JobAndRunRouteTests.waitForRun(id, client)
            try await client.execute(uri: "/api/runs/999", method: .get, headers: bearer(TestTokens.reader)) { #expect($0.status == .notFound) }
            // The background run is counted once it has ended; poll briefly for it.
            var text = ""
            for _ in 0..<100 {
                text = try await client.execute(uri: "/metrics", method: .get, headers: bearer(TestTokens.reader)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                    return response.text
                }
                if text.contains(#"kind="sync""#) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("rostersync_http_requests_total{") && $0.contains(#"route="/api/imports""#) && $0.contains(#"status="201""#) }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_http_requests_total{") && $0.contains(#"route="/api/runs/{id}""#) && $0.contains(#"status="404""#) }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_runs_total{") && $0.contains(#"kind="import""#) && $0.contains(#"status="completed with failures""#) && $0.hasSuffix(" 1") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_runs_total{") && $0.contains(#"job="crm-nightly""#) && $0.contains(#"status="succeeded""#) }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_rows_total{") && $0.contains(#"kind="import""#) && $0.contains(#"outcome="failed""#) && $0.hasSuffix(" 2") }, "\(text)")
        }
    }

    /// The metric lines of `/metrics`, once `ready` holds for them (background runs are counted
    /// when they end), polling briefly.
    static func lines(_ client: any TestClientProtocol, until ready: ([String]) -> Bool) async throws -> [String] {
        var lines: [String] = []
        for _ in 0..<100 {
            lines = try await client.execute(uri: "/metrics", method: .get, headers: bearer(TestTokens.reader)) { $0.text }.split(separator: "\n").map(String.init)
            if ready(lines) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return lines
    }

    @Test("pull and apply durations by job and the wait for the store's write turn are measured for syncs and imports")
    func durationsAndStoreWait() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/users.csv")) { #expect($0.status == .created) }
            let id = try await client.execute(uri: "/api/jobs/crm-nightly/runs", method: .post, headers: bearer(TestTokens.writer)) { $0.json["id"] as? Int ?? 0 }
            _ = try await JobAndRunRouteTests.waitForRun(id, client)
            let lines = try await Self.lines(client) { $0.contains { $0.hasPrefix("rostersync_apply_duration_seconds_count{") && $0.contains(#"kind="sync""#) } }
            let text = lines.joined(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("rostersync_pull_duration_seconds_count{") && $0.contains(#"job="crm-nightly""#) && $0.hasSuffix(" 1") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_apply_duration_seconds_count{") && $0.contains(#"job="crm-nightly""#) && $0.contains(#"kind="sync""#) && $0.hasSuffix(" 1") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_apply_duration_seconds_count{") && $0.contains(#"kind="import""#) && $0.hasSuffix(" 1") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_store_wait_seconds_count{") && $0.contains(#"kind="sync""#) && $0.hasSuffix(" 1") }, "\(text)")
            #expect(lines.contains { $0.hasPrefix("rostersync_store_wait_seconds_count{") && $0.contains(#"kind="import""#) && $0.hasSuffix(" 1") }, "\(text)")
            #expect(!lines.contains { $0.hasPrefix("rostersync_pull_duration_seconds_count{") && $0.contains(#"job="""#) }, "imports have no pull: \(text)")
        }
    }

    @Test("a run that fails before it finishes (as a scheduled run whose source fails) is counted by job and status")
    func failedRunCounted() async throws {
        let server = try TestServer()
        let environment = server.environment
        let monitor = environment.jobs.monitor
        let failing = ScriptedHTTPClient { _ in RosterConnectors.HTTPResponse(status: 404, headers: [], body: Array("gone".utf8)) }
        let job = try #require(environment.config.jobs.first)
        // The scheduler of `serve --http` runs each job through a store watched for that run.
        let sync = SyncService(store: monitor.watchingRun(environment.store), catalog: environment.config.catalog, http: failing)
        await #expect(throws: (any Error).self) { try await sync.sync(job, configFile: "rostersync.yaml", options: SyncOptions(trigger: .schedule)) }
        try await server.test { client in
            let lines = try await Self.lines(client) { _ in true }
            #expect(lines.contains { $0.hasPrefix("rostersync_runs_total{") && $0.contains(#"job="crm-nightly""#) && $0.contains(#"status="failed""#) && $0.hasSuffix(" 1") },
                    "\(lines.joined(separator: "\n"))")
        }
    }
}
