import Foundation
import RosterConnectors
import RosterTesting
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The origin the mocks pretend to live on; jobs override `base_url`/`token_url` to it.
let mockOrigin = "https://mock.test"

/// One vendor: its connector file, the job settings that fill it, and its mock (shared with the loopback tests).
typealias VendorCase = MockVendorJob

extension MockVendorJob {
    /// The shipped connector file.
    var path: String { "\(repositoryRoot)/connectors/\(file).yaml" }

    /// The connector resolved with `base_url`/`token_url` on ``mockOrigin``.
    func connector() throws -> Connector { try connector(directory: "\(repositoryRoot)/connectors", origin: mockOrigin) }
}

/// What one pull did, whichever way it ended.
struct PullRun {
    var result: Result<PullOutcome, PullError>
    var pages: [PullPage]
    var requests: [HTTPRequest]
    var sleeps: [Double]

    var records: [SourceRecord] { pages.flatMap(\.records) }
    var tokenRequests: Int { requests.filter { $0.method == .post }.count }
    var error: PullError? { if case .failure(let error) = result { error } else { nil } }
    var outcome: PullOutcome? { try? result.get() }
}

/// Pulls `stream` through a scripted client serving `handler`, recording sleeps on a manual clock.
func runPull(
    _ connector: Connector, stream: String, state: IncrementalState? = nil, clock: ManualClock = ManualClock(), jitter: Double = 0.5,
    handler: @escaping ScriptedHTTPClient.Handler
) async throws -> PullRun {
    let http = ScriptedHTTPClient(handler: handler)
    let client = ConnectorClient(connector: connector, http: http, clock: clock, now: clock.reader, random: { jitter })
    var pages: [PullPage] = []
    let result: Result<PullOutcome, PullError>
    do {
        result = .success(try await client.pull(stream: stream, state: state) { pages.append($0) })
    } catch let error as PullError {
        result = .failure(error)
    }
    return PullRun(result: result, pages: pages, requests: await http.requests, sleeps: clock.waits)
}

/// Runs a vendor case with its mock, optionally wrapping the handler (to inject transport errors).
func runVendor(
    _ vendor: VendorCase, users: Int? = nil, faults: MockFaults = MockFaults(),
    wrap: (@escaping @Sendable (HTTPRequest) -> HTTPResponse) -> ScriptedHTTPClient.Handler = { handler in { handler($0) } }
) async throws -> PullRun {
    let handler = vendor.mock(MockVendorOptions(users: users ?? vendor.users, pageSize: vendor.pageSize, origin: mockOrigin, faults: faults))
    return try await runPull(try vendor.connector(), stream: vendor.stream, handler: wrap(handler))
}
