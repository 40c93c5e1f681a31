import Foundation
import RosterConnectors
import RosterEngine
import RosterTesting
import Testing

/// Several instances on one store, at the engine: scheduled times taken once, leases that keep
/// a run claimed while its instance renews them, and runs of dead instances settled as failed.
@Suite struct RunLeaseTests {
    static let lease = RunLease(expiry: 600, heartbeat: 30)
    static let otherHost = "host-b.example:4242"

    static func running(_ job: String, at date: Date, instance: String? = otherHost, scheduledFor: Date? = nil) -> RunRecord {
        var run = RunRecord(kind: "sync", source: job, trigger: scheduledFor == nil ? .manual : .schedule, startedAt: date)
        run.instance = instance
        run.scheduledFor = scheduledFor
        return run
    }

    /// A process id above any Linux `pid_max` (at most 2^22): no process has it.
    static let goneProcessID: Int32 = 2_000_000_000

    @Test func aRunWhoseLeaseExpiredIsSettledByTheNextBeginOfItsJobAndTheNewRunProceeds() async throws {
        let clock = SteppedClock(march10("00:00"))
        let store = InMemoryUserStore(clock: clock, lease: Self.lease)
        let abandoned = try await store.beginRun(Self.running("crm", at: clock.now()))

        clock.advance(by: 500)
        try await store.renewLease(runID: abandoned)
        clock.advance(by: 599)
        await #expect(throws: RunConflict.self, "599 s after its last renewal the run is still claimed") {
            try await store.beginRun(Self.running("crm", at: clock.now(), instance: nil))
        }
        #expect(try await store.settleAbandonedRuns().isEmpty)

        clock.advance(by: 2)
        let next = try await store.beginRun(Self.running("crm", at: clock.now(), instance: nil))
        let settled = try #require(try await store.run(id: abandoned))
        #expect(settled.status == .failed)
        #expect(settled.finishedAt == clock.now())
        #expect(settled.message == "instance host-b.example:4242 stopped renewing the run's lease (run_lease 10m): last seen 2026-03-10T00:08:20Z; "
            + "it was stopped, cut off from the store or its host went down; nothing of this run was kept; run it again")
        let started = try #require(try await store.run(id: next))
        #expect(started.status == .running && started.instance == RunInstance.current.description && started.heartbeatAt == clock.now())
    }

    @Test func theMinuteCheckSettlesExpiredRunsOfEveryJobAndRunsOfGoneProcessesOnThisHostAtOnce() async throws {
        let clock = SteppedClock(march10("00:00"))
        let store = InMemoryUserStore(clock: clock, lease: Self.lease)
        let gone = RunInstance(host: RunInstance.current.host, pid: Self.goneProcessID).description
        let remote = try await store.beginRun(Self.running("crm", at: clock.now()))
        let local = try await store.beginRun(Self.running("hr", at: clock.now(), instance: gone))
        let mine = try await store.beginRun(Self.running("payroll", at: clock.now(), instance: nil))

        let first = try await store.settleAbandonedRuns()
        #expect(first.map(\.id) == [local], "a process gone on this host is noticed before its lease expires")
        #expect(first.first?.message?.hasPrefix("instance \(gone) stopped before the run finished (its process is gone") == true)

        clock.advance(by: 3600)
        let later = try await store.settleAbandonedRuns()
        #expect(later.map(\.id) == [remote], "this process's own run is never settled: it is alive")
        #expect(try await store.run(id: remote)?.status == .failed)
        #expect(try await store.run(id: mine)?.status == .running)
    }

    @Test func aScheduledTimeIsTakenOnceAndAManualRunIsNotASlot() async throws {
        let clock = SteppedClock(march10("00:00"))
        let store = InMemoryUserStore(clock: clock, lease: Self.lease)
        let slot = march10("00:00")
        let first = try await store.beginRun(Self.running("crm", at: clock.now(), scheduledFor: slot))
        var finished = try #require(try await store.run(id: first))
        finished.status = .succeeded
        try await store.finishRun(finished)

        let taken = await #expect(throws: ScheduledRunTaken.self) {
            try await store.beginRun(Self.running("crm", at: clock.now(), instance: nil, scheduledFor: slot))
        }
        #expect(taken?.job == "crm" && taken?.scheduledFor == slot)
        let service = SyncService(store: store, catalog: .standard, http: ScriptedHTTPClient(vendor: { _ in HTTPResponse(status: 500) }))
        await #expect(throws: ScheduledRunTaken.self, "a skip of a time that ran is not recorded twice") {
            try await service.recordSkip(job: "crm", at: slot)
        }
        _ = try await store.beginRun(Self.running("hr", at: clock.now(), scheduledFor: slot))
        _ = try await store.beginRun(Self.running("crm", at: clock.now(), scheduledFor: march10("00:15")))
        #expect(try await store.runs(limit: 10).count == 3, "another job's same time and the job's next time are free")
    }

    @Test func aScheduledTimeThatComesWhileTheJobRunsIsRecordedAsSkipped() async throws {
        let store = InMemoryUserStore()
        _ = try await store.beginRun(Self.running("crm", at: Date()))
        let service = SyncService(store: store, catalog: .standard, http: ScriptedHTTPClient(vendor: { _ in HTTPResponse(status: 500) }))
        try await service.recordSkip(job: "crm", at: march10("00:15"))
        let skip = try #require(try await store.runs(limit: 1).first)
        #expect(skip.status == .skipped && skip.scheduledFor == march10("00:15"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aRunningRunRenewsItsLeaseUntilItEnds() async throws {
        let clock = SteppedClock(march10("00:00"))
        let base = InMemoryUserStore(clock: clock, lease: Self.lease)
        let store = LeaseRenewingStore(base: base, lease: RunLease(expiry: 1, heartbeat: 0.02))
        let id = try await store.beginRun(Self.running("crm", at: clock.now(), instance: nil))
        #expect(store.renewingRuns == [id])
        clock.advance(by: 60)
        while try await base.run(id: id)?.heartbeatAt != clock.now() { try await Task.sleep(for: .milliseconds(10)) }

        var run = try #require(try await base.run(id: id))
        run.status = .succeeded
        try await store.write { writes in try await writes.finishRun(run) }
        #expect(store.renewingRuns.isEmpty, "the run's final state stops its renewals")
        clock.advance(by: 60)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await base.run(id: id)?.heartbeatAt == march10("00:01"), "a finished run is not renewed")
    }
}
