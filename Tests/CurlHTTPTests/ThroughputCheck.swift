import CurlHTTP
import Foundation
import RosterConnectors
import RosterTesting
import Testing

/// A measurement run by hand, not a timed test: `ROSTERSYNC_THROUGHPUT=1 swift test --filter ThroughputCheck`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ROSTERSYNC_THROUGHPUT"] != nil))
struct ThroughputCheck {
    @Test func sequentialOneMegabyteGets() async throws {
        let page = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        try await withLoopback({ _ in HTTPResponse(status: 200, body: page) }) { server, client in
            let requests = 100
            let start = ContinuousClock.now
            for index in 0..<requests {
                let response = try await client.send(HTTPRequest(url: server.baseURL + "/page/\(index)"))
                #expect(response.body.count == page.count)
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("GET 1 MB x \(requests): \(String(format: "%.3f", seconds)) s, "
                + "\(String(format: "%.0f", Double(requests) / seconds)) requests/s, "
                + "\(String(format: "%.0f", Double(requests) / seconds)) MB/s, connections \(server.connectionsAccepted)")
        }
    }

    /// Transport only: 101 pages of 999 Graph-like user records (the benchmark's 100,000 records).
    @Test func pagedRecords() async throws {
        let record = #"{"id":"6e7b768e-07e2-4810-8459-485f84f8f204","displayName":"Adele Vance","mail":"AdeleV@contoso.com","jobTitle":"Retail Manager","department":"Retail","businessPhones":["+1 425 555 0109"]}"#
        let page = Array(("{\"value\":[" + Array(repeating: record, count: 999).joined(separator: ",") + "]}").utf8)
        try await withLoopback({ _ in HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: page) }) { server, client in
            let pages = 101
            let start = ContinuousClock.now
            for index in 0..<pages {
                let response = try await client.send(HTTPRequest(url: server.baseURL + "/v1.0/users?$top=999&page=\(index)"))
                #expect(response.body.count == page.count)
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("Pages of 999 records (\(page.count) bytes) x \(pages): \(String(format: "%.3f", seconds)) s, "
                + "\(String(format: "%.0f", Double(pages * 999) / seconds)) records/s")
        }
    }

    @Test func postThreeMegabytes() async throws {
        let body = [UInt8](repeating: 1, count: 3 << 20)
        try await withLoopback({ request in HTTPResponse(status: 200, body: Array(String(request.body?.count ?? 0).utf8)) }) { server, client in
            let start = ContinuousClock.now
            for _ in 0..<10 {
                let response = try await client.send(HTTPRequest(method: .post, url: server.baseURL + "/upload", body: body))
                #expect(response.text == String(body.count))
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print("POST 3 MB x 10: \(String(format: "%.3f", seconds)) s, \(String(format: "%.0f", 30 / seconds)) MB/s")
        }
    }
}
