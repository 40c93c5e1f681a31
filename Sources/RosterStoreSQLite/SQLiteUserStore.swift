public import Foundation
import GRDB
public import Logging
public import RosterCore
public import RosterEngine

/// The embedded default ``UserStore``: one SQLite file through GRDB, in WAL mode.
///
/// A write scope (``write(_:)``) is one `BEGIN IMMEDIATE` transaction: a crash mid-run rolls back
/// to the state before the run, and the unique identity and extension indexes make a duplicate
/// impossible even when two processes race. Writers take turns: in this process through a
/// ``SerialGate`` (every write, a run record's included, goes through it, so none lands inside
/// another's transaction), across processes through SQLite's lock, waited for up to the busy
/// timeout. Reads use their own connections (a `DatabasePool`), so they never wait for a writer.
public final class SQLiteUserStore: UserStore {
    /// The database; internal so that the listing extension reads through the same pool.
    let database: any DatabaseWriter
    private let gate = SerialGate()
    private let displayPath: String
    private let busyTimeout: Duration
    private let lease: RunLease
    /// The time of heartbeats and of lease expiry checks.
    private let clock: any RosterClock
    private let logger: Logger

    /// Opens (creating and migrating when needed) the database at `path`, and settles the runs
    /// other instances abandoned (``settleAbandonedRuns()``).
    /// - Parameters:
    ///   - busyTimeout: how long a writer waits for another process's write transaction.
    ///   - lease: when a running run without renewals counts as abandoned (``RunLease/expiry``).
    ///   - clock: the time of heartbeats and of lease expiry checks.
    /// - Throws: `DatabaseError` when the file cannot be opened or is not a RosterSync database.
    public init(path: String, busyTimeout: Duration = .seconds(120), lease: RunLease = RunLease(), clock: any RosterClock = SystemClock(),
                logger: Logger = Logger(label: "rostersync.store")) throws {
        displayPath = path
        self.busyTimeout = busyTimeout
        self.lease = lease
        self.clock = clock
        self.logger = logger
        database = try DatabasePool(path: path, configuration: Self.configuration(busyTimeout: busyTimeout))
        try SQLiteSchema.migrate(database, logger: logger)
        let now = clock.now()
        try database.write { [lease, logger] db in _ = try Self.settleAbandonedRuns(db, source: nil, lease: lease, now: now, logger: logger) }
    }

    /// A private in-memory database, for tests.
    public init(lease: RunLease = RunLease(), clock: any RosterClock = SystemClock()) throws {
        displayPath = "(in memory)"
        busyTimeout = .seconds(1)
        self.lease = lease
        self.clock = clock
        logger = Logger(label: "rostersync.store")
        database = try DatabaseQueue(configuration: Self.configuration(busyTimeout: busyTimeout))
        try SQLiteSchema.migrator.migrate(database)
    }

    private static func configuration(busyTimeout: Duration) -> Configuration {
        var configuration = Configuration()
        // A write scope's batches share one transaction that spans several writer accesses; the
        // gate keeps every other write of this process out of it.
        configuration.allowsUnsafeTransactions = true
        configuration.busyMode = .timeout(TimeInterval(busyTimeout.components.seconds))
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 8 MB of page cache: bulk loads build their indexes once at commit (see `begin`), so
            // a larger cache buys little and costs resident memory.
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        return configuration
    }

    /// Marks `failed` every run still `running` that is abandoned (``RunLease/abandonment(of:now:here:)``:
    /// its process on this host is gone, or its lease expired): its writes were one transaction,
    /// so SQLite already rolled them back. Returns the settled runs.
    private static func settleAbandonedRuns(_ db: Database, source: String?, lease: RunLease, now: Date, logger: Logger) throws -> [RunRecord] {
        var settled: [RunRecord] = []
        let running = try Row.fetchAll(
            db, sql: "SELECT * FROM runs WHERE status = ?1 AND (?2 IS NULL OR source = ?2) ORDER BY id",
            arguments: [RunStatus.running.rawValue, source]).map(runRecord)
        for var run in running {
            guard let message = lease.abandonment(of: run, now: now) else { continue }
            logger.warning("settling a run whose instance stopped", metadata: ["run": "\(run.id)", "instance": "\(run.instance ?? "unknown")"])
            try db.execute(
                sql: "UPDATE runs SET status = ?, message = ?, finished_at = ? WHERE id = ? AND status = ?",
                arguments: [RunStatus.failed.rawValue, message, now, run.id, RunStatus.running.rawValue])
            run.status = .failed
            run.message = message
            run.finishedAt = now
            settled.append(run)
        }
        return settled
    }

    public func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result {
        try await gate.run {
            try await begin()
            do {
                let result = try await body(SQLiteWrites(database: database))
                try await commit()
                return result
            } catch {
                rollback()
                throw error
            }
        }
    }

    /// Takes SQLite's write lock, waiting up to the busy timeout for another process. An empty
    /// users table drops its unique indexes to build them once at commit, several times faster
    /// than maintaining them row by row during a bulk load.
    private func begin() async throws {
        let asked = ContinuousClock.now
        try await busyAware {
            try await database.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                if try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users)")! {
                    try db.execute(sql: SQLiteSchema.dropUniqueIndexes)
                }
            }
        }
        let waited = ContinuousClock.now - asked
        if waited > .seconds(1) {
            logger.info("waited for the store's write lock", metadata: ["store": "\(displayPath)", "seconds": "\(waited.components.seconds)"])
        }
    }

    private func commit() async throws {
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: SQLiteSchema.uniqueIndexes)
            try db.execute(sql: "COMMIT")
        }
    }

    /// Blocking on purpose: it must run even in a cancelled task, which GRDB's async accessors
    /// refuse, and it takes no lock that anyone else holds.
    private func rollback() {
        do {
            try database.writeWithoutTransaction { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            }
        } catch {
            logger.error("rollback failed", metadata: ["store": "\(displayPath)", "error": "\(error)"])
        }
    }

    /// Runs a write, turning SQLite's busy error (another process kept the lock past the timeout)
    /// into ``StoreBusy``.
    private func busyAware<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw StoreBusy(store: displayPath, waited: busyTimeout)
        }
    }

    /// Scans the stored users on a reader connection while the caller's task adds them to the
    /// index, chunk by chunk: SQLite's stepping and the hash-table inserts (each a cache miss)
    /// take about as long as each other, so the two overlap on two cores. The scan stays at most
    /// ``chunksAhead`` chunks ahead, so chunks never pile up in memory when the index falls behind.
    public func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex {
        let stored = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0 }
        var index = RosterIndex(capacity: RosterIndex.capacity(stored: stored, incomingRows: incomingRows))
        guard stored > 0 else { return index }
        let (handOff, chunks) = BoundedHandOff<StoredUserChunk>.make(depth: Self.chunksAhead)
        async let scan: Void = database.read { db in
            do {
                var chunk = StoredUserChunk(capacity: Self.indexChunk)
                try SQLiteBulk.scanIndex(db) { user, emailKey in
                    chunk.append(user, emailKey: emailKey)
                    if chunk.count == Self.indexChunk {
                        // Nobody takes chunks any more (the loading task was cancelled): stop scanning.
                        guard handOff.waitForRoom() else { throw CancellationError() }
                        handOff.yield(chunk)
                        chunk.removeAll()
                    }
                }
                handOff.yield(chunk)
                handOff.finish()
            } catch {
                handOff.finish(throwing: error)
            }
        }
        for try await chunk in chunks {
            index.addStored(chunk)
            handOff.taken()
        }
        try await scan
        // A cancelled task's stream ends early: a partial index must not be planned against.
        try Task.checkCancellation()
        return index
    }

    /// Users handed from the scan to the index at a time: big enough to amortise the hand-off,
    /// small enough (about 600 KB with their keys) to stay in cache.
    private static let indexChunk = 8192
    /// Chunks the scan may hand over before the index has taken them.
    private static let chunksAhead = 2

    public func links(job: String) async throws -> [String: String] {
        try await database.read { db in
            var links: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT external_id, email_key FROM links WHERE job = ?", arguments: [job]) {
                links[row[0]] = row[1]
            }
            return links
        }
    }

    /// The jobs that have links, a cursor or users pending deactivation in this store, sorted
    /// (for copying the store elsewhere).
    public func jobNames() async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: """
                SELECT job FROM links UNION SELECT job FROM job_state UNION SELECT job FROM pending_deactivations ORDER BY 1
                """)
        }
    }

    public func jobState(job: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT state FROM job_state WHERE job = ?", arguments: [job])
        }
    }

    public func deactivations(job: String, since: Date) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COALESCE(SUM(deactivated), 0) FROM runs WHERE kind = 'sync' AND source = ? AND started_at >= ?",
                arguments: [job, since]) ?? 0
        }
    }

    public func pendingDeactivations(job: String) async throws -> [String: Date] {
        try await database.read { db in
            var pending: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT email_key, since FROM pending_deactivations WHERE job = ?", arguments: [job]) {
                pending[row["email_key"]] = row["since"]
            }
            return pending
        }
    }

    public func users(emailKeys: [String]) async throws -> [String: StoredUser] {
        try await database.read { db in
            var users: [String: StoredUser] = [:]
            for key in emailKeys {
                if let row = try Row.fetchOne(db, sql: "\(Self.userColumns) WHERE email_key = ?", arguments: [key]) {
                    users[key] = Self.storedUser(row)
                }
            }
            return users
        }
    }

    public func emailsHolding(extensions: [String]) async throws -> [String: String] {
        guard !extensions.isEmpty else { return [:] }
        return try await database.read { db in
            var holders: [String: String] = [:]
            // Chunks stay under SQLite's bound-parameter limit.
            for chunk in stride(from: 0, to: extensions.count, by: 500).map({ Array(extensions[$0..<min($0 + 500, extensions.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT extension, email FROM users WHERE extension IN (\(marks))", arguments: StatementArguments(chunk)) {
                    holders[row[0]] = row[1]
                }
            }
            return holders
        }
    }

    public func users() async throws -> [StoredUser] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "\(Self.userColumns) ORDER BY email_key").map(Self.storedUser)
        }
    }

    public func beginRun(_ run: RunRecord) async throws -> Int64 {
        try await gate.run {
            try await busyAware {
                try await database.write { [lease, clock, logger] db in
                    let now = clock.now()
                    if let slot = run.scheduledFor,
                       try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE source = ? AND scheduled_for = ?)", arguments: [run.source, slot])! {
                        throw ScheduledRunTaken(job: run.source, scheduledFor: slot)
                    }
                    _ = try Self.settleAbandonedRuns(db, source: run.source, lease: lease, now: now, logger: logger)
                    if run.kind == "sync", run.status == .running, let holder = try Row.fetchOne(
                        db, sql: "SELECT id, started_at FROM runs WHERE kind = 'sync' AND source = ? AND status = ?",
                        arguments: [run.source, RunStatus.running.rawValue]) {
                        throw RunConflict(job: run.source, runningRun: holder["id"], startedAt: holder["started_at"])
                    }
                    try db.execute(
                        sql: """
                            INSERT INTO runs (kind, source, trigger, started_at, status, pid, report_columns, scheduled_for, instance, heartbeat_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            run.kind, run.source, run.trigger.rawValue, run.startedAt, run.status.rawValue, getpid(),
                            run.reportColumns?.joined(separator: SQLiteBulk.cellSeparator), run.scheduledFor,
                            run.instance ?? RunInstance.current.description, now,
                        ])
                    return db.lastInsertedRowID
                }
            }
        }
    }

    public func renewLease(runID: Int64) async throws {
        try await gate.run {
            try await busyAware {
                try await database.write { [clock] db in
                    try db.execute(
                        sql: "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = ?",
                        arguments: [clock.now(), runID, RunStatus.running.rawValue])
                }
            }
        }
    }

    public func settleAbandonedRuns() async throws -> [RunRecord] {
        try await gate.run {
            try await busyAware {
                try await database.write { [lease, clock, logger] db in
                    try Self.settleAbandonedRuns(db, source: nil, lease: lease, now: clock.now(), logger: logger)
                }
            }
        }
    }

    public func finishRun(_ run: RunRecord) async throws {
        try await gate.run {
            try await busyAware {
                try await database.write { db in try SQLiteWrites.finishRun(run, in: db) }
            }
        }
    }

    public func runs(limit: Int) async throws -> [RunRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.runRecord)
        }
    }

    public func run(id: Int64) async throws -> RunRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.runRecord)
        }
    }

    public func reportRows(runID: Int64) async throws -> [ReportRow] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT row, cells, errors, external_id FROM run_failures WHERE run_id = ? ORDER BY row", arguments: [runID])
                .map { row in
                    ReportRow(
                        row: row["row"], cells: SQLiteBulk.split(row["cells"], SQLiteBulk.cellSeparator),
                        errors: SQLiteBulk.split(row["errors"], SQLiteBulk.errorSeparator), externalID: row["external_id"])
                }
        }
    }

    private static let userColumns = """
        SELECT id, first_name, last_name, license, extension, email, role, data_center, attributes, active,
               created_run, updated_run
        FROM users
        """

    private static func storedUser(_ row: Row) -> StoredUser {
        let cells = TemplateRow(
            firstName: row["first_name"], lastName: row["last_name"], license: row["license"],
            extension: row["extension"] ?? "", email: row["email"], role: row["role"], dataCenter: row["data_center"])
        let attributes = (row["attributes"] as String?).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        return StoredUser(
            id: row["id"], record: UserRecord(row: cells, attributes: attributes, active: row["active"]),
            createdRun: row["created_run"], updatedRun: row["updated_run"])
    }

    private static func runRecord(_ row: Row) -> RunRecord {
        var run = RunRecord(
            id: row["id"], kind: row["kind"], source: row["source"],
            trigger: RunTrigger(rawValue: row["trigger"]) ?? .manual, startedAt: row["started_at"],
            status: RunStatus(rawValue: row["status"]) ?? .failed)
        run.finishedAt = row["finished_at"]
        run.rows = row["rows"]
        run.created = row["created"]
        run.updated = row["updated"]
        run.unchanged = row["unchanged"]
        run.failed = row["failed"]
        run.deactivated = row["deactivated"]
        run.pulled = row["pulled"]
        run.pending = row["pending"]
        run.reportPath = row["report_path"]
        run.message = row["message"]
        run.reportColumns = (row["report_columns"] as String?).map { SQLiteBulk.split($0, SQLiteBulk.cellSeparator) }
        run.scheduledFor = row["scheduled_for"]
        run.instance = row["instance"]
        run.heartbeatAt = row["heartbeat_at"]
        return run
    }
}
