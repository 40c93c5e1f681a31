import RosterConnectors
import RosterTesting
import Testing

/// What a pull logs: each page, each wait with its reason, each token; never a secret or token.
@Suite struct ConnectorLoggingTests {
    static let graph = MockVendorJob.graph

    /// Pulls the Graph mock with `faults`, through `handler` wrapping it, logging into a capture.
    static func pull(faults: MockFaults, wrap: @escaping (@escaping @Sendable (HTTPRequest) -> HTTPResponse) -> ScriptedHTTPClient.Handler = { handler in { handler($0) } })
        async throws -> [LogCapture.Entry] {
        let capture = LogCapture()
        let vendor = graph.mock(MockVendorOptions(users: 25, pageSize: 10, origin: mockOrigin, faults: faults))
        let clock = ManualClock()
        let client = ConnectorClient(connector: try graph.connector(), http: ScriptedHTTPClient(handler: wrap(vendor)), clock: clock,
                                     now: clock.reader, random: { 0.5 }, logger: capture.logger(label: "rostersync.connectors"))
        _ = try await client.pull(stream: graph.stream) { _ in }
        return capture.entries
    }

    @Test func pagesRateLimitsAndTokenRefreshesAreLoggedWithoutSecretsOrTokens() async throws {
        let entries = try await Self.pull(faults: MockFaults(throttleOnPage: 2, retryAfter: "7", expireTokenOnPage: 3))
        let pages = entries.filter { $0.message == "page received" }
        #expect(pages.map { $0.metadata["page"] } == ["1", "2", "3"])
        #expect(pages.allSatisfy { $0.level == .debug && $0.metadata["job"] == "nightly-microsoft-graph" && $0.metadata["stream"] == "users" })
        let wait = try #require(entries.first { $0.message == "rate limited; waiting before the next request" })
        #expect(wait.level == .info && wait.metadata["status"] == "429" && wait.metadata["retry_after"] == "7" && wait.metadata["wait_seconds"] == "7.0")
        #expect(wait.metadata["url"] == "https://mock.test/v1.0/users/delta", "the URL without its query: \(wait)")
        #expect(entries.contains { $0.level == .info && $0.message == "the access token was rejected (HTTP 401); getting a new one" })
        #expect(entries.filter { $0.message == "got an access token" }.count == 2)
        for entry in entries {
            let text = ([entry.message] + entry.metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
            for canary in [MockCredentials.clientSecret, "mock-access-", "Bearer"] {
                #expect(!text.contains(canary), "\(text)")
            }
        }
    }

    @Test func retriesAfterANetworkFailureOrAServerErrorAreWarningsWithTheirReason() async throws {
        let pageRequests = Locked(0)
        let entries = try await Self.pull(faults: MockFaults()) { vendor in
            { request in
                guard request.method == .get else { return vendor(request) }
                switch pageRequests.withLock({ count in count += 1; return count }) {
                case 1: throw TransportError(kind: .timedOut, redactedURL: request.url.redactedURL, detail: "timed out after 30 s")
                case 2: return HTTPResponse(status: 503)
                default: return vendor(request)
                }
            }
        }
        let network = try #require(entries.first { $0.message == "no response; retrying" })
        #expect(network.level == .warning && network.metadata["reason"] == "timed out after 30 s" && network.metadata["page"] == "1", "\(network)")
        let server = try #require(entries.first { $0.message == "the server answered with an error; retrying" })
        #expect(server.level == .warning && server.metadata["status"] == "503", "\(server)")
        #expect(!entries.contains { $0.message.hasPrefix("rate limited") })
    }
}
