public import Foundation
public import Logging
public import RosterCore
import Synchronization

/// A store whose runs keep their lease while they go: from ``beginRun(_:)`` until the run's final
/// state is stored, it renews the run's lease (``UserStore/renewLease(runID:)``) every
/// ``RunLease/heartbeat``, so instances sharing the store can tell a long run from one whose
/// instance died. Works over any backend; everything else goes straight to `base`.
///
/// `serve`, its API-started runs and the one-off commands all write through one of these.
public final class LeaseRenewingStore: UserStore {
    /// The store the runs are recorded in.
    public let base: any UserStore
    private let lease: RunLease
    private let waits: any Clock<Duration>
    private let logger: Logger
    private let renewals = Mutex<[Int64: Task<Void, Never>]>([:])

    /// - Parameters:
    ///   - lease: ``RunLease/heartbeat`` is how often a running run is renewed.
    ///   - waits: the clock renewals wait on.
    public init(base: any UserStore, lease: RunLease, waits: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "rostersync.store")) {
        self.base = base
        self.lease = lease
        self.waits = waits
        self.logger = logger
    }

    deinit {
        renewals.withLock { tasks in tasks.values.forEach { $0.cancel() } }
    }

    /// The runs whose lease is being renewed now.
    public var renewingRuns: Set<Int64> { renewals.withLock { Set($0.keys) } }

    public func beginRun(_ run: RunRecord) async throws -> Int64 {
        let id = try await base.beginRun(run)
        if run.status == .running { startRenewing(id) }
        return id
    }

    public func finishRun(_ run: RunRecord) async throws {
        defer { if run.status != .running { stopRenewing(run.id) } }
        try await base.finishRun(run)
    }

    public func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result {
        try await base.write { writes in try await body(Writes(base: writes, store: self)) }
    }

    /// Hands each write to the base scope; a run's final state stops its renewals.
    private struct Writes: UserStoreWrites {
        let base: any UserStoreWrites
        let store: LeaseRenewingStore
        func apply(_ batch: WriteBatch) async throws { try await base.apply(batch) }
        func finishRun(_ run: RunRecord) async throws {
            try await base.finishRun(run)
            if run.status != .running { store.stopRenewing(run.id) }
        }
    }

    /// Renews `id` every heartbeat until its final state is stored or the store says it no longer
    /// runs (finished elsewhere, or settled by another instance). A failed renewal is logged and
    /// tried again at the next heartbeat: the lease outlasts several.
    private func startRenewing(_ id: Int64) {
        let task = Task { [base, lease, waits, logger] in
            while true {
                do {
                    try await waits.sleep(for: .milliseconds(Int(lease.heartbeat * 1000)))
                } catch {
                    return
                }
                do {
                    try await base.renewLease(runID: id)
                    if let run = try await base.run(id: id), run.status != .running { return }
                } catch {
                    logger.warning("could not renew the run's lease; trying again at the next heartbeat", metadata: ["run": "\(id)", "error": "\(error)"])
                }
            }
        }
        renewals.withLock { $0[id] = task }
    }

    private func stopRenewing(_ id: Int64) {
        renewals.withLock { $0.removeValue(forKey: id) }?.cancel()
    }

    public func renewLease(runID: Int64) async throws { try await base.renewLease(runID: runID) }
    public func settleAbandonedRuns() async throws -> [RunRecord] { try await base.settleAbandonedRuns() }
    public func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex {
        try await base.loadIndex(catalog: catalog, incomingRows: incomingRows)
    }
    public func links(job: String) async throws -> [String: String] { try await base.links(job: job) }
    public func jobState(job: String) async throws -> String? { try await base.jobState(job: job) }
    public func deactivations(job: String, since: Date) async throws -> Int { try await base.deactivations(job: job, since: since) }
    public func pendingDeactivations(job: String) async throws -> [String: Date] { try await base.pendingDeactivations(job: job) }
    public func users(emailKeys: [String]) async throws -> [String: StoredUser] { try await base.users(emailKeys: emailKeys) }
    public func emailsHolding(extensions: [String]) async throws -> [String: String] { try await base.emailsHolding(extensions: extensions) }
    public func users() async throws -> [StoredUser] { try await base.users() }
    public func runs(limit: Int) async throws -> [RunRecord] { try await base.runs(limit: limit) }
    public func run(id: Int64) async throws -> RunRecord? { try await base.run(id: id) }
    public func reportRows(runID: Int64) async throws -> [ReportRow] { try await base.reportRows(runID: runID) }
    public func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws { try await base.forEachUser(query, body) }
    public func attributeNames(_ query: UserQuery) async throws -> [String] { try await base.attributeNames(query) }
    public func countUsers(_ query: UserQuery) async throws -> Int { try await base.countUsers(query) }
    public func linkedJobs(emailKeys: [String]) async throws -> [String: [String]] { try await base.linkedJobs(emailKeys: emailKeys) }
}
