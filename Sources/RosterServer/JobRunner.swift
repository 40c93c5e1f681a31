import Foundation
import RosterCore
public import RosterEngine
import Synchronization

/// Starts one-off syncs for the API and the console and runs them in the background: the
/// caller gets the run id as soon as the run is recorded, and the scheduler skips the job's
/// scheduled times while it runs. On shutdown, ``stopAll()`` cancels the runs in flight (each
/// records itself as interrupted) and waits for them.
public actor JobRunner {
    /// Builds the sync service for one run over `store` (the server's store, watched for the run's id).
    public typealias MakeSync = @Sendable (_ store: any UserStore) -> SyncService

    private let store: any UserStore
    private let configFile: String
    private let makeSync: MakeSync
    private let scheduler: SchedulerService?
    private var running: [Int64: Task<Void, Never>] = [:]
    /// Watches the runs started here (and by the server's imports and scheduler) as they go and end.
    public nonisolated let monitor: RunMonitor
    /// Where finished runs are counted.
    public nonisolated var metrics: ServerMetrics { monitor.metrics }

    public init(store: any UserStore, configFile: String, scheduler: SchedulerService?, monitor: RunMonitor = RunMonitor(), makeSync: @escaping MakeSync) {
        self.store = store
        self.configFile = configFile
        self.scheduler = scheduler
        self.monitor = monitor
        self.makeSync = makeSync
    }

    /// Starts `job` in the background and returns its run id once the run is recorded.
    /// - Throws: ``RunConflict`` while the job runs; ``ConfigError`` when its connector, mapping
    ///   or secrets cannot be used (nothing started).
    public func start(_ job: JobConfig, options: SyncOptions) async throws -> Int64 {
        let (ids, continuation) = AsyncThrowingStream.makeStream(of: Int64.self)
        let watched = RunStartWatchingStore(base: store, monitor: monitor) { id in continuation.yield(id) }
        let sync = makeSync(watched)
        let configFile = configFile
        let scheduler = scheduler
        await scheduler?.runStarted(job: job.name)
        let task = Task {
            do {
                _ = try await sync.sync(job, configFile: configFile, options: options)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            await scheduler?.runFinished(job: job.name)
        }
        var iterator = ids.makeAsyncIterator()
        guard let id = try await iterator.next() else {
            throw APIError(.internalServerError, "the run of job '\(job.name)' ended before it was recorded")
        }
        running[id] = task
        Task {
            await task.value
            self.finished(id)
        }
        return id
    }

    /// Runs a job as a dry run and returns its plan; nothing is written.
    public func dryRun(_ job: JobConfig, options: SyncOptions) async throws -> SyncResult {
        var options = options
        options.dryRun = true
        return try await makeSync(store).sync(job, configFile: configFile, options: options)
    }

    /// Whether a run started here is still going.
    public func isRunning(_ id: Int64) -> Bool { running[id] != nil }

    /// Cancels every run in flight and waits until each has recorded how it ended.
    public func stopAll() async {
        let tasks = Array(running.values)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private func finished(_ id: Int64) {
        running[id] = nil
    }
}

/// The store as one run sees it: reports the id of the run it begins (so a background run's id
/// is known at once), and tells the ``RunMonitor`` how the run goes: its wait for the store's
/// write turn, the users it writes, and its end once the record is stored for good. Make one for
/// each run (``RunMonitor/watchingRun(_:)``).
struct RunStartWatchingStore: UserStore {
    let base: any UserStore
    let monitor: RunMonitor
    let onBegin: @Sendable (Int64) -> Void
    private let run = WatchedRun()

    /// Watches the one run that begins through it; `onBegin` is told its id.
    init(base: any UserStore, monitor: RunMonitor, onBegin: @escaping @Sendable (Int64) -> Void = { _ in }) {
        self.base = base
        self.monitor = monitor
        self.onBegin = onBegin
    }

    /// The id of the run begun through this store, once it has begun.
    var runID: Int64? { run.state.withLock { $0.id } }

    func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result {
        guard let id = run.state.withLock({ $0.id }) else { return try await base.write(body) }
        monitor.waitingForStore(id)
        let asked = ContinuousClock.now
        let run = run
        run.state.withLock { $0.writing = false }
        do {
            let result = try await base.write { writes in
                run.state.withLock { $0.writing = true }
                monitor.gotStore(id, waited: .now - asked)
                return try await body(CountingWrites(base: writes, monitor: monitor, ending: { record in run.state.withLock { $0.ending = record } }))
            }
            if let ending = run.state.withLock({ $0.ending }) { monitor.ended(ending) }
            return result
        } catch {
            if !run.state.withLock({ $0.writing }) { monitor.gaveUpOnStore(id, waited: .now - asked) }
            run.state.withLock { $0.ending = nil }
            throw error
        }
    }

    func finishRun(_ record: RunRecord) async throws {
        try await base.finishRun(record)
        monitor.ended(record)
    }

    func beginRun(_ record: RunRecord) async throws -> Int64 {
        let id = try await base.beginRun(record)
        run.state.withLock { $0.id = id }
        var begun = record
        begun.id = id
        monitor.began(begun)
        onBegin(id)
        return id
    }

    func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex { try await base.loadIndex(catalog: catalog, incomingRows: incomingRows) }
    func links(job: String) async throws -> [String: String] { try await base.links(job: job) }
    func jobState(job: String) async throws -> String? { try await base.jobState(job: job) }
    func users(emailKeys: [String]) async throws -> [String: StoredUser] { try await base.users(emailKeys: emailKeys) }
    func emailsHolding(extensions: [String]) async throws -> [String: String] { try await base.emailsHolding(extensions: extensions) }
    func users() async throws -> [StoredUser] { try await base.users() }
    func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws { try await base.forEachUser(query, body) }
    func attributeNames(_ query: UserQuery) async throws -> [String] { try await base.attributeNames(query) }
    func countUsers(_ query: UserQuery) async throws -> Int { try await base.countUsers(query) }
    func linkedJobs(emailKeys: [String]) async throws -> [String: [String]] { try await base.linkedJobs(emailKeys: emailKeys) }
    func runs(limit: Int) async throws -> [RunRecord] { try await base.runs(limit: limit) }
    func run(id: Int64) async throws -> RunRecord? { try await base.run(id: id) }
    func reportRows(runID: Int64) async throws -> [ReportRow] { try await base.reportRows(runID: runID) }
    func deactivations(job: String, since: Date) async throws -> Int { try await base.deactivations(job: job, since: since) }
    func pendingDeactivations(job: String) async throws -> [String: Date] { try await base.pendingDeactivations(job: job) }
    func renewLease(runID: Int64) async throws { try await base.renewLease(runID: runID) }
    func settleAbandonedRuns() async throws -> [RunRecord] { try await base.settleAbandonedRuns() }
}

/// What a ``RunStartWatchingStore`` knows of its run: the id once begun, whether its write
/// scope has begun, and the final record while the transaction commits.
private final class WatchedRun: Sendable {
    struct State {
        var id: Int64?
        var writing = false
        var ending: RunRecord?
    }

    let state = Mutex(State())
}

/// The writes of a watched run's transaction: counts the users written and keeps the final
/// record until the transaction commits.
private struct CountingWrites: UserStoreWrites {
    let base: any UserStoreWrites
    let monitor: RunMonitor
    let ending: @Sendable (RunRecord) -> Void

    func apply(_ batch: WriteBatch) async throws {
        try await base.apply(batch)
        if let id = batch.runID { monitor.wrote(id, count: batch.writes.count) }
    }

    func finishRun(_ run: RunRecord) async throws {
        try await base.finishRun(run)
        ending(run)
    }
}
