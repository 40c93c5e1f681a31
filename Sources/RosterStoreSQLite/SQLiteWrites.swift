import GRDB
import RosterEngine

/// The writes of one ``SQLiteUserStore`` write scope: each runs on the writer connection inside
/// the scope's open transaction.
struct SQLiteWrites: UserStoreWrites {
    let database: any DatabaseWriter

    func apply(_ batch: WriteBatch) async throws {
        try await database.writeWithoutTransaction { db in try SQLiteBulk.apply(batch, in: db) }
    }

    func finishRun(_ run: RunRecord) async throws {
        try await database.writeWithoutTransaction { db in try Self.finishRun(run, in: db) }
    }

    /// Stores the final state of run `run.id`.
    static func finishRun(_ run: RunRecord, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE runs SET finished_at = ?, status = ?, rows = ?, created = ?, updated = ?, unchanged = ?,
                    failed = ?, deactivated = ?, pulled = ?, pending = ?, report_path = ?, message = ?
                WHERE id = ?
                """,
            arguments: [
                run.finishedAt, run.status.rawValue, run.rows, run.created, run.updated, run.unchanged,
                run.failed, run.deactivated, run.pulled, run.pending, run.reportPath, run.message, run.id,
            ])
    }
}
