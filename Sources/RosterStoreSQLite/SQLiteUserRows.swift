import Foundation
import GRDB
import GRDBSQLite
import RosterCore
import RosterEngine

/// Writes users with the fewest possible copies: the text of a group of rows is packed into
/// one reused byte buffer and bound with `SQLITE_STATIC`, and new users go in `rowsPerInsert`
/// at a time through one multi-row `INSERT`.
///
/// Binding a Swift `String` directly would make a C string (an allocation for every short
/// string) and then let SQLite copy it again (`SQLITE_TRANSIENT`); one statement step per
/// row would pay SQLite's per-statement setup a million times on a million-row import.
struct SQLiteUserRows {
    /// Rows per multi-row `INSERT`; 13 parameters each stays far below SQLite's parameter limit.
    static let rowsPerInsert = 64
    /// Parameters bound per user, in `columns` order.
    static let parametersPerUser = 13
    static let columns = """
        first_name, last_name, license, extension, email, role, data_center, attributes,
        email_key, email_hash, content_hash, created_run, updated_run
        """

    /// The text cells of the packed users, each a (start, count) span in `bytes`; count -1 binds NULL.
    private var bytes: [UInt8] = []
    private var spans: [(start: Int, count: Int)] = []

    init() {
        bytes.reserveCapacity(Self.rowsPerInsert * 128)
        spans.reserveCapacity(Self.rowsPerInsert * 8)
    }

    /// `INSERT` of `rows` users at once.
    static func insertSQL(rows: Int) -> String {
        let values = "(" + Array(repeating: "?", count: parametersPerUser).joined(separator: ",") + ")"
        return "INSERT INTO users (\(columns)) VALUES " + Array(repeating: values, count: rows).joined(separator: ",")
    }

    /// Inserts `writes` (all creates): full groups through `groupInsert`, the rest one by one through `singleInsert`.
    mutating func insert(
        _ writes: ArraySlice<UserWrite>, runID: Int64?, groupInsert: SQLiteStatement, singleInsert: SQLiteStatement,
        in db: Database
    ) throws {
        var start = writes.startIndex
        while start < writes.endIndex {
            let count = writes.endIndex - start >= Self.rowsPerInsert ? Self.rowsPerInsert : 1
            let statement = count == Self.rowsPerInsert ? groupInsert : singleInsert
            let group = writes[start..<start + count]
            try pack(group)
            try bindAndStep(statement, users: group, runID: runID, in: db, extra: { _ in })
            start += count
        }
    }

    /// Runs `update` (parameters as `columns`, then ?14 = the stored user's email key) for one write.
    mutating func update(_ write: UserWrite, target: String, runID: Int64?, statement: SQLiteStatement, in db: Database) throws {
        let group = [write][...]
        try pack(group)
        try bindAndStep(statement, users: group, runID: runID, in: db) { statement in
            sqlite3_bind_text(statement, 14, target, -1, SQLiteBulk.transient)
        }
    }

    private mutating func pack(_ writes: ArraySlice<UserWrite>) throws {
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        for write in writes {
            let row = write.record.row
            for column in TemplateColumn.allCases {
                if column == .extension, row.extension.isEmpty {
                    spans.append((0, -1))
                } else {
                    append(row[column])
                }
            }
            if write.record.attributes.isEmpty {
                spans.append((0, -1))
            } else {
                let json = try JSONEncoder.sortedKeys.encode(write.record.attributes)
                spans.append((bytes.count, json.count))
                bytes.append(contentsOf: json)
            }
            let keyStart = bytes.count
            var email = row.email
            email.withUTF8 { EmailKey.appendKey(of: $0, to: &bytes) }
            spans.append((keyStart, bytes.count - keyStart))
        }
    }

    private mutating func append(_ text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        spans.append((start, bytes.count - start))
    }

    /// Binds every packed user and steps once; the buffer is pinned for the whole step, as
    /// `SQLITE_STATIC` requires.
    private func bindAndStep(
        _ statement: SQLiteStatement, users: ArraySlice<UserWrite>, runID: Int64?, in db: Database,
        extra: (SQLiteStatement) -> Void
    ) throws {
        sqlite3_reset(statement)
        try bytes.withUnsafeBufferPointer { buffer in
            // Never nil: `init` reserved capacity, and SQLite reads no byte of an empty cell.
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var span = 0
            for (offset, write) in users.enumerated() {
                let first = Int32(offset * Self.parametersPerUser)
                for parameter in first + 1...first + 9 {
                    let (start, count) = spans[span]
                    span += 1
                    if count < 0 {
                        sqlite3_bind_null(statement, parameter)
                    } else {
                        sqlite3_bind_text(statement, parameter, base + start, Int32(count), nil)
                    }
                }
                sqlite3_bind_int64(statement, first + 10, Int64(bitPattern: write.emailHash))
                sqlite3_bind_int64(statement, first + 11, Int64(bitPattern: write.contentHash))
                SQLiteBulk.bindOptional(runID, first + 12, statement)
                SQLiteBulk.bindOptional(runID, first + 13, statement)
            }
            extra(statement)
            try SQLiteBulk.step(statement, db)
        }
    }
}
