import CurlHTTP
import RosterConnectors
import RosterTesting
import Testing

/// End to end: `connectors/csv-url.yaml` fetching a CSV export by http URL through libcurl.
@Suite(.timeLimit(.minutes(1)))
struct VendorLoopbackCSVTests {
    static let exportPath = "/exports/users.csv"

    /// A 20,000-row export (about 1 MB), so the body crosses many socket reads.
    static let document: String = {
        var text = "First Name,Last Name,Email\n"
        for index in 0..<20_000 { text += "\(MockPeople.givenName(index)),\(MockPeople.familyName(index)),\(MockPeople.email(index))\n" }
        return text
    }()

    func pull(
        document: String = Self.document, timeouts: TimeoutSettings? = nil,
        wrap: @escaping (@escaping VendorHandler) -> VendorHandler = { $0 }
    ) async throws -> LoopbackPull {
        try await pullOverLoopback(
            stream: "rows",
            connector: { origin in
                try ConnectorFile.load(path: "\(connectorsDirectory)/csv-url.yaml").resolve(
                    config: ["url": origin + Self.exportPath], secrets: [:], timeouts: timeouts, jobName: "nightly-csv")
            },
            serving: { _ in wrap(MockVendors.csv(document)) })
    }

    @Test func wholeDocumentArrivesAsOnePage() async throws {
        let pull = try await pull()
        let outcome = try #require(pull.outcome, "\(String(describing: pull.error))")
        #expect(outcome.isComplete && outcome.pages == 1 && outcome.records == 0)
        #expect(pull.rawBodies == [Array(Self.document.utf8)])
        #expect(pull.requests.map(\.url) == [Self.exportPath])
        #expect(pull.requests.first?.header("Accept")?.hasPrefix("text/csv") == true)
    }

    @Test func throttleWithRetryAfterIsWaitedOut() async throws {
        let pull = try await pull(wrap: throttlingOnce)
        #expect(pull.outcome?.isComplete == true)
        #expect(pull.rawBodies == [Array(Self.document.utf8)])
        #expect(pull.sleeps == [3] && pull.requests.count == 2)
    }

    @Test func emptyExportIsACompletePull() async throws {
        let pull = try await pull(document: "")
        #expect(pull.outcome?.isComplete == true && pull.rawBodies == [[]])
    }

    @Test func refusedConnectionFailsThePull() async throws {
        let port = try closedPort()
        let pull = try await pullOverLoopback(
            stream: "rows",
            connector: { _ in
                try ConnectorFile.load(path: "\(connectorsDirectory)/csv-url.yaml").resolve(
                    config: ["url": "http://127.0.0.1:\(port)\(Self.exportPath)"], secrets: [:])
            },
            serving: { _ in MockVendors.csv(Self.document) })
        let error = try #require(pull.error)
        #expect(error.stage == .page(1) && error.retryable && error.status == nil)
        #expect(error.redactedURL == "http://127.0.0.1:\(port)\(Self.exportPath)")
        #expect(pull.sleeps.count == 4 && pull.rawBodies.isEmpty)
    }

    @Test func hangingServerFailsWithinSeconds() async throws {
        let pull = try await pull(timeouts: shortTimeouts) { _ in { _ in .hangWithoutAnswer } }
        let error = try #require(pull.error)
        #expect(error.stage == .page(1) && error.retryable && error.description.contains("timed out after 5 tries"))
        #expect(pull.requests.count == 5 && pull.rawBodies.isEmpty)
        #expect(pull.elapsed < .seconds(120), "4 s limits: five tries at the 60 s default would take over 5 minutes")
    }

    @Test func serverErrorFailsWithoutABody() async throws {
        let pull = try await pull { _ in { _ in HTTPResponse(status: 500, body: Array("oops".utf8)) } }
        let error = try #require(pull.error)
        #expect(error.status == 500 && error.stage == .page(1) && pull.rawBodies.isEmpty)
    }
}

/// Answers the first request with 429 and `Retry-After: 3`, then serves normally.
@Sendable func throttlingOnce(_ handler: @escaping VendorHandler) -> VendorHandler {
    let throttled = Locked(false)
    return { request in
        let first = throttled.withLock { done in
            defer { done = true }
            return !done
        }
        return first ? MockResponse.throttled(retryAfter: "3") : handler(request)
    }
}
