import Foundation
import RosterCore
public import RosterEngine

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
    /// Where finished runs are counted.
    public nonisolated let metrics: ServerMetrics

    public init(store: any UserStore, configFile: String, scheduler: SchedulerService?, metrics: ServerMetrics = ServerMetrics(), makeSync: @escaping MakeSync) {
        self.store = store
        self.configFile = configFile
        self.scheduler = scheduler
        self.metrics = metrics
        self.makeSync = makeSync
    }

    /// Starts `job` in the background and returns its run id once the run is recorded.
    /// - Throws: ``RunConflict`` while the job runs; ``ConfigError`` when its connector, mapping
    ///   or secrets cannot be used (nothing started).
    public func start(_ job: JobConfig, options: SyncOptions) async throws -> Int64 {
        let (ids, continuation) = AsyncThrowingStream.makeStream(of: Int64.self)
        let watched = RunStartWatchingStore(base: store) { id in continuation.yield(id) }
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
            await self.finished(id)
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

    private func finished(_ id: Int64) async {
        running[id] = nil
        if let run = try? await store.run(id: id) { metrics.recordRun(run) }
    }
}

/// A store that reports the id of each run it begins, so a background run's id is known at once.
struct RunStartWatchingStore: UserStore {
    let base: any UserStore
    let onBegin: @Sendable (Int64) -> Void

    func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result { try await base.write(body) }
    func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex { try await base.loadIndex(catalog: catalog, incomingRows: incomingRows) }
    func links(job: String) async throws -> [String: String] { try await base.links(job: job) }
    func jobState(job: String) async throws -> String? { try await base.jobState(job: job) }
    func users(emailKeys: [String]) async throws -> [String: StoredUser] { try await base.users(emailKeys: emailKeys) }
    func emailsHolding(extensions: [String]) async throws -> [String: String] { try await base.emailsHolding(extensions: extensions) }
    func users() async throws -> [StoredUser] { try await base.users() }
    func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws { try await base.forEachUser(query, body) }
    func attributeNames(_ query: UserQuery) async throws -> [String] { try await base.attributeNames(query) }
    func finishRun(_ run: RunRecord) async throws { try await base.finishRun(run) }
    func runs(limit: Int) async throws -> [RunRecord] { try await base.runs(limit: limit) }
    func run(id: Int64) async throws -> RunRecord? { try await base.run(id: id) }
    func reportRows(runID: Int64) async throws -> [ReportRow] { try await base.reportRows(runID: runID) }
    func deactivations(job: String, since: Date) async throws -> Int { try await base.deactivations(job: job, since: since) }
    func pendingDeactivations(job: String) async throws -> [String: Date] { try await base.pendingDeactivations(job: job) }
    func renewLease(runID: Int64) async throws { try await base.renewLease(runID: runID) }
    func settleAbandonedRuns() async throws -> [RunRecord] { try await base.settleAbandonedRuns() }

    func beginRun(_ run: RunRecord) async throws -> Int64 {
        let id = try await base.beginRun(run)
        onBegin(id)
        return id
    }
}
