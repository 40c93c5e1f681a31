import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
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
}
