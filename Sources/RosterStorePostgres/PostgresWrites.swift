import Foundation
import Logging
import PostgresNIO
import RosterEngine

/// The writes of one ``PostgresUserStore`` write scope: each runs on the scope's connection, inside
/// its open transaction.
struct PostgresWrites: UserStoreWrites {
    let connection: PostgresConnection
    let logger: Logger

    func apply(_ batch: WriteBatch) async throws {
        do {
            try await PostgresBulk.apply(batch, on: connection, logger: logger)
        } catch {
            throw PostgresStoreError.statement(error, doing: "write the batch")
        }
    }

    func finishRun(_ run: RunRecord) async throws {
        try await Self.finishRun(run, on: connection, logger: logger)
    }

    /// Stores the final state of run `run.id`.
    static func finishRun(_ run: RunRecord, on connection: PostgresConnection, logger: Logger) async throws {
        do {
            try await connection.execute("""
                UPDATE runs SET finished_at = \(run.finishedAt), status = \(run.status.rawValue), rows = \(run.rows), created = \(run.created),
                    updated = \(run.updated), unchanged = \(run.unchanged), failed = \(run.failed), deactivated = \(run.deactivated),
                    pulled = \(run.pulled), pending = \(run.pending), report_path = \(run.reportPath), message = \(run.message)
                WHERE id = \(run.id)
                """, logger: logger)
        } catch {
            throw PostgresStoreError.statement(error, doing: "record the end of run \(run.id)")
        }
    }
}
