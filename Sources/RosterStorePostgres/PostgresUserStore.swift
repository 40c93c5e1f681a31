public import Foundation
public import Logging
public import RosterCore
public import RosterEngine
import PostgresNIO
import Synchronization

/// The ``UserStore`` on a PostgreSQL database (postgres-nio), for several instances sharing one
/// roster. It keeps the SQLite store's semantics, checked by the same contract tests.
///
/// A write scope (``write(_:)``) is one transaction on one connection, rolled back when its body
/// throws. Writers take turns: in this process through a ``SerialGate``, across processes through
/// a transaction-level advisory lock taken at the start of every scope, waited for up to the busy
/// timeout (then ``StoreBusy``). Reads use other connections and see committed data only, so they
/// never wait for a writer. Run records are short transactions of their own; one running sync per
/// job holds through a partial unique index, across every instance.
public final class PostgresUserStore: UserStore {
    let connections: PostgresConnections
    let gate = SerialGate()
    /// Where the store is; its ``PostgresLocation/displayName`` names it in messages.
    public let location: PostgresLocation
    private let busyTimeout: Duration
    let logger: Logger
    /// When another instance's running run counts as abandoned.
    let lease: RunLease
    /// The time of heartbeats and lease expiry.
    let clock: any RosterClock
    /// Ends of runs that ``finishRun(_:)`` could not record while the server was out of reach, by run id.
    let unrecordedEnds = Mutex<[Int64: RunRecord]>([:])

    private init(location: PostgresLocation, busyTimeout: Duration, lease: RunLease, clock: any RosterClock, logger: Logger) throws(PostgresStoreError) {
        self.location = location
        self.busyTimeout = busyTimeout
        self.lease = lease
        self.clock = clock
        self.logger = logger
        connections = try PostgresConnections(location: location, logger: logger)
    }

    /// Connects to the database at `location`, applies the migrations it lacks, and settles the
    /// runs left running by instances that stopped (see ``settleAbandonedRuns()``).
    /// - Parameters:
    ///   - busyTimeout: how long a writer waits for another process's write scope.
    ///   - lease: when another instance's running run counts as abandoned.
    ///   - clock: the time of heartbeats and lease expiry.
    /// - Throws: ``PostgresStoreError`` naming the server (never the password) and what to check.
    public static func open(
        _ location: PostgresLocation, busyTimeout: Duration = .seconds(120), lease: RunLease = RunLease(),
        clock: any RosterClock = SystemClock(), logger: Logger = Logger(label: "rostersync.store")
    ) async throws -> PostgresUserStore {
        let store = try PostgresUserStore(location: location, busyTimeout: busyTimeout, lease: lease, clock: clock, logger: logger)
        try await store.connections.with { connection in
            try await PostgresSchema.migrate(connection, store: location.displayName, logger: logger)
            _ = try await store.settleAbandonedRuns(connection, source: nil)
        }
        return store
    }

    /// Closes the store's idle connections; the store is not used afterwards.
    public func close() async {
        await connections.closeAll()
    }

    /// A lost connection ends the scope with a ``PostgresStoreError`` naming the server; the
    /// server rolls the transaction back, so nothing of the scope is kept (unless the connection
    /// was lost while committing, which the error then says).
    public func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result {
        try await gate.run {
            let connection = try await connections.borrow()
            var committing = false
            do {
                try await begin(connection)
                let result = try await body(PostgresWrites(connection: connection, logger: logger))
                committing = true
                try await connection.execute("COMMIT", logger: logger)
                await connections.giveBack(connection, reusable: true)
                return result
            } catch {
                await rollback(connection)
                if committing, let lost = error as? PSQLError, lost.code != .server {
                    _ = await connections.lost(lost)
                    throw PostgresStoreError.lostConnection(to: location, doing: "commit the write", cause: lost.connectionCause, mayHaveKept: true)
                }
                throw await connections.lost(error, doing: "write")
            }
        }
    }

    /// Opens the transaction and takes the store's write lock, waiting up to the busy timeout.
    private func begin(_ connection: PostgresConnection) async throws {
        let asked = ContinuousClock.now
        try await connection.execute("BEGIN", logger: logger)
        let milliseconds = busyTimeout.components.seconds * 1_000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        try await connection.execute(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(max(1, milliseconds))"), logger: logger)
        do {
            try await connection.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.writeLock))", logger: logger)
        } catch let error as PSQLError where error.sqlState == "55P03" {
            throw StoreBusy(store: location.displayName, waited: busyTimeout)
        }
        let waited = ContinuousClock.now - asked
        if waited > .seconds(1) {
            logger.info("waited for the store's write lock", metadata: ["store": "\(location.displayName)", "seconds": "\(waited.components.seconds)"])
        }
    }

    /// Rolls the scope's transaction back; a connection that cannot (lost, or mid-statement) is
    /// closed instead, which the server rolls back just the same.
    private func rollback(_ connection: PostgresConnection) async {
        do {
            try await connection.execute("ROLLBACK", logger: logger)
            await connections.giveBack(connection, reusable: true)
        } catch {
            await connections.giveBack(connection, reusable: false)
        }
    }

    /// Scans the stored users on a read connection as the server streams them, reading the text
    /// columns as bytes: a million-row roster makes no String.
    public func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex {
        try await connections.with { connection in
            var stored = 0
            for try await count in try await connection.query("SELECT count(*)::int8 FROM users", logger: logger).decode(Int64.self) {
                stored = Int(count)
            }
            var index = RosterIndex(capacity: RosterIndex.capacity(stored: stored, incomingRows: incomingRows))
            guard stored > 0 else { return index }
            let licenses = Catalog.licenses.map { Array($0.utf8) }
            var chunk = StoredUserChunk(capacity: Self.indexChunk)
            let rows = try await connection.query("SELECT email_key, content_hash, extension, license, active FROM users", logger: logger)
            for try await row in rows {
                var cells = row.makeIterator()
                let key = cells.next()!, hash = cells.next()!, ext = cells.next()!, license = cells.next()!, active = cells.next()!
                let user = IndexedUser(
                    emailHash: 0,
                    contentHash: UInt64(bitPattern: try hash.decode(Int64.self)),
                    extensionHash: ext.bytes.map { $0.withUnsafeReadableBytes { ExtensionKey.of(utf8: $0.assumingMemoryBound(to: UInt8.self)) } } ?? 0,
                    license: UInt8(license.bytes.flatMap { bytes in
                        bytes.withUnsafeReadableBytes { raw in licenses.firstIndex { $0.elementsEqual(raw) } }
                    } ?? licenses.count - 1),
                    isActive: try active.decode(Bool.self))
                key.bytes!.withUnsafeReadableBytes { chunk.append(user, emailKey: $0.assumingMemoryBound(to: UInt8.self)) }
                if chunk.count == Self.indexChunk {
                    index.addStored(chunk)
                    chunk.removeAll()
                }
            }
            index.addStored(chunk)
            try Task.checkCancellation()
            return index
        }
    }

    /// Users added to the index at a time.
    private static let indexChunk = 8192

    public func links(job: String) async throws -> [String: String] {
        try await connections.with { connection in
            var links: [String: String] = [:]
            for try await (id, key) in try await connection.query("SELECT external_id, email_key FROM links WHERE job = \(job)", logger: logger)
                .decode((String, String).self) {
                links[id] = key
            }
            return links
        }
    }

    public func jobState(job: String) async throws -> String? {
        try await connections.with { connection in
            var state: String?
            for try await value in try await connection.query("SELECT state FROM job_state WHERE job = \(job)", logger: logger).decode(String.self) {
                state = value
            }
            return state
        }
    }

    public func deactivations(job: String, since: Date) async throws -> Int {
        try await connections.with { connection in
            var total = 0
            for try await sum in try await connection.query(
                "SELECT COALESCE(SUM(deactivated), 0)::int8 FROM runs WHERE kind = 'sync' AND source = \(job) AND started_at >= \(since)",
                logger: logger
            ).decode(Int64.self) {
                total = Int(sum)
            }
            return total
        }
    }

    public func pendingDeactivations(job: String) async throws -> [String: Date] {
        try await connections.with { connection in
            var pending: [String: Date] = [:]
            for try await (key, since) in try await connection.query(
                "SELECT email_key, since FROM pending_deactivations WHERE job = \(job)", logger: logger
            ).decode((String, Date).self) {
                pending[key] = since
            }
            return pending
        }
    }

    public func users(emailKeys: [String]) async throws -> [String: StoredUser] {
        guard !emailKeys.isEmpty else { return [:] }
        return try await connections.with { connection in
            var users: [String: StoredUser] = [:]
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: "\(Self.userColumns) WHERE email_key = ANY($1::text[])", binds: Self.binds(emailKeys)), logger: logger) {
                let user = try Self.storedUser(row)
                users[user.record.emailKey] = user
            }
            return users
        }
    }

    public func emailsHolding(extensions: [String]) async throws -> [String: String] {
        let wanted = extensions.filter { !$0.isEmpty }
        guard !wanted.isEmpty else { return [:] }
        return try await connections.with { connection in
            var holders: [String: String] = [:]
            for try await (ext, email) in try await connection.query(
                "SELECT extension, email FROM users WHERE extension = ANY(\(wanted)::text[])", logger: logger
            ).decode((String, String).self) {
                holders[ext] = email
            }
            return holders
        }
    }

    public func users() async throws -> [StoredUser] {
        try await connections.with { connection in
            var users: [StoredUser] = []
            // Byte order, as SQLite and Swift compare the keys.
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: "\(Self.userColumns) ORDER BY email_key COLLATE \"C\""), logger: logger) {
                users.append(try Self.storedUser(row))
            }
            return users
        }
    }

    public func reportRows(runID: Int64) async throws -> [ReportRow] {
        try await connections.with { connection in
            var rows: [ReportRow] = []
            let decoder = JSONDecoder()
            for try await (row, cells, errors, externalID) in try await connection.query(
                "SELECT row, cells, errors, external_id FROM run_failures WHERE run_id = \(runID) ORDER BY row, id", logger: logger
            ).decode((Int32, String, String, String?).self) {
                rows.append(ReportRow(
                    row: Int(row), cells: try decoder.decode([String].self, from: Data(cells.utf8)),
                    errors: try decoder.decode([String].self, from: Data(errors.utf8)),
                    externalID: try externalID.map { try decoder.decode(String.self, from: Data($0.utf8)) }))
            }
            return rows
        }
    }

    static func binds<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }

    static let userColumns = """
        SELECT id, first_name, last_name, license, extension, email, role, data_center, attributes, active, created_run, updated_run
        FROM users
        """

    /// The user on a row of ``userColumns``.
    static func storedUser(_ row: PostgresRow) throws -> StoredUser {
        let (id, first, last, license, ext, email, role, dataCenter, attributes, active, createdRun, updatedRun) = try row.decode(
            (Int64, String, String, String, String?, String, String, String, String?, Bool, Int64?, Int64?).self)
        let cells = TemplateRow(
            firstName: first, lastName: last, license: license, extension: ext ?? "", email: email, role: role, dataCenter: dataCenter)
        let decoded = try attributes.map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        return StoredUser(id: id, record: UserRecord(row: cells, attributes: decoded, active: active), createdRun: createdRun, updatedRun: updatedRun)
    }
}
