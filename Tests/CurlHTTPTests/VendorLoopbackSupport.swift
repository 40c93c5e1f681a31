import CurlHTTP
import Foundation
import RosterConnectors
import RosterTesting
import Testing

/// The shipped `connectors/` directory, found from this file's path.
let connectorsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("connectors").path

/// A mock vendor's request handler.
typealias VendorHandler = @Sendable (HTTPRequest) -> HTTPResponse

/// What one pull over libcurl did, whichever way it ended.
struct LoopbackPull {
    var result: Result<PullOutcome, PullError>
    /// Records per delivered page.
    var pageSizes: [Int] = []
    var recordIDs: [String] = []
    var rawBodies: [[UInt8]] = []
    /// Every request the server received, in arrival order.
    var requests: [HTTPRequest] = []
    var sleeps: [Double] = []
    var elapsed: Duration = .zero

    var error: PullError? { if case .failure(let error) = result { error } else { nil } }
    var outcome: PullOutcome? { try? result.get() }
    var tokenRequests: Int { requests.filter { $0.method == .post }.count }
    var pageRequests: Int { requests.filter { $0.method == .get }.count }
}

/// Serves `makeHandler(origin)` on a loopback server, resolves `makeConnector(origin)` and pulls
/// `stream` through ``CurlHTTPClient`` with a recording sleeper (no real waits).
///
/// - Parameter afterPage: runs after each delivered page, with the server (stop it to refuse what follows).
func pullOverLoopback(
    stream: String, connector makeConnector: (_ origin: String) throws -> Connector,
    serving makeHandler: (_ origin: String) -> VendorHandler,
    afterPage: (PullPage, LoopbackHTTPServer) -> Void = { _, _ in }
) async throws -> LoopbackPull {
    let log = Locked<[HTTPRequest]>([])
    let server = try LoopbackHTTPServer(lifetime: .seconds(60), vendorAt: { origin in
        let handler = makeHandler(origin)
        return { request in
            log.withLock { $0.append(request) }
            return handler(request)
        }
    })
    let http = CurlHTTPClient(maxConcurrentTransfers: 1)
    let clock = ManualClock()
    var pull = LoopbackPull(result: .failure(PullError(job: nil, connector: "", stream: stream, stage: .setup, status: nil, retryable: false,
                                                       redactedURL: nil, message: "not run", pagesDelivered: 0)))
    let start = ContinuousClock.now
    do {
        let client = ConnectorClient(connector: try makeConnector(server.baseURL), http: http, clock: clock, random: { 0.5 })
        pull.result = .success(try await client.pull(stream: stream) { page in
            pull.pageSizes.append(page.records.count)
            pull.recordIDs += page.records.map(\.id)
            if let body = page.rawBody { pull.rawBodies.append(body) }
            afterPage(page, server)
        })
    } catch let error as PullError {
        pull.result = .failure(error)
    } catch {
        server.stop()
        await http.shutdown()
        throw error
    }
    pull.elapsed = ContinuousClock.now - start
    server.stop()
    await http.shutdown()
    pull.requests = log.withLock { $0 }
    pull.sleeps = clock.waits
    return pull
}

/// Pulls `vendor`'s real connector file against its mock served on loopback.
///
/// - Parameters:
///   - wrap: alters the mock's handler (to hang or drop a request).
///   - timeouts: the job's timeout override.
func pullVendor(
    _ vendor: MockVendorJob, users: Int? = nil, faults: MockFaults = MockFaults(), timeouts: TimeoutSettings? = nil,
    wrap: @escaping (@escaping VendorHandler) -> VendorHandler = { $0 },
    afterPage: (PullPage, LoopbackHTTPServer) -> Void = { _, _ in }
) async throws -> LoopbackPull {
    try await pullOverLoopback(
        stream: vendor.stream,
        connector: { origin in try vendor.connector(directory: connectorsDirectory, origin: origin, timeouts: timeouts) },
        serving: { origin in wrap(vendor.mock(MockVendorOptions(users: users ?? vendor.users, pageSize: vendor.pageSize, origin: origin, faults: faults))) },
        afterPage: afterPage)
}

/// Expects that no error text carries a job secret or an issued access token.
func expectNoSecrets(_ error: PullError?, _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error else { return }
    for text in [error.description, String(reflecting: error), error.message] {
        for secret in secrets where !secret.isEmpty {
            #expect(!text.contains(secret), "secret leaked into: \(text)", sourceLocation: sourceLocation)
        }
        #expect(!text.contains("mock-access-"), "token leaked into: \(text)", sourceLocation: sourceLocation)
    }
}

/// Timeouts short enough that a hanging server fails a pull in seconds (5 tries × 4 s), long
/// enough that a loaded machine still answers the pages that do get an answer in time.
let shortTimeouts: TimeoutSettings = {
    var settings = TimeoutSettings()
    settings.connectSeconds = 4
    settings.totalSeconds = 4
    return settings
}()
