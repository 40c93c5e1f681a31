public import RosterCore
public import RosterEngine

/// The in-memory twin of the SQLite and PostgreSQL stores: the same contract, kept honest by
/// the shared contract tests.
public actor InMemoryUserStore: UserStore {
    private var usersByKey: [String: StoredUser] = [:]
    private var nextUserID: Int64 = 1
    private var runRecords: [Int64: RunRecord] = [:]
    private var failures: [Int64: [ReportRow]] = [:]
    /// Number of batches applied: lets tests prove that a repeat import writes nothing.
    public private(set) var appliedBatches = 0

    public init() {}

    public func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex {
        var index = RosterIndex(capacity: RosterIndex.capacity(stored: usersByKey.count, incomingRows: incomingRows))
        for user in usersByKey.values { index.addStored(IndexedUser(user.record)) }
        return index
    }

    public func apply(_ batch: WriteBatch) async throws {
        var staged = usersByKey
        for write in batch.writes {
            switch write {
            case .create(let record):
                guard staged[record.emailKey] == nil else { throw InMemoryStoreError.duplicateEmail }
                staged[record.emailKey] = StoredUser(id: nextUserID, record: record, createdRun: batch.runID, updatedRun: batch.runID)
                nextUserID += 1
            case .update(let key, let record):
                guard var user = staged.removeValue(forKey: key) else { throw InMemoryStoreError.missingUser }
                user.record = record
                user.updatedRun = batch.runID
                staged[record.emailKey] = user
            }
        }
        let extensions = staged.values.map(\.record.row.extension).filter { !$0.isEmpty }
        guard Set(extensions).count == extensions.count else { throw InMemoryStoreError.duplicateExtension }
        usersByKey = staged
        if let run = batch.runID { failures[run, default: []].append(contentsOf: batch.failures) }
        appliedBatches += 1
    }

    public func emailHolding(extension: String) async throws -> String? {
        // An empty extension is "none" (NULL in SQL), which nobody holds.
        guard !`extension`.isEmpty else { return nil }
        return usersByKey.values.first { $0.record.row.extension == `extension` }?.record.row.email
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
