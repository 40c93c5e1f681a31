import RosterConnectors
import RosterTesting
import Testing

/// Every vendor against its mock: the full record set, or a clear failed pull — never a partial
/// pull reported as complete.
@Suite struct VendorPullTests {
    /// No error text may carry a job secret or an issued token.
    func expectNoSecrets(_ error: PullError?, _ vendor: VendorCase, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let error else { return }
        for text in [error.description, String(reflecting: error), error.message] {
            for secret in vendor.secretValues {
                #expect(!text.contains(secret), "secret leaked into: \(text)", sourceLocation: sourceLocation)
            }
            #expect(!text.contains("mock-access-"), "token leaked into: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: VendorCase.all)
    func pagesToTheFullRecordSet(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor)
        let outcome = try #require(run.outcome, "\(String(describing: run.error))")
        #expect(outcome.isComplete && outcome.isFullPull)
        #expect(outcome.pages >= 3)
        #expect(outcome.records == vendor.users)
        #expect(Set(run.records.map(\.id)).count == vendor.users)
        #expect(run.tokenRequests == (vendor.refreshesTokens ? 1 : 0), "one token for every page")
        #expect(run.sleeps.isEmpty)
    }

    @Test(arguments: VendorCase.all)
    func throttleWithRetryAfterMidPullIsWaitedOut(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor, faults: MockFaults(throttleOnPage: 2, retryAfter: "7"))
        let outcome = try #require(run.outcome, "\(String(describing: run.error))")
        #expect(outcome.records == vendor.users)
        #expect(run.sleeps == [7])
    }

    @Test(arguments: VendorCase.all)
    func expiredTokenIsRefreshedOnceElseFails(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor, faults: MockFaults(expireTokenOnPage: 2))
        if vendor.refreshesTokens {
            let outcome = try #require(run.outcome, "\(String(describing: run.error))")
            #expect(outcome.records == vendor.users)
            #expect(run.tokenRequests == 2)
        } else {
            // A static credential cannot be renewed: the 401 is final.
            let error = try #require(run.error)
            #expect(error.status == 401 && !error.retryable && error.stage == .page(2))
            #expect(error.pagesDelivered == 1)
            expectNoSecrets(error, vendor)
        }
    }

    @Test(arguments: VendorCase.all)
    func emptyTenantIsACompletePullOfNothing(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor, users: 0)
        let outcome = try #require(run.outcome, "\(String(describing: run.error))")
        #expect(outcome.isComplete && outcome.records == 0)
        #expect(run.records.isEmpty)
    }

    @Test(arguments: VendorCase.all)
    func malformedBodyFailsThePull(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor, faults: MockFaults(malformedOnPage: 2))
        let error = try #require(run.error)
        #expect(error.stage == .parse(2) && !error.retryable)
        #expect(error.connector == vendor.file && error.stream == vendor.stream && error.job == "nightly-\(vendor.file)")
        #expect(error.description.contains("not JSON"))
        #expect(error.redactedURL?.hasPrefix(mockOrigin) == true && error.redactedURL?.contains("?") == false)
        #expect(run.pages.count == 1)
        expectNoSecrets(error, vendor)
    }

    @Test(arguments: VendorCase.all)
    func connectionRefusedFailsThePullAfterBoundedTries(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor) { handler in
            { request in
                guard request.method == .get else { return handler(request) }
                throw TransportError(kind: .connectionFailed, redactedURL: request.url.redactedURL, detail: "Connection refused")
            }
        }
        let error = try #require(run.error)
        #expect(error.stage == .page(1) && error.retryable && error.status == nil)
        #expect(run.sleeps.count == 4, "5 tries, 4 waits")
        #expect(run.requests.filter { $0.method == .get }.count == 5)
        expectNoSecrets(error, vendor)
    }

    @Test(arguments: VendorCase.all)
    func timeoutOnPageTwoFailsThePull(vendor: VendorCase) async throws {
        let gets = Locked(0)
        let run = try await runVendor(vendor) { handler in
            { request in
                guard request.method == .get else { return handler(request) }
                let count = gets.withLock { count in
                    count += 1
                    return count
                }
                guard count >= 2 else { return handler(request) }
                throw TransportError(kind: .timedOut, redactedURL: request.url.redactedURL, detail: "Operation timed out after 60000 ms")
            }
        }
        let error = try #require(run.error)
        #expect(error.stage == .page(2) && error.retryable)
        #expect(error.description.contains("timed out"))
        #expect(run.pages.count == 1)
        expectNoSecrets(error, vendor)
    }

    @Test(arguments: VendorCase.all)
    func serverErrorFailsWithoutRetry(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor, faults: MockFaults(serverErrorOnPage: 3))
        let error = try #require(run.error)
        #expect(error.status == 500 && error.stage == .page(3) && error.retryable)
        #expect(run.sleeps.isEmpty)
        expectNoSecrets(error, vendor)
    }

    @Test(arguments: VendorCase.all)
    func throttlingThatNeverEndsGivesUp(vendor: VendorCase) async throws {
        let run = try await runVendor(vendor, faults: MockFaults(retryAfter: "3", throttleAlwaysOnPage: 2))
        let error = try #require(run.error)
        #expect(error.stage == .page(2) && error.retryable)
        #expect(run.sleeps == [3, 3, 3, 3])
        expectNoSecrets(error, vendor)
    }
}
