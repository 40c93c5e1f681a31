import Foundation
import RosterConnectors
import RosterCore
import RosterTesting
import Testing

@Suite struct IncrementalAndAuthTests {
    let graph = VendorCase.all[0]
    let google = VendorCase.all[1]

    @Test func graphDeltaStoresTheLinkThenReportsChangesAndRemovals() async throws {
        let delta = MockGraphDelta(changed: [1, 4], removed: [7, 8, 9])
        let handler = MockVendors.graph(MockVendorOptions(users: 25, pageSize: 10, origin: mockOrigin), delta: delta)
        let full = try await runPull(try graph.connector(), stream: "users") { handler($0) }
        let first = try #require(full.outcome)
        #expect(first.isFullPull && first.records == 25 && first.pages == 3)
        let link = try #require(first.newState?.deltaLink)
        #expect(link.hasPrefix(mockOrigin + "/v1.0/users/delta?$deltatoken="))
        let gets = full.requests.filter { $0.method == .get }
        #expect(gets.allSatisfy { $0.url.redactedURL.hasSuffix("/users/delta") })
        #expect(gets[0].url.contains("$select=id,givenName") && !gets[0].url.contains("$top"), "delta uses its own query")

        let changes = try await runPull(try graph.connector(), stream: "users", state: first.newState) { handler($0) }
        let second = try #require(changes.outcome)
        #expect(!second.isFullPull && !second.fullPullForced)
        #expect(changes.records.map(\.id) == [MockVendors.graphID(1), MockVendors.graphID(4)])
        #expect(changes.pages.flatMap(\.removedIDs) == [7, 8, 9].map(MockVendors.graphID))
        #expect(second.removed == 3)
        #expect(second.newState?.deltaLink?.contains("mock-delta-2") == true)
    }

    @Test func graphStaleDeltaTokenStartsOverWithAFullPull() async throws {
        let handler = MockVendors.graph(MockVendorOptions(users: 25, pageSize: 10, origin: mockOrigin), delta: MockGraphDelta(staleToken: true))
        let stale = IncrementalState(deltaLink: mockOrigin + "/v1.0/users/delta?$deltatoken=expired")
        let run = try await runPull(try graph.connector(), stream: "users", state: stale) { handler($0) }
        let outcome = try #require(run.outcome, "\(String(describing: run.error))")
        #expect(outcome.fullPullForced && outcome.isFullPull)
        #expect(outcome.records == 25)
        #expect(outcome.newState?.deltaLink?.contains("mock-delta-1") == true)
    }

    @Test func googleMockAcceptsOnlyAProperlySignedJWT() async throws {
        let run = try await runVendor(google)
        #expect(run.outcome?.records == 25)
        let tokenRequest = try #require(run.requests.first { $0.method == .post })
        let form = MockRequest(tokenRequest).form
        #expect(form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        let parts = try #require(form["assertion"]).split(separator: ".")
        #expect(parts.count == 3)
        let claims = try #require(JWTAssertion.decodeBase64URL(parts[1]).flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0)) })
        #expect(claims["iss"] == .string(MockCredentials.serviceAccountEmail))
        #expect(claims["sub"] == .string(MockCredentials.adminEmail))
        #expect(claims["aud"] == .string("https://oauth2.googleapis.com/token"), "aud stays Google's even when token_url is overridden")
        #expect(claims["scope"] == .string(MockVendors.googleScope))
        guard case .number(let iat)? = claims["iat"], case .number(let exp)? = claims["exp"] else {
            Issue.record("iat/exp missing")
            return
        }
        #expect(exp - iat == 3600)
    }

    @Test func googleRejectsAJWTSignedWithAnotherKey() async throws {
        let otherPublicKey = TestKeys.makeKeyPair().publicPEM
        let handler = MockVendors.google(MockVendorOptions(users: 5, pageSize: 10, origin: mockOrigin), publicKeyPEM: otherPublicKey)
        let run = try await runPull(try google.connector(), stream: "users") { handler($0) }
        let error = try #require(run.error)
        #expect(error.stage == .auth && error.status == 400 && !error.retryable)
        #expect(error.description.contains("Invalid JWT Signature"))
        #expect(!error.description.contains("PRIVATE KEY"))
        #expect(run.pages.isEmpty)
    }

    @Test func wrongClientSecretFailsAtAuthWithoutEchoingIt() async throws {
        var vendor = graph
        vendor.secrets["client_secret"] = Secret("not-the-secret-123")
        let handler = MockVendors.graph(MockVendorOptions(users: 5, pageSize: 10, origin: mockOrigin))
        let run = try await runPull(try vendor.connector(), stream: "users") { handler($0) }
        let error = try #require(run.error)
        #expect(error.stage == .auth && error.status == 401)
        #expect(!error.description.contains("not-the-secret-123"))
        #expect(error.description.contains("invalid") || error.description.contains("Invalid"))
    }

    @Test(arguments: [(VendorCase.all[1], "google 403 rateLimitExceeded"), (VendorCase.all[2], "salesforce 403 REQUEST_LIMIT_EXCEEDED")])
    func vendor403ThrottlesAreRetriedWithBackoff(vendor: VendorCase, label: String) async throws {
        let options = MockVendorOptions(users: 25, pageSize: 10, origin: mockOrigin, faults: MockFaults(throttleOnPage: 2, retryAfter: nil))
        let handler = vendor.file == "salesforce" ? MockVendors.salesforce(options, throttleAs403: true)
            : MockVendors.google(options, publicKeyPEM: TestKeys.serviceAccount.publicPEM, throttleAs403: true)
        let run = try await runPull(try vendor.connector(), stream: "users", jitter: 0.5) { handler($0) }
        #expect(run.outcome?.records == 25, "\(label)")
        // No Retry-After: initial backoff 1 s scaled by jitter 0.5 → 0.75 s.
        #expect(run.sleeps == [0.75], "\(label)")
    }

    @Test func tokenIsCachedAcrossPullsUntilExpiryMinusMargin() async throws {
        let http = ScriptedHTTPClient(vendor: MockVendors.graph(MockVendorOptions(users: 25, pageSize: 10, origin: mockOrigin)))
        let clock = ManualClock()
        let client = ConnectorClient(connector: try graph.connector(), http: http, clock: clock, now: clock.reader, random: { 0 })
        _ = try await client.pull(stream: "users") { _ in }
        _ = try await client.pull(stream: "users") { _ in }
        #expect(await http.requests.filter { $0.method == .post }.count == 1)
        clock.advance(by: 3599 - 60 + 1)
        _ = try await client.pull(stream: "users") { _ in }
        #expect(await http.requests.filter { $0.method == .post }.count == 2)
    }

    @Test func errorThrownByTheCallerStopsThePullAndIsRethrown() async throws {
        struct StoreFull: Error {}
        let client = ConnectorClient(connector: try graph.connector(), http: ScriptedHTTPClient(vendor: MockVendors.graph(
            MockVendorOptions(users: 25, pageSize: 10, origin: mockOrigin))), clock: ManualClock())
        await #expect(throws: StoreFull.self) {
            try await client.pull(stream: "users") { page in if page.number == 2 { throw StoreFull() } }
        }
    }

    @Test func unknownStreamNamesTheChoices() async throws {
        let client = ConnectorClient(connector: try graph.connector(), http: ScriptedHTTPClient { _ in HTTPResponse(status: 500) })
        let error = await #expect(throws: PullError.self) { try await client.pull(stream: "user") { _ in } }
        #expect(error?.description.contains("did you mean 'users'") == true)
    }
}


extension IncrementalAndAuthTests {
    @Test func anUnavailableTokenEndpointIsRetriedWithBackoff() async throws {
        let graphMock = MockVendors.graph(MockVendorOptions(users: 5, pageSize: 10, origin: mockOrigin))
        let tokenCalls = Locked(0)
        let run = try await runPull(try graph.connector(), stream: "users", jitter: 1) { request in
            if request.method == .post, tokenCalls.withLock({ calls in
                calls += 1
                return calls == 1
            }) {
                return HTTPResponse(status: 503)
            }
            return graphMock(request)
        }
        #expect(run.outcome?.records == 5)
        #expect(run.sleeps == [2], "initial backoff 2 s from microsoft-graph.yaml, full jitter draw")
        #expect(run.tokenRequests == 2)
    }

    @Test func aRefusedTokenRequestIsNotRetried() async throws {
        var vendor = graph
        vendor.secrets["client_secret"] = Secret("wrong")
        let handler = MockVendors.graph(MockVendorOptions(users: 5, pageSize: 10, origin: mockOrigin))
        let run = try await runPull(try vendor.connector(), stream: "users") { handler($0) }
        #expect(run.error?.stage == .auth && run.sleeps.isEmpty && run.tokenRequests == 1)
    }
}
