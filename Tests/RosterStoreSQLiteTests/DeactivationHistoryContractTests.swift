import Foundation
import RosterEngine
import RosterStoreSQLite
import RosterTesting
import Testing

/// The store reads and writes behind `deactivate_window` and `deactivate_after`, on every store.
@Suite struct DeactivationHistoryContractTests {
    static let day: TimeInterval = 86_400
    static let start = Date(timeIntervalSince1970: 1_795_614_000)

    /// Records a finished sync of `job` started at `start` + `days`, with `deactivated` and `pending`.
    static func recordSync(_ store: any UserStore, job: String, days: Double, deactivated: Int, pending: Int = 0) async throws {
        var record = RunRecord(kind: "sync", source: job, trigger: .schedule, startedAt: start.addingTimeInterval(days * day))
        record.id = try await store.beginRun(record)
        record.status = .succeeded
        record.deactivated = deactivated
        record.pending = pending
        record.finishedAt = record.startedAt
        try await store.write { try await $0.finishRun(record) }
    }

    @Test(arguments: StoreKind.allCases)
    func deactivationsSumTheJobsSyncsSinceADate(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await Self.recordSync(store, job: "entra", days: 0, deactivated: 4)
            try await Self.recordSync(store, job: "entra", days: 2, deactivated: 3, pending: 2)
            try await Self.recordSync(store, job: "okta", days: 2, deactivated: 50)
            try await Self.recordSync(store, job: "entra", days: 3, deactivated: 5)
            #expect(try await store.deactivations(job: "entra", since: Self.start) == 12)
            #expect(try await store.deactivations(job: "entra", since: Self.start.addingTimeInterval(Self.day)) == 8)
            #expect(try await store.deactivations(job: "entra", since: Self.start.addingTimeInterval(4 * Self.day)) == 0)
            #expect(try await store.deactivations(job: "nobody", since: Self.start) == 0)
            #expect(try await store.runs(limit: 10).map(\.pending) == [0, 0, 2, 0], "pending is stored with the run")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pendingMarksAreFlaggedKeptAndClearedPerJob(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let first = Self.start
            let later = Self.start.addingTimeInterval(Self.day)
            var batch = WriteBatch(runID: nil)
            batch.pendingDeactivations = PendingDeactivationChanges(job: "entra", flagged: ["a@x.test": first, "b@x.test": first])
            try await store.applyRun(batch)
            batch.pendingDeactivations = PendingDeactivationChanges(job: "okta", flagged: ["a@x.test": later])
            try await store.applyRun(batch)
            #expect(try await store.pendingDeactivations(job: "entra") == ["a@x.test": first, "b@x.test": first])

            batch.pendingDeactivations = PendingDeactivationChanges(job: "entra", flagged: ["a@x.test": later, "c@x.test": later], cleared: ["b@x.test"])
            try await store.applyRun(batch)
            #expect(try await store.pendingDeactivations(job: "entra") == ["a@x.test": first, "c@x.test": later],
                    "a user already pending keeps the time first found missing")
            #expect(try await store.pendingDeactivations(job: "okta") == ["a@x.test": later])
            #expect(try await store.pendingDeactivations(job: "nobody") == [:])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pendingMarksRollBackWithTheirScope(kind: StoreKind) async throws {
        struct Abandon: Error {}
        try await kind.withStore { store async throws in
            var batch = WriteBatch(runID: nil)
            batch.pendingDeactivations = PendingDeactivationChanges(job: "entra", flagged: ["a@x.test": Self.start])
            await #expect(throws: Abandon.self) {
                try await store.write { writes in
                    try await writes.apply(batch)
                    throw Abandon()
                }
            }
            #expect(try await store.pendingDeactivations(job: "entra") == [:])
        }
    }
}
