import CurlHTTP
import RosterConnectors
import RosterTesting
import Testing

/// End to end: every shipped JSON connector file, resolved for a loopback mock of its vendor and
/// pulled through libcurl. Each pull ends with the full record set or a clear ``PullError``.
@Suite(.timeLimit(.minutes(1)))
struct VendorLoopbackTests {
    @Test(arguments: MockVendorJob.all)
    func pagesToTheFullRecordSet(vendor: MockVendorJob) async throws {
        let pull = try await pullVendor(vendor)
        let outcome = try #require(pull.outcome, "\(String(describing: pull.error))")
        #expect(outcome.isComplete && outcome.isFullPull)
        #expect(outcome.pages >= 3 && outcome.pages == pull.pageSizes.count)
        #expect(outcome.records == vendor.users && Set(pull.recordIDs).count == vendor.users)
        #expect(pull.tokenRequests == (vendor.refreshesTokens ? 1 : 0), "one token serves every page")
        #expect(pull.pageRequests == outcome.pages, "one request per page, no retries")
        #expect(pull.sleeps.isEmpty)
    }

    @Test(arguments: MockVendorJob.all)
    func throttleWithRetryAfterMidPullIsWaitedOut(vendor: MockVendorJob) async throws {
        let pull = try await pullVendor(vendor, faults: MockFaults(throttleOnPage: 2, retryAfter: "7"))
        let outcome = try #require(pull.outcome, "\(String(describing: pull.error))")
        #expect(outcome.records == vendor.users && Set(pull.recordIDs).count == vendor.users)
        #expect(pull.sleeps == [7], "Retry-After honoured through the recording sleeper")
        #expect(pull.pageRequests == outcome.pages + 1, "only the throttled page is sent twice")
    }

    @Test(arguments: MockVendorJob.all)
    func expiredTokenIsRefreshedOnceElseFails(vendor: MockVendorJob) async throws {
        let pull = try await pullVendor(vendor, faults: MockFaults(expireTokenOnPage: 2))
        if vendor.refreshesTokens {
            let outcome = try #require(pull.outcome, "\(String(describing: pull.error))")
            #expect(outcome.records == vendor.users && Set(pull.recordIDs).count == vendor.users)
            #expect(pull.tokenRequests == 2)
            #expect(pull.pageRequests == outcome.pages + 1)
        } else {
            // A static credential cannot be renewed: the 401 is final.
            let error = try #require(pull.error)
            #expect(error.status == 401 && !error.retryable && error.stage == .page(2) && error.pagesDelivered == 1)
            #expect(pull.pageRequests == 2)
            expectNoSecrets(error, vendor.secretValues)
        }
    }

    @Test(arguments: MockVendorJob.all)
    func emptyTenantIsACompletePullOfNothing(vendor: MockVendorJob) async throws {
        let pull = try await pullVendor(vendor, users: 0)
        let outcome = try #require(pull.outcome, "\(String(describing: pull.error))")
        #expect(outcome.isComplete && outcome.isFullPull && outcome.records == 0)
        #expect(pull.recordIDs.isEmpty && pull.pageRequests == 1)
    }

    @Test(arguments: MockVendorJob.all)
    func malformedBodyFailsThePull(vendor: MockVendorJob) async throws {
        let pull = try await pullVendor(vendor, faults: MockFaults(malformedOnPage: 2))
        let error = try #require(pull.error, "a body that is not JSON must not complete the pull")
        #expect(error.stage == .parse(2) && error.status == 200 && !error.retryable && error.pagesDelivered == 1)
        #expect(error.connector == vendor.file && error.job == "nightly-\(vendor.file)")
        #expect(error.description.contains("not JSON") && error.redactedURL?.contains("?") == false)
        #expect(pull.pageSizes.count == 1 && pull.pageRequests == 2)
        expectNoSecrets(error, vendor.secretValues)
    }

    @Test(arguments: MockVendorJob.all)
    func serverStoppedMidPullFailsAfterBoundedTries(vendor: MockVendorJob) async throws {
        let pull = try await pullVendor(vendor, afterPage: { page, server in
            if page.number == 1 { server.stop() }
        })
        let error = try #require(pull.error, "a refused connection must not complete the pull")
        #expect(error.stage == .page(2) && error.status == nil && error.retryable && error.pagesDelivered == 1)
        #expect(error.description.contains("could not connect after 5 tries"))
        #expect(pull.sleeps.count == 4, "5 tries, 4 backoff waits")
        #expect(pull.pageSizes.count == 1)
        expectNoSecrets(error, vendor.secretValues)
    }

    @Test(arguments: MockVendorJob.all)
    func hangingServerFailsWithinSeconds(vendor: MockVendorJob) async throws {
        let firstPage = Locked<String?>(nil)
        let pull = try await pullVendor(vendor, timeouts: shortTimeouts, wrap: { hangingAfterFirstPage($0, firstPage: firstPage) })
        let error = try #require(pull.error, "a server that never answers must not complete the pull")
        #expect(error.stage == .page(2) && error.status == nil && error.retryable && error.pagesDelivered == 1)
        #expect(error.description.contains("timed out after 5 tries"))
        // Page 1 may itself be retried on a loaded machine; page 2 is sent exactly max_attempts times.
        let secondPageRequests = pull.requests.filter { $0.method == .get && $0.url != firstPage.withLock { $0 } }
        #expect(secondPageRequests.count == 5)
        #expect(pull.sleeps.count >= 4)
        #expect(pull.elapsed < .seconds(120), "4 s limits: five tries at the 60 s default would take over 5 minutes")
        expectNoSecrets(error, vendor.secretValues)
    }

    @Test func unreachableTokenEndpointFailsAtAuth() async throws {
        let vendor = MockVendorJob.graph
        let port = try closedPort()
        let pull = try await pullOverLoopback(
            stream: vendor.stream,
            connector: { _ in
                try ConnectorFile.load(path: "\(connectorsDirectory)/\(vendor.file).yaml").resolve(
                    config: vendor.config, secrets: vendor.secrets, baseURL: "http://127.0.0.1:\(port)/v1.0",
                    tokenURL: "http://127.0.0.1:\(port)/contoso/oauth2/v2.0/token", jobName: "nightly")
            },
            serving: { vendor.mock(MockVendorOptions(users: 5, pageSize: 5, origin: $0)) })
        let error = try #require(pull.error)
        #expect(error.stage == .auth && error.retryable && error.pagesDelivered == 0)
        #expect(pull.sleeps.count == 4 && pull.requests.isEmpty)
        expectNoSecrets(error, vendor.secretValues)
    }
}

/// Answers token requests and the first page (however often it is asked), then never answers another page.
@Sendable func hangingAfterFirstPage(_ handler: @escaping VendorHandler, firstPage: Locked<String?>) -> VendorHandler {
    { request in
        guard request.method == .get else { return handler(request) }
        let isFirstPage = firstPage.withLock { first in
            if first == nil { first = request.url }
            return first == request.url
        }
        return isFirstPage ? handler(request) : .hangWithoutAnswer
    }
}
