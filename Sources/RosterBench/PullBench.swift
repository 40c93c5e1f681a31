import CurlHTTP
import Foundation
import RosterConnectors
import RosterTesting
import Synchronization

/// Pulls `users` generated Graph users end to end and prints records/s and peak RSS.
///
/// The Graph mock serves pages of 999 users on a loopback server; the pull goes through
/// ``CurlHTTPClient`` and ``ConnectorClient`` with the real `connectors/microsoft-graph.yaml`
/// (looked up under the current directory, then relative to this source file). Pages are counted
/// and dropped, as the engine maps and stores each page before the next is fetched, so peak RSS
/// should not grow with `users`. The mock runs in this process: its time (building and encoding
/// each page) is printed separately and is part of the wall time.
/// - Throws: ``ConnectorFileError`` when the connector file is missing or invalid, ``PullError``
///   when the pull fails, ``LoopbackServerError`` when the server cannot bind.
func runPullBench(users: Int) async throws {
    let job = MockVendorJob.graph
    let serverTime = Mutex(Duration.zero)
    let server = try LoopbackHTTPServer(lifetime: .seconds(3600), vendorAt: { origin in
        let graph = job.mock(MockVendorOptions(users: users, pageSize: 999, origin: origin))
        return { request in
            let start = ContinuousClock.now
            let response = graph(request)
            serverTime.withLock { $0 += ContinuousClock.now - start }
            return response
        }
    })
    defer { server.stop() }
    let http = CurlHTTPClient(maxConcurrentTransfers: 1)
    let client = ConnectorClient(connector: try job.connector(directory: connectorsDirectory(), origin: server.baseURL), http: http)
    var records = 0, largestPage = 0
    let start = ContinuousClock.now
    let outcome = try await client.pull(stream: job.stream) { page in
        records += page.records.count
        largestPage = max(largestPage, page.records.count)
    }
    let elapsed = ContinuousClock.now - start
    await http.shutdown()
    print("pull: \(records) Graph users in \(outcome.pages) pages (largest \(largestPage)) over libcurl + loopback, complete: \(outcome.isComplete)")
    print("pull: \(elapsed), \(perSecond(records, elapsed)) records/s, peak RSS \(String(format: "%.1f", Double(peakResidentKiB()) / 1024)) MB")
    print("pull: of which the in-process mock built and encoded pages for \(serverTime.withLock { $0 }); "
        + "process CPU \(String(format: "%.2f", processCPUSeconds())) s (wall above CPU is waiting for a core or a thread hop)")
}

/// `connectors/` under the current directory, else in the checkout this file belongs to.
private func connectorsDirectory() -> String {
    if FileManager.default.fileExists(atPath: "connectors/microsoft-graph.yaml") { return "connectors" }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("connectors").path
}

