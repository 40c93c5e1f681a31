public import Foundation
import Logging
import PostgresNIO
public import RosterEngine

/// Everything a store holds, as `rostersync migrate` copies it from one store into another.
public struct StoreCopy: Sendable {
    /// Users with their ids and the runs that created and last updated them.
    public var users: [StoredUser] = []
    /// Runs with their ids, in any order.
    public var runs: [RunRecord] = []
    /// Failed rows by run id.
    public var failures: [Int64: [ReportRow]] = [:]
    /// Links by job: external id → email key.
    public var links: [String: [String: String]] = [:]
    /// Incremental cursors by job.
    public var jobStates: [String: String] = [:]
    /// Users pending deactivation by job: email key → first found missing.
    public var pendingDeactivations: [String: [String: Date]] = [:]

    public init() {}
}

extension PostgresUserStore {
    /// Whether the store holds no user and no run.
    public func isEmpty() async throws -> Bool {
        try await connections.with { connection in try await isEmpty(on: connection) }
    }

    /// Writes `copy` into this store in one write scope, keeping every id, so that run numbers and
    /// users' created and updated runs read as before.
    /// - Parameter replacing: empty the store first; without it a store holding users or runs is refused.
    /// - Throws: ``PostgresStoreError`` for a store that is not empty, or a refused row (then nothing is written).
    public func load(_ copy: StoreCopy, replacing: Bool) async throws {
        try await write { writes in
            guard let scope = writes as? PostgresWrites else { preconditionFailure("a PostgreSQL store's writes") }
            let connection = scope.connection
            if replacing {
                try await connection.execute(
                    "TRUNCATE users, runs, run_failures, links, job_state, pending_deactivations RESTART IDENTITY", logger: logger)
            } else if try await !isEmpty(on: connection) {
                throw PostgresStoreError(
                    "the store \(location.displayName) already holds users or runs; copy into an empty database, "
                        + "or add --replace to empty this one first")
            }
            try await loadRuns(copy, on: connection)
            try await loadUsers(copy.users, on: connection)
            var batch = WriteBatch(runID: nil)
            batch.links = copy.links.flatMap { job, links in links.map { LinkWrite(job: job, externalID: $0.key, emailKey: $0.value) } }
            try await scope.apply(batch)
            for (job, state) in copy.jobStates {
                var batch = WriteBatch(runID: nil)
                batch.jobState = (job, state)
                try await scope.apply(batch)
            }
            for (job, pending) in copy.pendingDeactivations where !pending.isEmpty {
                var batch = WriteBatch(runID: nil)
                batch.pendingDeactivations = PendingDeactivationChanges(job: job, flagged: pending)
                try await scope.apply(batch)
            }
            for table in ["users", "runs"] {
                try await connection.execute(PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)
                    """), logger: logger)
            }
        }
    }

    private func isEmpty(on connection: PostgresConnection) async throws -> Bool {
        var empty = true
        for try await found in try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM runs)", logger: logger
        ).decode(Bool.self) {
            empty = !found
        }
        return empty
    }

    private func loadRuns(_ copy: StoreCopy, on connection: PostgresConnection) async throws {
        let encoder = JSONEncoder()
        for run in copy.runs.sorted(by: { $0.id < $1.id }) {
            let columns = try run.reportColumns.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            try await connection.execute("""
                INSERT INTO runs (id, kind, source, trigger, started_at, status, report_columns, instance, heartbeat_at, scheduled_for)
                VALUES (\(run.id), \(run.kind), \(run.source), \(run.trigger.rawValue), \(run.startedAt), \(run.status.rawValue), \(columns),
                        \(run.instance), \(run.heartbeatAt), \(run.scheduledFor))
                """, logger: logger)
            try await PostgresWrites.finishRun(run, on: connection, logger: logger)
            if let failures = copy.failures[run.id], !failures.isEmpty {
                try await PostgresWrites(connection: connection, logger: logger).apply(WriteBatch(runID: run.id, failures: failures))
            }
        }
    }

    /// Users in id order, in groups, each with its id, runs and active flag.
    private func loadUsers(_ users: [StoredUser], on connection: PostgresConnection) async throws {
        let ordered = users.sorted { $0.id < $1.id }
        for start in stride(from: 0, to: ordered.count, by: 10_000) {
            try await PostgresBulk.insertCopies(ordered[start..<min(start + 10_000, ordered.count)], on: connection, logger: logger)
        }
    }
}
