public import Foundation
public import RosterCore
public import RosterEngine

/// The in-memory twin of the SQLite and PostgreSQL stores: the same contract, kept honest by
/// the shared contract tests.
///
/// A write scope works on a copy of the roster that replaces it only when the scope's body
/// returns, so readers see committed state only; writers take turns through a ``SerialGate``,
/// as the SQLite store's do.
public actor InMemoryUserStore: UserStore {
    /// Everything a write scope can change, committed or rolled back as one.
    struct Roster {
        /// Users by email key (``UserRecord/emailKey``), the same unique key as the SQLite store's `email_key`.
        var usersByKey: [String: StoredUser] = [:]
        var nextUserID: Int64 = 1
        var runRecords: [Int64: RunRecord] = [:]
        var failures: [Int64: [ReportRow]] = [:]
        var linksByJob: [String: [String: String]] = [:]
        var jobStates: [String: String] = [:]
        /// Users pending deactivation by job: email key → first found missing.
        var pendingByJob: [String: [String: Date]] = [:]
    }

    /// The committed roster; readable by the listing extension.
    private(set) var committed = Roster()
    /// The open write scope's copy.
    private var pending: Roster?
    private let gate = SerialGate()
    /// Number of batches applied: lets tests prove that a repeat import writes nothing.
    public private(set) var appliedBatches = 0
    /// The store's time: heartbeats and lease expiry are read from it.
    private let clock: any RosterClock
    private let lease: RunLease

    /// - Parameters:
    ///   - clock: the time of heartbeats and of lease expiry checks.
    ///   - lease: when a running run counts as abandoned (``RunLease/expiry``).
    public init(clock: any RosterClock = SystemClock(), lease: RunLease = RunLease()) {
        self.clock = clock
        self.lease = lease
    }

    public nonisolated func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result {
        try await gate.run {
            await open()
            do {
                let result = try await body(Writes(store: self))
                await close(commit: true)
                return result
            } catch {
                await close(commit: false)
                throw error
            }
        }
    }

    private func open() { pending = committed }

    private func close(commit: Bool) {
        if commit, let pending { committed = pending }
        pending = nil
    }

    private struct Writes: UserStoreWrites {
        let store: InMemoryUserStore
        func apply(_ batch: WriteBatch) async throws { try await store.applyPending(batch) }
        func finishRun(_ run: RunRecord) async throws { await store.finishPending(run) }
    }

    public func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex {
        var index = RosterIndex(capacity: RosterIndex.capacity(stored: committed.usersByKey.count, incomingRows: incomingRows))
        for user in committed.usersByKey.values { index.addStored(user.record) }
        return index
    }

    public func links(job: String) async throws -> [String: String] { committed.linksByJob[job] ?? [:] }

    public func jobState(job: String) async throws -> String? { committed.jobStates[job] }

    public func deactivations(job: String, since: Date) async throws -> Int {
        committed.runRecords.values.filter { $0.kind == "sync" && $0.source == job && $0.startedAt >= since }.reduce(0) { $0 + $1.deactivated }
    }

    public func pendingDeactivations(job: String) async throws -> [String: Date] { committed.pendingByJob[job] ?? [:] }

    public func users(emailKeys: [String]) async throws -> [String: StoredUser] {
        let wanted = Set(emailKeys)
        return committed.usersByKey.filter { wanted.contains($0.key) }
    }

    private func applyPending(_ batch: WriteBatch) throws {
        guard var staged = pending else { preconditionFailure("writes outside a write scope") }
        for write in batch.writes {
            switch write.kind {
            case .create:
                let key = write.record.emailKey
                guard staged.usersByKey[key] == nil else { throw InMemoryStoreError.duplicateEmail }
                staged.usersByKey[key] = StoredUser(id: staged.nextUserID, record: write.record, createdRun: batch.runID, updatedRun: batch.runID)
                staged.nextUserID += 1
            case .update(let target):
                let key = write.record.emailKey
                guard var user = staged.usersByKey.removeValue(forKey: target) else { throw InMemoryStoreError.missingUser }
                guard staged.usersByKey[key] == nil else { throw InMemoryStoreError.duplicateEmail }
                user.record = write.record
                user.updatedRun = batch.runID
                staged.usersByKey[key] = user
                if target != key {
                    staged.linksByJob = staged.linksByJob.mapValues { links in links.mapValues { $0 == target ? key : $0 } }
                }
            }
        }
        for key in batch.deactivations {
            staged.usersByKey[key]?.record.active = false
            staged.usersByKey[key]?.updatedRun = batch.runID
        }
        for link in batch.links { staged.linksByJob[link.job, default: [:]][link.externalID] = link.emailKey }
        if let state = batch.jobState { staged.jobStates[state.job] = state.state }
        if let changes = batch.pendingDeactivations {
            for key in changes.cleared { staged.pendingByJob[changes.job]?[key] = nil }
            staged.pendingByJob[changes.job, default: [:]].merge(changes.flagged) { old, _ in old }
        }
        let extensions = staged.usersByKey.values.map(\.record.row.extension).filter { !$0.isEmpty }
        guard Set(extensions).count == extensions.count else { throw InMemoryStoreError.duplicateExtension }
        if let run = batch.runID { staged.failures[run, default: []].append(contentsOf: batch.failures) }
        pending = staged
        appliedBatches += 1
    }

    private func finishPending(_ run: RunRecord) {
        let stored = pending?.runRecords[run.id]
        pending?.runRecords[run.id] = Self.keepingLease(run, of: stored)
    }

    /// `run` as a finished record stores it: its instance and last heartbeat stay the store's, as
    /// the SQLite store's `UPDATE` leaves those columns alone.
    private static func keepingLease(_ run: RunRecord, of stored: RunRecord?) -> RunRecord {
        var run = run
        run.instance = stored?.instance ?? run.instance
        run.heartbeatAt = stored?.heartbeatAt ?? run.heartbeatAt
        return run
    }

    public func emailsHolding(extensions: [String]) async throws -> [String: String] {
        let wanted = Set(extensions.filter { !$0.isEmpty })
        var holders: [String: String] = [:]
        for user in committed.usersByKey.values where wanted.contains(user.record.row.extension) { holders[user.record.row.extension] = user.record.row.email }
        return holders
    }

    public func users() async throws -> [StoredUser] {
        committed.usersByKey.values.sorted { $0.record.emailKey < $1.record.emailKey }
    }

    /// Run records are short writes of their own: they wait for an open write scope like any writer.
    public nonisolated func beginRun(_ run: RunRecord) async throws -> Int64 {
        try await gate.run { try await insertRun(run) }
    }

    private func insertRun(_ run: RunRecord) throws -> Int64 {
        if let slot = run.scheduledFor, committed.runRecords.values.contains(where: { $0.source == run.source && $0.scheduledFor == slot }) {
            throw ScheduledRunTaken(job: run.source, scheduledFor: slot)
        }
        settleAbandoned(source: run.source)
        if run.kind == "sync", run.status == .running,
           let holder = committed.runRecords.values.first(where: { $0.kind == "sync" && $0.source == run.source && $0.status == .running }) {
            throw RunConflict(job: run.source, runningRun: holder.id, startedAt: holder.startedAt)
        }
        var run = run
        run.id = Int64(committed.runRecords.count + 1)
        run.instance = run.instance ?? RunInstance.current.description
        run.heartbeatAt = clock.now()
        committed.runRecords[run.id] = run
        return run.id
    }

    public nonisolated func renewLease(runID: Int64) async throws {
        try await gate.run { await renew(runID) }
    }

    private func renew(_ id: Int64) {
        if committed.runRecords[id]?.status == .running { committed.runRecords[id]?.heartbeatAt = clock.now() }
    }

    public nonisolated func settleAbandonedRuns() async throws -> [RunRecord] {
        try await gate.run { await settleAbandoned(source: nil) }
    }

    /// Settles as failed the abandoned running runs (of `source`, or all).
    @discardableResult
    private func settleAbandoned(source: String?) -> [RunRecord] {
        let now = clock.now()
        var settled: [RunRecord] = []
        for var run in committed.runRecords.values.sorted(by: { $0.id < $1.id }) where source == nil || run.source == source {
            guard let message = lease.abandonment(of: run, now: now) else { continue }
            run.status = .failed
            run.message = message
            run.finishedAt = now
            committed.runRecords[run.id] = run
            settled.append(run)
        }
        return settled
    }

    public nonisolated func finishRun(_ run: RunRecord) async throws {
        try await gate.run { await storeRun(run) }
    }

    private func storeRun(_ run: RunRecord) {
        let stored = committed.runRecords[run.id]
        committed.runRecords[run.id] = Self.keepingLease(run, of: stored)
    }

    public func runs(limit: Int) async throws -> [RunRecord] {
        Array(committed.runRecords.values.sorted { $0.id > $1.id }.prefix(limit))
    }

    public func run(id: Int64) async throws -> RunRecord? { committed.runRecords[id] }

    public func reportRows(runID: Int64) async throws -> [ReportRow] { committed.failures[runID] ?? [] }
}

/// Why the in-memory store refused a batch, mirroring the SQLite unique constraints.
public enum InMemoryStoreError: Error {
    case duplicateEmail, duplicateExtension, missingUser
}
