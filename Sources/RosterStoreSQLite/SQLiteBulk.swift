import Foundation
import GRDB
import GRDBSQLite
import RosterCore
import RosterEngine

/// The bulk paths of the SQLite store, binding straight to SQLite's C API: a million-row import
/// spends its time here, and GRDB's `StatementArguments` boxing would cost about a second more.
/// Every function runs inside a GRDB read or write block, on GRDB's own serial queue.
enum SQLiteBulk {
    static let cellSeparator = "\u{1F}"
    static let errorSeparator = "\u{1E}"

    /// SQLite copies bound text before `sqlite3_bind_text` returns (SQLITE_TRANSIENT).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Streams every stored user's index entry and email key to `body`, reading the columns as
    /// bytes: a million-row roster makes no String. The key's hash is computed by the chunk.
    static func scanIndex(_ db: Database, _ body: (IndexedUser, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let statement = try db.makeStatement(sql: "SELECT email_key, content_hash, extension, license, active FROM users")
        let handle = statement.sqliteStatement
        let licenses = Catalog.licenses.map { Array($0.utf8) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw error(db, code) }
            let user = IndexedUser(
                emailHash: 0,
                contentHash: UInt64(bitPattern: sqlite3_column_int64(handle, 1)),
                extensionHash: ExtensionKey.of(utf8: columnBytes(handle, 2)),
                license: UInt8(licenses.firstIndex { $0.elementsEqual(columnBytes(handle, 3)) } ?? licenses.count - 1),
                isActive: sqlite3_column_int64(handle, 4) != 0)
            try body(user, columnBytes(handle, 0))
        }
    }

    /// The UTF-8 bytes of text column `column` of the current row (empty for NULL); valid until the next step.
    private static func columnBytes(_ statement: SQLiteStatement, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let text = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column)))
    }

    static func apply(_ batch: WriteBatch, in db: Database) throws {
        let groupInsert = try db.cachedStatement(sql: SQLiteUserRows.insertSQL(rows: SQLiteUserRows.rowsPerInsert)).sqliteStatement
        let singleInsert = try db.cachedStatement(sql: SQLiteUserRows.insertSQL(rows: 1)).sqliteStatement
        // Parameters as `SQLiteUserRows.columns`, then ?14 = the stored user's email key. A user
        // who keeps their email key is updated without setting it, so its unique index is left alone.
        let update = try db.cachedStatement(sql: """
            UPDATE users SET first_name = ?1, last_name = ?2, license = ?3, extension = ?4, email = ?5, role = ?6,
                             data_center = ?7, attributes = ?8, active = 1, email_hash = ?10, content_hash = ?11,
                             updated_run = ?13
            WHERE email_key = ?14
            """).sqliteStatement
        let rename = try db.cachedStatement(sql: """
            UPDATE users SET first_name = ?1, last_name = ?2, license = ?3, extension = ?4, email = ?5, role = ?6,
                             data_center = ?7, attributes = ?8, active = 1, email_key = ?9, email_hash = ?10, content_hash = ?11,
                             updated_run = ?13
            WHERE email_key = ?14
            """).sqliteStatement
        var rows = SQLiteUserRows()
        // Creates go in groups, but never past an update: an update may free the email or
        // extension that a later create takes.
        var createsStart = batch.writes.startIndex
        for (position, write) in batch.writes.enumerated() {
            guard case .update(let target) = write.kind else { continue }
            try rows.insert(batch.writes[createsStart..<position], runID: batch.runID, groupInsert: groupInsert, singleInsert: singleInsert, in: db)
            createsStart = position + 1
            let newKey = write.record.emailKey
            try rows.update(write, target: target, runID: batch.runID, statement: newKey == target ? update : rename, in: db)
            guard sqlite3_changes(db.sqliteConnection) == 1 else {
                throw DatabaseError(message: "user to update is no longer stored; run the import again")
            }
            if newKey != target {
                try db.execute(sql: "UPDATE links SET email_key = ? WHERE email_key = ?", arguments: [newKey, target])
            }
        }
        try rows.insert(batch.writes[createsStart...], runID: batch.runID, groupInsert: groupInsert, singleInsert: singleInsert, in: db)
        for link in batch.links {
            try db.execute(sql: "INSERT OR REPLACE INTO links (job, external_id, email_key) VALUES (?, ?, ?)",
                           arguments: [link.job, link.externalID, link.emailKey])
        }
        for key in batch.deactivations {
            try db.execute(sql: "UPDATE users SET active = 0, updated_run = ? WHERE email_key = ?", arguments: [batch.runID, key])
        }
        if let state = batch.jobState {
            try db.execute(sql: "INSERT OR REPLACE INTO job_state (job, state) VALUES (?, ?)", arguments: [state.job, state.state])
        }
        if let changes = batch.pendingDeactivations {
            for key in changes.cleared {
                try db.execute(sql: "DELETE FROM pending_deactivations WHERE job = ? AND email_key = ?", arguments: [changes.job, key])
            }
            for (key, since) in changes.flagged {
                try db.execute(sql: "INSERT OR IGNORE INTO pending_deactivations (job, email_key, since) VALUES (?, ?, ?)",
                               arguments: [changes.job, key, since])
            }
        }
        guard let runID = batch.runID, !batch.failures.isEmpty else { return }
        let failure = try db.cachedStatement(sql: "INSERT INTO run_failures (run_id, row, cells, errors, external_id) VALUES (?, ?, ?, ?, ?)").sqliteStatement
        for row in batch.failures {
            sqlite3_reset(failure)
            sqlite3_bind_int64(failure, 1, runID)
            sqlite3_bind_int64(failure, 2, Int64(row.row))
            sqlite3_bind_text(failure, 3, row.cells.joined(separator: cellSeparator), -1, transient)
            sqlite3_bind_text(failure, 4, row.errors.joined(separator: errorSeparator), -1, transient)
            bindOptional(row.externalID, 5, failure)
            try step(failure, db)
        }
    }

    static func split(_ text: String, _ separator: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }

    private static func bindOptional(_ value: String?, _ index: Int32, _ statement: SQLiteStatement) {
        if let value { sqlite3_bind_text(statement, index, value, -1, transient) } else { sqlite3_bind_null(statement, index) }
    }

    static func bindOptional(_ value: Int64?, _ index: Int32, _ statement: SQLiteStatement) {
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    static func step(_ statement: SQLiteStatement, _ db: Database) throws {
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else { throw error(db, code) }
    }

    private static func error(_ db: Database, _ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}

extension JSONEncoder {
    /// Sorted keys, so equal attribute sets always store the same text.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
