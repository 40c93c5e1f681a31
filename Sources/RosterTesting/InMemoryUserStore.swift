public import RosterCore
public import RosterEngine

/// The in-memory twin of the SQLite and PostgreSQL stores: the same contract, kept honest by
/// the shared contract tests.
public actor InMemoryUserStore: UserStore {
    /// Users by email key (``UserRecord/emailKey``), the same unique key as the SQLite store's `email_key`.
    private var usersByKey: [String: StoredUser] = [:]
    private var nextUserID: Int64 = 1
    private var runRecords: [Int64: RunRecord] = [:]
    private var failures: [Int64: [ReportRow]] = [:]
    private var linksByJob: [String: [String: String]] = [:]
    private var jobStates: [String: String] = [:]
    /// Number of batches applied: lets tests prove that a repeat import writes nothing.
    public private(set) var appliedBatches = 0

    public init() {}

    public func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex {
        var index = RosterIndex(capacity: RosterIndex.capacity(stored: usersByKey.count, incomingRows: incomingRows))
        for user in usersByKey.values { index.addStored(user.record) }
        return index
    }

    /// The roster and failures as they were when the run's writes began.
    private var committed: (users: [String: StoredUser], nextID: Int64, failures: [Int64: [ReportRow]], links: [String: [String: String]], states: [String: String])?

    public func beginWrites() async throws {
        precondition(committed == nil, "a run's writes are already open")
        committed = (usersByKey, nextUserID, failures, linksByJob, jobStates)
    }

    public func commitWrites() async throws { committed = nil }

    public func rollbackWrites() async {
        guard let committed else { return }
        (usersByKey, nextUserID, failures, linksByJob, jobStates) = committed
        self.committed = nil
    }

    public func links(job: String) async throws -> [String: String] { linksByJob[job] ?? [:] }

    public func jobState(job: String) async throws -> String? { jobStates[job] }

    public func users(emailKeys: [String]) async throws -> [String: StoredUser] {
        let wanted = Set(emailKeys)
        return usersByKey.filter { wanted.contains($0.key) }
    }

    public func apply(_ batch: WriteBatch) async throws {
        var staged = usersByKey
        var nextID = nextUserID
        for write in batch.writes {
            switch write.kind {
            case .create:
                let key = write.record.emailKey
                guard staged[key] == nil else { throw InMemoryStoreError.duplicateEmail }
                staged[key] = StoredUser(id: nextID, record: write.record, createdRun: batch.runID, updatedRun: batch.runID)
                nextID += 1
            case .update(let target):
                let key = write.record.emailKey
                guard var user = staged.removeValue(forKey: target) else { throw InMemoryStoreError.missingUser }
                guard staged[key] == nil else { throw InMemoryStoreError.duplicateEmail }
                user.record = write.record
                user.updatedRun = batch.runID
                staged[key] = user
                if target != key {
                    for (job, links) in linksByJob {
                        linksByJob[job] = links.mapValues { $0 == target ? key : $0 }
                    }
                }
            }
        }
        for key in batch.deactivations {
            staged[key]?.record.active = false
            staged[key]?.updatedRun = batch.runID
        }
        for link in batch.links { linksByJob[link.job, default: [:]][link.externalID] = link.emailKey }
        if let state = batch.jobState { jobStates[state.job] = state.state }
        let extensions = staged.values.map(\.record.row.extension).filter { !$0.isEmpty }
        guard Set(extensions).count == extensions.count else { throw InMemoryStoreError.duplicateExtension }
        usersByKey = staged
        nextUserID = nextID
        if let run = batch.runID { failures[run, default: []].append(contentsOf: batch.failures) }
        appliedBatches += 1
    }

    public func emailsHolding(extensions: [String]) async throws -> [String: String] {
        let wanted = Set(extensions.filter { !$0.isEmpty })
        var holders: [String: String] = [:]
        for user in usersByKey.values where wanted.contains(user.record.row.extension) { holders[user.record.row.extension] = user.record.row.email }
        return holders
    }

    public func users() async throws -> [StoredUser] {
        usersByKey.values.sorted { $0.record.emailKey < $1.record.emailKey }
    }

    public func beginRun(_ run: RunRecord) async throws -> Int64 {
        var run = run
        run.id = Int64(runRecords.count + 1)
        runRecords[run.id] = run
        return run.id
    }

    public func finishRun(_ run: RunRecord) async throws { runRecords[run.id] = run }

    public func runs(limit: Int) async throws -> [RunRecord] {
        Array(runRecords.values.sorted { $0.id > $1.id }.prefix(limit))
    }

    public func run(id: Int64) async throws -> RunRecord? { runRecords[id] }

    public func reportRows(runID: Int64) async throws -> [ReportRow] { failures[runID] ?? [] }
}

/// Why the in-memory store refused a batch, mirroring the SQLite unique constraints.
public enum InMemoryStoreError: Error {
    case duplicateEmail, duplicateExtension, missingUser
}
