import Foundation
import GRDB
import RosterEngine
@testable import RosterStoreSQLite
import Testing

/// The store's part in several instances sharing it: one run per job and scheduled time, and
/// running runs settled as failed once their lease expires or their process is gone.
@Suite struct RunLeaseContractTests {
    static let slot = Date(timeIntervalSince1970: 1_795_614_000)
    /// A process id above any Linux `pid_max` (at most 2^22): no process has it.
    static let goneProcessID: Int32 = 2_000_000_000

    static func sync(_ job: String = "crm", instance: String? = nil, scheduledFor: Date? = nil, status: RunStatus = .running) -> RunRecord {
        var run = RunRecord(kind: "sync", source: job, trigger: scheduledFor == nil ? .manual : .schedule, startedAt: Date(), status: status)
        run.instance = instance
        run.scheduledFor = scheduledFor
        return run
    }

    @Test(arguments: StoreKind.allCases)
    func eachScheduledTimeOfAJobHasOneRun(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            var first = Self.sync(scheduledFor: Self.slot)
            first.id = try await store.beginRun(first)
            let stored = try #require(try await store.run(id: first.id))
            #expect(stored.scheduledFor == Self.slot && stored.instance == RunInstance.current.description && stored.heartbeatAt != nil)
            first.status = .succeeded
            try await store.finishRun(first)

            let taken = await #expect(throws: ScheduledRunTaken.self) { try await store.beginRun(Self.sync(instance: "host-b:7", scheduledFor: Self.slot)) }
            #expect(taken?.job == "crm" && taken?.scheduledFor == Self.slot)
            await #expect(throws: ScheduledRunTaken.self, "a skip of the same time") {
                try await store.beginRun(Self.sync(scheduledFor: Self.slot, status: .skipped))
            }
            _ = try await store.beginRun(Self.sync("entra", scheduledFor: Self.slot))
            _ = try await store.beginRun(Self.sync(scheduledFor: Self.slot.addingTimeInterval(60), status: .skipped))
            _ = try await store.beginRun(Self.sync(status: .skipped))
            _ = try await store.beginRun(Self.sync(status: .skipped))
            #expect(try await store.runs(limit: 10).count == 5, "other jobs, other times and runs without a time are free")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRunIsSettledOnceItsLeaseExpiresUnlessRenewed(kind: StoreKind) async throws {
        let clock = SteppedClock(Self.slot)
        try await kind.withStore(lease: RunLease(expiry: 600, heartbeat: 30), clock: clock) { store async throws in
            let abandoned = try await store.beginRun(Self.sync(instance: "host-b.example:7"))
            #expect(try await store.run(id: abandoned)?.heartbeatAt == Self.slot)
            clock.advance(by: 500)
            try await store.renewLease(runID: abandoned)
            let renewed = try #require(try await store.run(id: abandoned)?.heartbeatAt)
            #expect(renewed == Self.slot.addingTimeInterval(500))
            clock.advance(by: 600)
            await #expect(throws: RunConflict.self, "600 s after its renewal: still claimed") { try await store.beginRun(Self.sync()) }
            #expect(try await store.settleAbandonedRuns().isEmpty)

            clock.advance(by: 1)
            let next = try await store.beginRun(Self.sync())
            let settled = try #require(try await store.run(id: abandoned))
            #expect(settled.status == .failed && settled.finishedAt == clock.now())
            #expect(settled.message?.hasPrefix("instance host-b.example:7 stopped renewing the run's lease (run_lease 10m): last seen 2026-11-25T13:48:20Z;") == true,
                    "\(settled.message ?? "")")
            #expect(try await store.run(id: next)?.status == .running)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRunWhoseProcessIsGoneOnThisHostIsSettledAtOnceAndOnlyBySettling(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let gone = RunInstance(host: RunInstance.current.host, pid: Self.goneProcessID).description
            let dead = try await store.beginRun(Self.sync(instance: gone))
            let remote = try await store.beginRun(Self.sync("entra", instance: "host-b.example:\(Self.goneProcessID)"))
            let mine = try await store.beginRun(Self.sync("hr"))

            let settled = try await store.settleAbandonedRuns()
            #expect(settled.map(\.id) == [dead])
            #expect(settled.first?.message?.hasPrefix("instance \(gone) stopped before the run finished (its process is gone") == true)
            #expect(try await store.run(id: dead)?.status == .failed)
            #expect(try await store.run(id: remote)?.status == .running, "a process id of another host says nothing here")
            #expect(try await store.run(id: mine)?.status == .running)
            try await store.renewLease(runID: dead)
            #expect(try await store.run(id: dead)?.status == .failed, "renewing a settled run does not revive it")
        }
    }

    /// A store from before instances: a run recorded as running by a process of this host that is
    /// gone is named after that process and settled at open; a finished run keeps no instance.
    @Test func aVersion7StoreNamesItsRunningRunsAfterTheirProcessOnThisHost() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("roster.sqlite").path
            do {
                let old = try DatabaseQueue(path: path)
                try SQLiteSchema.migrator.migrate(old, upTo: "v7: deactivation over time")
                try await old.write { db in
                    try db.execute(sql: """
                        INSERT INTO runs (kind, source, trigger, started_at, status, pid) VALUES
                            ('sync', 'crm', 'schedule', '2026-12-01 10:00:00.000', 'succeeded', 1),
                            ('sync', 'crm', 'schedule', '2026-12-01 11:00:00.000', 'running', ?)
                        """, arguments: [Self.goneProcessID])
                }
            }
            let store = try SQLiteUserStore(path: path)
            let runs = try await store.runs(limit: 5)
            let gone = RunInstance(host: RunInstance.current.host, pid: Self.goneProcessID).description
            #expect(runs.map(\.instance) == [gone, nil])
            #expect(runs.first?.status == .failed && runs.first?.message?.hasPrefix("instance \(gone) stopped before the run finished") == true, "\(runs)")
            #expect(runs.allSatisfy { $0.scheduledFor == nil })
        }
    }

    /// Two stores on one file are two instances: racing for the same times, each time goes to one.
    @Test func twoInstancesRacingForTheSameTimesTakeEachOnce() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("roster.sqlite").path
            let one = try SQLiteUserStore(path: path), other = try SQLiteUserStore(path: path)
            var won = 0
            for minute in 0..<20 {
                let time = Self.slot.addingTimeInterval(Double(minute) * 60)
                func claim(_ store: SQLiteUserStore) async throws -> Bool {
                    do {
                        var run = try await store.run(id: store.beginRun(Self.sync(scheduledFor: time)))!
                        run.status = .succeeded
                        try await store.finishRun(run)
                        return true
                    } catch is ScheduledRunTaken {
                        return false
                    }
                }
                async let first = claim(one)
                async let second = claim(other)
                let (a, b) = try await (first, second)
                #expect(a != b, "time \(minute) must run exactly once")
                won += (a ? 1 : 0) + (b ? 1 : 0)
            }
            #expect(won == 20)
            #expect(try await one.runs(limit: 100).count == 20)
        }
    }
}
