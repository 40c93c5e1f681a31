import Foundation
import RosterConnectors
import RosterCore
@testable import RosterEngine
import RosterTesting
import Testing

/// `deactivate_window` and `deactivate_after`: deactivations counted over several nights, and
/// users flagged pending before they are deactivated.
@Suite struct DeactivationOverTimeTests {
    static let day: TimeInterval = 86_400

    /// A Graph sync of `users` users at the time of `clock`.
    /// With `delta`, an incremental pull from the stored delta link; otherwise a full pull.
    static func sync(_ store: InMemoryUserStore, users: Int, job: JobConfig, clock: SteppedClock, dryRun: Bool = false,
                     delta: MockGraphDelta? = nil) async throws -> SyncResult {
        let graph = MockVendors.graph(MockVendorOptions(users: users, pageSize: 25), delta: delta ?? MockGraphDelta())
        let service = SyncService(store: store, catalog: .standard, http: ScriptedHTTPClient { graph($0) }, clock: clock, waits: ManualClock(),
                                  environment: ["GRAPH_SECRET": MockCredentials.clientSecret])
        return try await service.sync(job, configFile: "rostersync.yaml", options: SyncOptions(dryRun: dryRun, full: delta == nil))
    }

    static func job(threshold: JobConfig.Threshold, window: TimeInterval? = nil, after: TimeInterval? = nil) -> JobConfig {
        var job = SyncServiceTests.job(threshold: threshold)
        job.deactivateWindow = window
        job.deactivateAfter = after
        return job
    }

    /// Drops 10 of 100 users each night for 7 nights: each night alone is within 25%, but with a
    /// 7-day window the third night brings the sum to 30 and trips the safeguard, as every later
    /// night does, so no more than 20 are deactivated.
    @Test func windowTripsOnTheNightTheSumPassesTheThreshold() async throws {
        let store = InMemoryUserStore()
        let clock = SteppedClock(Date(timeIntervalSince1970: 1_795_614_000))
        let job = Self.job(threshold: .fraction(0.25), window: 7 * Self.day)
        _ = try await Self.sync(store, users: 100, job: job, clock: clock)
        var nights: [(RunStatus, Int)] = []
        for night in 1...7 {
            clock.advance(by: Self.day)
            let result = try await Self.sync(store, users: 100 - 10 * night, job: job, clock: clock)
            nights.append((result.run.status, result.run.deactivated))
            if night == 3 {
                let message = result.run.message ?? ""
                #expect(message.contains("10 users would be deactivated and this job deactivated 20 in the last 7d"), "\(message)")
                #expect(message.contains("30 together, more than this job's limit of 25"), "\(message)")
            }
        }
        #expect(nights.map(\.0) == [.succeeded, .succeeded] + Array(repeating: .safeguardTripped, count: 5))
        #expect(nights.map(\.1) == [10, 10, 0, 0, 0, 0, 0])
        #expect(try await store.users().count { !$0.record.active } == 20)

        clock.advance(by: 7 * Self.day)
        let afterWindow = try await Self.sync(store, users: 70, job: job, clock: clock)
        #expect(afterWindow.run.status == .succeeded, "deactivations older than the window no longer count")
        #expect(afterWindow.run.deactivated == 10)
    }

    /// The same nights without a window: every night passes on its own.
    @Test func withoutAWindowEachNightCountsAlone() async throws {
        let store = InMemoryUserStore()
        let clock = SteppedClock(Date(timeIntervalSince1970: 1_795_614_000))
        let job = Self.job(threshold: .fraction(0.25))
        _ = try await Self.sync(store, users: 100, job: job, clock: clock)
        for night in 1...3 {
            clock.advance(by: Self.day)
            let result = try await Self.sync(store, users: 100 - 10 * night, job: job, clock: clock)
            #expect(result.run.status == .succeeded)
            #expect(result.run.deactivated == 10)
        }
    }

    @Test func missingUserIsPendingUntilTheGracePeriodEnds() async throws {
        let store = InMemoryUserStore()
        let clock = SteppedClock(Date(timeIntervalSince1970: 1_795_614_000))
        let job = Self.job(threshold: .fraction(0.5), after: 3 * Self.day)
        _ = try await Self.sync(store, users: 10, job: job, clock: clock)

        clock.advance(by: Self.day)
        let plan = try await Self.sync(store, users: 9, job: job, clock: clock, dryRun: true)
        #expect(plan.plan.map { "\($0.action) \($0.email)" } == ["pending user10@example.test"])
        #expect(try await store.pendingDeactivations(job: "entra").isEmpty, "a dry run flags nobody")
        let first = try await Self.sync(store, users: 9, job: job, clock: clock)
        #expect((first.run.deactivated, first.run.pending) == (0, 1))
        #expect(try await store.pendingDeactivations(job: "entra") == ["user10@example.test": clock.now()])

        clock.advance(by: Self.day)
        let second = try await Self.sync(store, users: 9, job: job, clock: clock)
        #expect((second.run.deactivated, second.run.pending) == (0, 1), "still missing, but for less than 3 days")
        #expect(try await store.users().allSatisfy(\.record.active))

        clock.advance(by: 2 * Self.day)
        let third = try await Self.sync(store, users: 9, job: job, clock: clock)
        #expect((third.run.deactivated, third.run.pending) == (1, 0))
        #expect(try await store.users().filter { !$0.record.active }.map(\.record.row.email) == ["user10@example.test"])
        #expect(try await store.pendingDeactivations(job: "entra").isEmpty)
    }

    @Test func reappearingUserIsClearedAndStartsOver() async throws {
        let store = InMemoryUserStore()
        let clock = SteppedClock(Date(timeIntervalSince1970: 1_795_614_000))
        let job = Self.job(threshold: .fraction(0.5), after: 3 * Self.day)
        _ = try await Self.sync(store, users: 10, job: job, clock: clock)
        clock.advance(by: Self.day)
        _ = try await Self.sync(store, users: 9, job: job, clock: clock)
        clock.advance(by: Self.day)
        let back = try await Self.sync(store, users: 10, job: job, clock: clock)
        #expect(back.run.pending == 0)
        #expect(try await store.pendingDeactivations(job: "entra").isEmpty)

        clock.advance(by: 2 * Self.day)
        let again = try await Self.sync(store, users: 9, job: job, clock: clock)
        #expect((again.run.deactivated, again.run.pending) == (0, 1), "missing again: a new grace period, not the old one")
        #expect(try await store.pendingDeactivations(job: "entra") == ["user10@example.test": clock.now()])
    }

    /// An incremental pull reports a removal once; the user stays pending through later pulls
    /// that do not name them, and is deactivated when the grace period ends.
    @Test func removedByAnIncrementalPullStaysPendingUntilDue() async throws {
        let store = InMemoryUserStore()
        let clock = SteppedClock(Date(timeIntervalSince1970: 1_795_614_000))
        let job = Self.job(threshold: .fraction(0.5), after: 3 * Self.day)
        _ = try await Self.sync(store, users: 10, job: job, clock: clock)
        clock.advance(by: Self.day)
        let removed = try await Self.sync(store, users: 10, job: job, clock: clock, delta: MockGraphDelta(removed: [9]))
        #expect((removed.run.deactivated, removed.run.pending) == (0, 1))
        clock.advance(by: Self.day)
        let quiet = try await Self.sync(store, users: 10, job: job, clock: clock, delta: MockGraphDelta(changed: [1]))
        #expect((quiet.run.deactivated, quiet.run.pending) == (0, 1), "not named again, so still missing")
        clock.advance(by: 2 * Self.day)
        let due = try await Self.sync(store, users: 10, job: job, clock: clock, delta: MockGraphDelta(changed: [1]))
        #expect((due.run.deactivated, due.run.pending) == (1, 0))
        #expect(try await store.users().filter { !$0.record.active }.map(\.record.row.email) == ["user10@example.test"])
    }

    @Test func namedAgainByAnIncrementalPullIsCleared() async throws {
        let store = InMemoryUserStore()
        let clock = SteppedClock(Date(timeIntervalSince1970: 1_795_614_000))
        let job = Self.job(threshold: .fraction(0.5), after: 3 * Self.day)
        _ = try await Self.sync(store, users: 10, job: job, clock: clock)
        clock.advance(by: Self.day)
        _ = try await Self.sync(store, users: 10, job: job, clock: clock, delta: MockGraphDelta(removed: [9]))
        clock.advance(by: Self.day)
        let back = try await Self.sync(store, users: 10, job: job, clock: clock, delta: MockGraphDelta(changed: [9]))
        #expect((back.run.deactivated, back.run.pending) == (0, 0))
        #expect(try await store.pendingDeactivations(job: "entra").isEmpty)
    }

    @Test func durationsParseAndBadOnesAreLocated() throws {
        #expect(JobConfig.parseDuration("7d") == 7 * Self.day)
        #expect(JobConfig.parseDuration("12h") == TimeInterval(12 * 3_600))
        #expect(JobConfig.parseDuration("30m") == TimeInterval(30 * 60))
        for bad in ["", "7", "d", "0d", "-1d", "+2d", "1w", "1.5d", "7 d"] { #expect(JobConfig.parseDuration(bad) == nil, "\(bad)") }
        #expect(JobConfig.durationText(7 * Self.day) == "7d")
        #expect(JobConfig.durationText(36 * 3_600) == "36h")
    }

    @Test func badDurationInTheConfigIsLocated() throws {
        let text = """
            jobs:
              - name: entra
                connector: graph.yaml
                mapping: graph-users.yaml
                on_missing: deactivate
                deactivate_window: a week
            """
        let diagnostics = try #require(throws: ConfigError.self) { try RosterConfig.parse(text, file: "rostersync.yaml") }.diagnostics
        let found = try #require(diagnostics.first { $0.message.contains("deactivate_window") })
        #expect(found.line == 6)
        #expect(found.message == "job 'entra': deactivate_window must be a duration such as 7d, 12h or 30m (a whole number and d, h or m), not 'a week'")
    }
}
