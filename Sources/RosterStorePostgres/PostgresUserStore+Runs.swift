import Foundation
public import RosterEngine
import Logging
import PostgresNIO
import Synchronization

/// Run records: short transactions of their own, outside any write scope. One running sync per
/// job and one run per scheduled time hold through unique indexes, across every instance.
extension PostgresUserStore {
    /// Settles as failed every running run (of `source`, or of any source) that ``RunLease``
    /// finds abandoned: its lease expired, or its process on this host is gone. Its writes were one
    /// transaction, so the server already rolled them back.
    func settleAbandonedRuns(_ connection: PostgresConnection, source: String?) async throws -> [RunRecord] {
        try await recordUnrecordedEnds(connection)
        var running: [RunRecord] = []
        for try await row in try await connection.query(
            "\(unescaped: Self.runColumns) WHERE status = 'running' AND (\(source)::text IS NULL OR source = \(source)) ORDER BY id", logger: logger) {
            running.append(try Self.runRecord(row))
        }
        let now = clock.now()
        var settled: [RunRecord] = []
        for var run in running {
            guard let message = lease.abandonment(of: run, now: now) else { continue }
            logger.warning("settling a run whose instance stopped", metadata: ["run": "\(run.id)", "instance": "\(run.instance ?? "unknown")"])
            try await connection.execute(
                "UPDATE runs SET status = 'failed', message = \(message), finished_at = \(now) WHERE id = \(run.id) AND status = 'running'",
                logger: logger)
            run.status = .failed
            run.message = message
            run.finishedAt = now
            settled.append(run)
        }
        return settled
    }

    public func settleAbandonedRuns() async throws -> [RunRecord] {
        try await gate.run {
            try await connections.with { connection in try await settleAbandonedRuns(connection, source: nil) }
        }
    }

    /// A renewal is one small update of the run's own row: it needs neither the write turn nor
    /// the advisory lock, so a long write scope of this process never holds it back.
    public func renewLease(runID: Int64) async throws {
        try await connections.with { connection in
            try await connection.execute(
                "UPDATE runs SET heartbeat_at = \(clock.now()) WHERE id = \(runID) AND status = 'running'", logger: logger)
        }
    }

    public func beginRun(_ run: RunRecord) async throws -> Int64 {
        try await gate.run {
            try await connections.with { connection in
                if let slot = run.scheduledFor {
                    for try await taken in try await connection.query(
                        "SELECT EXISTS (SELECT 1 FROM runs WHERE source = \(run.source) AND scheduled_for = \(slot))", logger: logger
                    ).decode(Bool.self) where taken {
                        throw ScheduledRunTaken(job: run.source, scheduledFor: slot)
                    }
                }
                _ = try await settleAbandonedRuns(connection, source: run.source)
                let columns = try run.reportColumns.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
                let instance = run.instance ?? RunInstance.current.description
                do {
                    var id: Int64 = 0
                    for try await value in try await connection.query("""
                        INSERT INTO runs (kind, source, trigger, started_at, status, report_columns, instance, heartbeat_at, scheduled_for)
                        VALUES (\(run.kind), \(run.source), \(run.trigger.rawValue), \(run.startedAt), \(run.status.rawValue), \(columns),
                                \(instance), \(clock.now()), \(run.scheduledFor))
                        RETURNING id
                        """, logger: logger).decode(Int64.self) {
                        id = value
                    }
                    return id
                } catch let error as PSQLError where error.sqlState == "23505" {
                    switch error.serverInfo?[.constraintName] {
                    case "runs_scheduled_slot":
                        // Another instance took the same time between the check above and this insert.
                        throw ScheduledRunTaken(job: run.source, scheduledFor: run.scheduledFor ?? run.startedAt)
                    case "runs_one_running_sync":
                        for try await (id, startedAt) in try await connection.query(
                            "SELECT id, started_at FROM runs WHERE kind = 'sync' AND source = \(run.source) AND status = 'running'", logger: logger
                        ).decode((Int64, Date).self) {
                            throw RunConflict(job: run.source, runningRun: id, startedAt: startedAt)
                        }
                        throw error
                    default:
                        throw error
                    }
                }
            }
        }
    }

    /// An end that cannot be recorded because the server is out of reach is kept, and recorded by
    /// this store's next ``settleAbandonedRuns()`` or ``beginRun(_:)`` that reaches the server: the
    /// run does not stay running (which this instance would never settle as abandoned).
    public func finishRun(_ run: RunRecord) async throws {
        try await gate.run {
            do {
                try await connections.with { connection in try await PostgresWrites.finishRun(run, on: connection, logger: logger) }
                _ = unrecordedEnds.withLock { $0.removeValue(forKey: run.id) }
            } catch let error as PostgresStoreError where error.serverOutOfReach {
                unrecordedEnds.withLock { $0[run.id] = run }
                logger.warning("the end of the run is recorded when the store is back", metadata: ["run": "\(run.id)", "status": "\(run.status.rawValue)"])
                throw error
            }
        }
    }

    /// Records the ends that ``finishRun(_:)`` could not, on runs still running.
    private func recordUnrecordedEnds(_ connection: PostgresConnection) async throws {
        for run in unrecordedEnds.withLock({ $0.values.sorted { $0.id < $1.id } }) {
            var running = false
            for try await status in try await connection.query("SELECT status FROM runs WHERE id = \(run.id)", logger: logger).decode(String.self) {
                running = status == RunStatus.running.rawValue
            }
            if running {
                try await PostgresWrites.finishRun(run, on: connection, logger: logger)
                logger.info("recorded the end of a run after the store was back", metadata: ["run": "\(run.id)", "status": "\(run.status.rawValue)"])
            }
            _ = unrecordedEnds.withLock { $0.removeValue(forKey: run.id) }
        }
    }

    public func runs(limit: Int) async throws -> [RunRecord] {
        try await connections.with { connection in
            var runs: [RunRecord] = []
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: "\(Self.runColumns) ORDER BY id DESC LIMIT $1", binds: Self.binds(Int64(limit))), logger: logger) {
                runs.append(try Self.runRecord(row))
            }
            return runs
        }
    }

    public func run(id: Int64) async throws -> RunRecord? {
        try await connections.with { connection in
            var found: RunRecord?
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: "\(Self.runColumns) WHERE id = $1", binds: Self.binds(id)), logger: logger) {
                found = try Self.runRecord(row)
            }
            return found
        }
    }

    static let runColumns = """
        SELECT id, kind, source, trigger, started_at, finished_at, status, rows, created, updated, unchanged, failed, deactivated,
               pulled, pending, report_path, report_columns, message, instance, heartbeat_at, scheduled_for
        FROM runs
        """

    static func runRecord(_ row: PostgresRow) throws -> RunRecord {
        let r = try row.decode(
            (Int64, String, String, String, Date, Date?, String, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, String?, String?, String?,
             String?, Date?, Date?).self)
        var run = RunRecord(
            id: r.0, kind: r.1, source: r.2, trigger: RunTrigger(rawValue: r.3) ?? .manual, startedAt: r.4, status: RunStatus(rawValue: r.6) ?? .failed)
        run.finishedAt = r.5
        (run.rows, run.created, run.updated, run.unchanged) = (Int(r.7), Int(r.8), Int(r.9), Int(r.10))
        (run.failed, run.deactivated, run.pulled, run.pending) = (Int(r.11), Int(r.12), Int(r.13), Int(r.14))
        run.reportPath = r.15
        run.reportColumns = try r.16.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        run.message = r.17
        (run.instance, run.heartbeatAt, run.scheduledFor) = (r.18, r.19, r.20)
        return run
    }
}
