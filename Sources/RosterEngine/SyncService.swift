public import Foundation
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

    public init(dryRun: Bool = false, full: Bool = false, allowDeactivations: Int? = nil, trigger: RunTrigger = .manual) {
        self.dryRun = dryRun
        self.full = full
        self.allowDeactivations = allowDeactivations
        self.trigger = trigger
    }
}

/// One user-level change of a sync plan, for `--dry-run` output.
public struct PlannedChange: Sendable, Equatable {
    public enum Action: String, Sendable { case create, update, deactivate }
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
}

/// Pull → map → validate → plan → apply for one job (DESIGN §2, §4), in the same planner as
/// `import`, with links, deactivation safeguards and the incremental cursor.
///
/// A run's writes are one transaction: a pull that fails part-way keeps nothing (no upsert from
/// the pages already pulled, no deactivation) and records the run as failed.
public struct SyncService: Sendable {
    public let store: any UserStore
    public let catalog: Catalog
    public let http: any HTTPClient
    public let clock: any RosterClock
    public let sleeper: any Sleeper
    /// Where `env:NAME` secrets are read.
    public let environment: [String: String]
    /// Rows per store batch.
    public var batchSize = 5_000

    public init(store: any UserStore, catalog: Catalog, http: any HTTPClient, clock: any RosterClock = SystemClock(),
                sleeper: any Sleeper = TaskSleeper(), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        self.catalog = catalog
        self.http = http
        self.clock = clock
        self.sleeper = sleeper
        self.environment = environment
    }

    /// Runs `job` once.
    /// - Throws: ``ConfigError`` for a connector, mapping or secret that cannot be used (nothing
    ///   pulled); ``PullError`` when the pull failed (run recorded as failed, nothing written).
    public func sync(_ job: JobConfig, configFile: String, options: SyncOptions = SyncOptions()) async throws -> SyncResult {
        let (client, stream, mapping) = try prepare(job, configFile: configFile)
        let started = clock.now()
        var record = RunRecord(kind: "sync", source: job.name, trigger: options.trigger, startedAt: started)
        var planner = ImportPlanner(catalog: catalog, index: try await store.loadIndex(catalog: catalog, incomingRows: 0))
        planner.useLinks(try await store.links(job: job.name), job: job.name)
        if let range = job.extensionRange ?? catalog.extensionRange { planner.assignExtensions(in: range) }
        let state = options.full ? nil : try await store.jobState(job: job.name).flatMap { try? JSONDecoder().decode(IncrementalState.self, from: Data($0.utf8)) }
        var plan: [PlannedChange] = []
        var pulled = 0
        var removedIDs: [String] = []
        let verdict = try await store.performRun(&record, dryRun: options.dryRun, clock: clock, describeFailure: { record, error in
            record.status = Task.isCancelled ? .interrupted : .failed
            record.pulled = pulled
            record.message = "\(error); nothing was written"
        }) { runID, writes in
            // Page N's batch is written by a child task while page N+1 is pulled and planned
            // (planning never reads the store).
            func flush(_ batch: WriteBatch) async throws {
                if options.dryRun {
                    plan += try await describe(batch)
                } else if !batch.isEmpty {
                    try await writes.applyAfterPrevious(batch, to: store)
                }
            }
            let outcome = try await client.pull(stream: stream, state: state) { page in
                removedIDs += page.removedIDs
                for source in try SyncRecords.rows(of: page, mapping: mapping, firstNumber: pulled + 1) {
                    pulled += 1
                    guard let source else { continue }
                    planner.plan(source)
                }
                try await planner.nameExtensionHolders { try await store.emailsHolding(extensions: $0) }
                try await flush(planner.takeBatch(runID: runID))
            }
            let safeguardVerdict = safeguard(job, outcome: outcome, pulled: pulled, removedIDs: removedIDs, planner: &planner, options: options)
            var last = planner.takeBatch(runID: runID)
            if let newState = outcome.newState, let text = try? String(decoding: JSONEncoder().encode(newState), as: UTF8.self) {
                last.jobState = (job.name, text)
            }
            try await flush(last)
            return safeguardVerdict
        }
        (record.status, record.message) = verdict
        record.pulled = pulled
        record.apply(planner.counts)
        record.deactivated = planner.counts.deactivated
        if record.status == .succeeded, record.failed > 0 { record.status = .completedWithFailures }
        record.finishedAt = clock.now()
        if !options.dryRun { try await store.finishRun(record) }
        return SyncResult(run: record, plan: plan, renamed: planner.counts.renamed)
    }

    /// Records that a scheduled time of `job` was skipped because its previous run was still going.
    public func recordSkip(job: String, at time: Date) async throws {
        var record = RunRecord(kind: "sync", source: job, trigger: .schedule, startedAt: time, status: .skipped)
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
                .resolve(config: job.settings, secrets: secrets, baseURL: job.baseURL, tokenURL: job.tokenURL, jobName: job.name)
            mapping = try MappingFile.load(path: job.mapping)
        } catch {
            throw ConfigError([ConfigDiagnostic(file: configFile, line: job.line, column: 1, message: "job '\(job.name)' cannot start:\n\(error)")])
        }
        let stream = job.stream ?? connector.streams.first?.name ?? ""
        guard connector.stream(named: stream) != nil else {
            throw configError("connector \(connector.path) has no stream '\(stream)'; streams: \(connector.streams.map(\.name).joined(separator: ", "))")
        }
        return (ConnectorClient(connector: connector, http: http, sleeper: sleeper), stream, mapping)
    }

    /// Decides the deactivations of a complete pull, or why the safeguard tripped: after a full
    /// pull, the job's linked users that no record named; after an incremental one, the users the
    /// source reported removed.
    private func safeguard(_ job: JobConfig, outcome: PullOutcome, pulled: Int, removedIDs: [String], planner: inout ImportPlanner, options: SyncOptions) -> (RunStatus, String?) {
        guard job.onMissing == .deactivate else { return (.succeeded, nil) }
        let missing = outcome.isFullPull ? planner.unseenLinkedUsers() : planner.linkedUsers(removedIDs)
        guard !missing.isEmpty else { return (.succeeded, nil) }
        if pulled == 0 && outcome.isFullPull {
            return (.safeguardTripped, "the pull returned no users, so nobody was deactivated (\(missing.count) linked users would have been); check the source, then run `rostersync sync \(job.name) --allow-deactivations \(missing.count)` if that is right")
        }
        let limit = max(job.threshold.limit(linked: planner.activeLinkedUserCount()), options.allowDeactivations ?? 0)
        if missing.count > limit {
            return (.safeguardTripped, "\(missing.count) users would be deactivated, more than this job's limit of \(limit); nobody was deactivated. If the source is right, run `rostersync sync \(job.name) --allow-deactivations \(missing.count)`")
        }
        planner.deactivate(missing)
        return (.succeeded, nil)
    }

    /// A dry run's view of `batch`, with old → new values for updates.
    private func describe(_ batch: WriteBatch) async throws -> [PlannedChange] {
        let targets = batch.writes.compactMap { if case .update(let key) = $0.kind { key } else { nil } } + batch.deactivations
        let stored = try await store.users(emailKeys: targets)
        var changes: [PlannedChange] = []
        for write in batch.writes {
            guard case .update(let target) = write.kind else {
                changes.append(PlannedChange(action: .create, email: write.record.row.email, changes: []))
                continue
            }
            let old = stored[target]?.record.row ?? TemplateRow()
            let fields = TemplateColumn.allCases.filter { old[$0] != write.record.row[$0] }
                .map { (column: $0.header, old: old[$0], new: write.record.row[$0]) }
            changes.append(PlannedChange(action: .update, email: write.record.row.email, changes: fields))
        }
        for key in batch.deactivations {
            changes.append(PlannedChange(action: .deactivate, email: stored[key]?.record.row.email ?? "", changes: []))
        }
        return changes
    }
}
