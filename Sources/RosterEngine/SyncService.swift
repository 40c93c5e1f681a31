public import Foundation
public import Logging
public import RosterConnectors
public import RosterCore
import RosterMapping

/// Options of one `sync`.
public struct SyncOptions: Sendable {
    /// Plan only: nothing written, no run record.
    public var dryRun = false
    /// Ignore the stored incremental cursor and pull everything.
    public var full = false
    /// Deactivate up to this many users even past the job's threshold (after a tripped safeguard).
    public var allowDeactivations: Int?
    public var trigger = RunTrigger.manual
    /// The scheduled time the run is for (``RunRecord/scheduledFor``); `nil` unless the scheduler started it.
    public var scheduledFor: Date?

    public init(dryRun: Bool = false, full: Bool = false, allowDeactivations: Int? = nil, trigger: RunTrigger = .manual, scheduledFor: Date? = nil) {
        self.dryRun = dryRun
        self.full = full
        self.allowDeactivations = allowDeactivations
        self.trigger = trigger
        self.scheduledFor = scheduledFor
    }
}

/// One user-level change of a sync plan, for `--dry-run` output.
public struct PlannedChange: Sendable, Equatable {
    /// `pending`: a user missing from the source who would be flagged pending deactivation (`deactivate_after`).
    public enum Action: String, Sendable { case create, update, deactivate, pending }
    public var action: Action
    public var email: String
    /// Column → (old, new) for updates; empty otherwise.
    public var changes: [(column: String, old: String, new: String)]

    public static func == (lhs: PlannedChange, rhs: PlannedChange) -> Bool {
        lhs.action == rhs.action && lhs.email == rhs.email && lhs.changes.map(\.column) == rhs.changes.map(\.column)
    }
}

/// The outcome of a sync: the run record (id 0 on a dry run) and, on a dry run, the plan.
public struct SyncResult: Sendable {
    public var run: RunRecord
    public var plan: [PlannedChange]
    /// Updates where the source renamed the user's email (matched through the job's link).
    public var renamed: Int
    /// Pulled records the mapping's `filter:` skipped; they are not rows of the run.
    public var filteredOut = 0
    /// On a dry run, the first ``SyncResult/failedRowSample`` failed rows (the run's `failed`
    /// counts them all); empty otherwise, as a run stores its failed rows for `report`.
    public var failedRows: [ReportRow] = []

    /// How many failed rows a dry run keeps to show.
    public static let failedRowSample = 20
}

/// Pull → map → validate → plan → apply for one job (DESIGN §2, §4), in the same planner as
/// `import`, with links, deactivation safeguards and the incremental cursor.
///
/// A sync pulls every page first, with no transaction open however long the source takes
/// (retries, Retry-After waits), staging the mapped rows (``StagedRows``: bounded memory). Then
/// one short write scope loads the index, plans the rows against the store as it is now, applies
/// them and records the run, links and cursor together. A pull that fails part-way keeps nothing
/// (no upsert from the pages already pulled, no deactivation) and records the run as failed.
public struct SyncService: Sendable {
    public let store: any UserStore
    public let catalog: Catalog
    public let http: any HTTPClient
    /// Dates of run records, and the time connectors read (token expiry, `Retry-After` dates).
    public let clock: any RosterClock
    /// Waits between retries and for rate limits.
    public let waits: any Clock<Duration>
    /// Where `env:NAME` secrets are read.
    public let environment: [String: String]
    public let logger: Logger
    /// Rows per store batch.
    public var batchSize = 5_000
    /// Pulled rows kept in memory until the write scope; the rest wait in a temporary file.
    public var stagingLimit = 20_000
    /// Told how far each run has got: once per pulled page and once per planned batch.
    public var progress: (@Sendable (RunProgress) -> Void)?

    public init(store: any UserStore, catalog: Catalog, http: any HTTPClient, clock: any RosterClock = SystemClock(),
                waits: any Clock<Duration> = ContinuousClock(), environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "rostersync.engine")) {
        self.store = store
        self.catalog = catalog
        self.http = http
        self.clock = clock
        self.waits = waits
        self.environment = environment
        self.logger = logger
    }

    /// Runs `job` once.
    /// - Throws: ``ConfigError`` for a connector, mapping or secret that cannot be used (nothing
    ///   pulled); ``PullError`` when the pull failed (run recorded as failed, nothing written).
    public func sync(_ job: JobConfig, configFile: String, options: SyncOptions = SyncOptions()) async throws -> SyncResult {
        let (client, stream, mapping) = try prepare(job, configFile: configFile)
        var record = RunRecord(kind: "sync", source: job.name, trigger: options.trigger, startedAt: clock.now())
        record.scheduledFor = options.scheduledFor
        if !options.dryRun { record.id = try await store.beginRun(record) }
        logger.info("sync started", metadata: ["run": "\(record.id)", "job": "\(job.name)", "dry-run": "\(options.dryRun)", "full": "\(options.full)"])
        var pulled = 0
        do {
            let state = options.full ? nil : try await store.jobState(job: job.name).flatMap { try? JSONDecoder().decode(IncrementalState.self, from: Data($0.utf8)) }
            let staged = StagedRows(memoryLimit: stagingLimit)
            var removedIDs: [String] = []
            var filteredOut = 0
            let outcome = try await client.pull(stream: stream, state: state) { page in
                removedIDs += page.removedIDs
                for source in try SyncRecords.rows(of: page, mapping: mapping, firstNumber: pulled + 1) {
                    pulled += 1
                    guard let source else {
                        filteredOut += 1
                        continue
                    }
                    try staged.append(source)
                }
                progress?(RunProgress(run: record.id, phase: .pulling, read: pulled))
            }
            logger.info("pull finished", metadata: ["run": "\(record.id)", "job": "\(job.name)", "pulled": "\(pulled)", "rows": "\(staged.count)"])
            let pull = StagedPull(job: job, rows: staged, outcome: outcome, removedIDs: removedIDs, pulled: pulled, filteredOut: filteredOut)
            let result = try await store.writing(dryRun: options.dryRun) { [record] writes in
                try await planAndApply(pull, record: record, options: options, writes: writes)
            }
            logger.info("sync finished", metadata: result.run.logMetadata)
            return result
        } catch {
            record.status = Task.isCancelled ? .interrupted : .failed
            record.pulled = pulled
            record.message = client.connector.redactor.redact("\(error); nothing was written")
            record.finishedAt = clock.now()
            if !options.dryRun { await store.recordFailedRun(record, logger: logger) }
            logger.error("sync failed", metadata: record.logMetadata.merging(["error": "\(error)"]) { $1 })
            throw error
        }
    }

    /// What a pull brought, waiting for the write scope.
    private struct StagedPull {
        var job: JobConfig
        var rows: StagedRows
        var outcome: PullOutcome
        var removedIDs: [String]
        var pulled: Int
        /// Records the mapping's filter skipped.
        var filteredOut: Int
    }

    /// Plans the staged rows against the store as it is now and applies them through `writes`
    /// (or, on a dry run, describes the plan), then records the run in the same scope.
    private func planAndApply(_ pull: StagedPull, record: RunRecord, options: SyncOptions, writes: (any UserStoreWrites)?) async throws -> SyncResult {
        let job = pull.job
        var record = record
        let runID = writes == nil ? nil : record.id
        var planner = ImportPlanner(catalog: catalog, index: try await store.loadIndex(catalog: catalog, incomingRows: pull.rows.count))
        planner.useLinks(try await store.links(job: job.name), job: job.name)
        if let range = job.extensionRange ?? catalog.extensionRange { planner.assignExtensions(in: range) }
        let history = try await deactivationHistory(job)
        var plan: [PlannedChange] = []
        var failedRows: [ReportRow] = []
        let verdict = try await withThrowingTaskGroup(of: Void.self) { group in
            // Batch N is written by a child task while batch N+1 is planned.
            func flush(_ batch: WriteBatch) async throws {
                if let writes {
                    if !batch.isEmpty { try await group.applyAfterPrevious(batch, to: writes) }
                } else {
                    plan += try await store.plannedChanges(batch)
                    failedRows += batch.failures.prefix(SyncResult.failedRowSample - failedRows.count)
                }
            }
            var rows = try pull.rows.makeIterator()
            var unflushed = 0
            while let row = try rows.next() {
                planner.plan(row)
                unflushed += 1
                if unflushed >= batchSize {
                    unflushed = 0
                    progress?(RunProgress(run: runID ?? 0, phase: .planning, read: pull.pulled, planned: planner.counts.rows, expected: pull.rows.count))
                    try await planner.nameExtensionHolders { try await store.emailsHolding(extensions: $0) }
                    try await flush(planner.takeBatch(runID: runID))
                }
            }
            let verdict = safeguard(job, outcome: pull.outcome, pulled: pull.pulled, removedIDs: pull.removedIDs, history: history,
                                    planner: &planner, options: options)
            try await planner.nameExtensionHolders { try await store.emailsHolding(extensions: $0) }
            var last = planner.takeBatch(runID: runID)
            if let newState = pull.outcome.newState, let text = try? String(decoding: JSONEncoder().encode(newState), as: UTF8.self) {
                last.jobState = (job.name, text)
            }
            last.pendingDeactivations = verdict.pendingChanges
            try await flush(last)
            try await group.waitForAll()
            return verdict
        }
        (record.status, record.message, record.pending) = (verdict.status, verdict.message, verdict.pending)
        record.pulled = pull.pulled
        record.apply(planner.counts)
        record.deactivated = planner.counts.deactivated
        if record.status == .succeeded, record.failed > 0 { record.status = .completedWithFailures }
        record.finishedAt = clock.now()
        try await writes?.finishRun(record)
        return SyncResult(run: record, plan: plan, renamed: planner.counts.renamed, filteredOut: pull.filteredOut, failedRows: failedRows)
    }

    /// Records that a scheduled time of `job` was skipped because its previous run was still going.
    /// - Throws: ``ScheduledRunTaken`` when the time already has its record (another instance's
    ///   run or skip of it).
    public func recordSkip(job: String, at time: Date) async throws {
        var record = RunRecord(kind: "sync", source: job, trigger: .schedule, startedAt: time, status: .skipped)
        record.scheduledFor = time
        record.id = try await store.beginRun(record)
        record.finishedAt = time
        record.message = "the previous run of '\(job)' was still going at this scheduled time; this one was skipped"
        try await store.finishRun(record)
    }

    /// What `connectors check` reports: the first page's record count and the first record's field names.
    public struct CheckResult: Sendable, Equatable {
        public var connector: String
        public var stream: String
        public var records: Int
        public var fields: [String]
    }

    /// Authenticates and fetches the first page of `job`'s stream, without mapping or writing anything.
    /// - Throws: ``ConfigError`` as ``sync(_:configFile:options:)``; ``PullError`` when the first page fails.
    public func check(_ job: JobConfig, configFile: String) async throws -> CheckResult {
        struct FirstPageSeen: Error {}
        let (client, stream, _) = try prepare(job, configFile: configFile)
        var result = CheckResult(connector: client.connector.name, stream: stream, records: 0, fields: [])
        do {
            _ = try await client.pull(stream: stream) { page in
                if let body = page.rawBody {
                    let (header, rows) = try SyncRecords.csvHeaderAndRowCount(body)
                    result.records = rows
                    if rows > 0 { result.fields = Set(header.map { $0.trimmingSpaces() }).sorted() }
                } else {
                    result.records = page.records.count
                    if case .object(let members) = page.records.first?.value { result.fields = members.keys.sorted() }
                }
                throw FirstPageSeen()
            }
        } catch is FirstPageSeen {}
        return result
    }

    /// Loads and resolves the job's connector and mapping.
    private func prepare(_ job: JobConfig, configFile: String) throws -> (ConnectorClient, String, Mapping) {
        func configError(_ message: String) -> ConfigError {
            ConfigError([ConfigDiagnostic(file: configFile, line: job.line, column: 1, message: "job '\(job.name)': \(message)")])
        }
        var secrets: [String: Secret] = [:]
        for (key, reference) in job.secrets {
            do {
                secrets[key] = try Secret.fromEnvironmentReference(reference, environment: environment)
            } catch {
                throw configError("secret '\(key)': \(error)")
            }
        }
        let connector: Connector
        let mapping: Mapping
        do {
            connector = try ConnectorFile.load(path: job.connector)
                .resolve(config: job.settings, secrets: secrets, baseURL: job.baseURL, tokenURL: job.tokenURL, jobName: job.name,
                         allowInsecureHTTP: job.allowInsecureHTTP)
            mapping = try MappingFile.load(path: job.mapping)
        } catch {
            throw ConfigError([ConfigDiagnostic(file: configFile, line: job.line, column: 1, message: "job '\(job.name)' cannot start:\n\(error)")])
        }
        if let refusal = [("the connector's base_url", connector.baseURL), ("the connector's token_url", connector.tokenURL ?? "")]
            .lazy.compactMap({ job.refusal(toOpen: $1, as: $0) }).first {
            throw ConfigError([ConfigDiagnostic(file: configFile, line: job.line, column: 1, message: refusal)])
        }
        if !job.allowInsecureHTTP, connector.sendsCredentials || !job.secrets.isEmpty, let url = connector.plainHTTPURL {
            throw configError("\(url.redactedURL) is plain http://, so its credentials would cross the network readable; use https://, or add 'allow_insecure_http: true' to the job on a trusted network")
        }
        let stream = job.stream ?? connector.streams.first?.name ?? ""
        guard connector.stream(named: stream) != nil else {
            throw configError("connector \(connector.path) has no stream '\(stream)'; streams: \(connector.streams.map(\.name).joined(separator: ", "))")
        }
        let clock = clock
        return (ConnectorClient(connector: connector, http: http, clock: waits, now: { clock.now().timeIntervalSince1970 }), stream, mapping)
    }
}
