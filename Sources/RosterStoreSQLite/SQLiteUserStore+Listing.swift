import Foundation
import GRDB
import GRDBSQLite
public import RosterCore
public import RosterEngine

extension SQLiteUserStore {
    /// Steps over the users `query` selects on a reader connection, in the order they were first
    /// stored, handing each one to `body` as it is read: memory stays constant however large the
    /// roster.
    public func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws {
        try listUsers(query, body)
    }

    /// The attribute names of the selected users, from SQLite's JSON functions without building
    /// a single user; a search (matched in Swift) reads the users instead.
    public func attributeNames(_ query: UserQuery) async throws -> [String] {
        guard (query.search ?? "").isEmpty, query.limit == nil else {
            var names = Set<String>()
            try await forEachUser(query) { user in names.formUnion(user.record.attributes.keys) }
            return names.sorted()
        }
        let (conditions, arguments) = Self.conditions(query)
        let sql = "SELECT DISTINCT attribute.key FROM users, json_each(users.attributes) AS attribute WHERE users.attributes IS NOT NULL"
            + conditions.map { " AND " + $0 }.joined() + " ORDER BY 1"
        return try await database.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
    }

    /// SQL conditions (and their arguments) for the active and job filters of `query`.
    private static func conditions(_ query: UserQuery) -> ([String], StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let active = query.active {
            conditions.append("active = ?")
            _ = arguments.append(contentsOf: [active])
        }
        if let job = query.job {
            conditions.append("email_key IN (SELECT email_key FROM links WHERE job = ?)")
            _ = arguments.append(contentsOf: [job])
        }
        return (conditions, arguments)
    }

    /// The synchronous read behind ``forEachUser(_:_:)``: `body` is neither escaping nor
    /// `Sendable`, so the statement is stepped on the calling thread, its columns read straight
    /// as bytes (no per-column decoding through `Row`).
    private func listUsers(_ query: UserQuery, _ body: (StoredUser) throws -> Void) throws {
        var (conditions, arguments) = Self.conditions(query)
        // The search runs in Swift (UserQuery.matches), so every store folds case the same way;
        // the limit then counts matches, not rows read.
        let searches = !(query.search ?? "").isEmpty
        // Rowid order is a plain scan of the table: no sort of a million rows (about half the
        // cost of a listing) and no temporary files.
        var sql = """
            SELECT first_name, last_name, license, extension, email, role, data_center, attributes, active,
                   id, created_run, updated_run
            FROM users
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY id"
        if let limit = query.limit, !searches {
            sql += " LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
        }
        var remaining = query.limit ?? Int.max
        guard remaining > 0 else { return }
        try database.read { db in
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(arguments)
            let handle = statement.sqliteStatement
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let user = Self.listedUser(handle)
                if searches, !query.matches(user) { continue }
                try body(user)
                remaining -= 1
                if remaining == 0 { return }
            }
        }
    }

    /// The user on the current row of a listing statement (columns in the order of its SELECT).
    private static func listedUser(_ handle: SQLiteStatement) -> StoredUser {
        func text(_ column: Int32) -> String {
            guard let bytes = sqlite3_column_text(handle, column) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
        }
        func run(_ column: Int32) -> Int64? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
        }
        let cells = TemplateRow(
            firstName: text(0), lastName: text(1), license: text(2), extension: text(3), email: text(4), role: text(5), dataCenter: text(6))
        let attributes = sqlite3_column_type(handle, 7) == SQLITE_NULL ? [:] : StoredAttributes.decode(text(7))
        return StoredUser(
            id: sqlite3_column_int64(handle, 9), record: UserRecord(row: cells, attributes: attributes, active: sqlite3_column_int64(handle, 8) != 0),
            createdRun: run(10), updatedRun: run(11))
    }
}

/// The `attributes` column: a flat JSON object of strings, as the store writes it.
enum StoredAttributes {
    /// The attributes of `text`, read with the byte scanner (a `JSONDecoder` per row would
    /// dominate the cost of a large listing); anything else goes through `JSONDecoder`.
    static func decode(_ text: String) -> [String: String] {
        var text = text
        if let map = text.withUTF8({ flatObject(UnsafeRawBufferPointer($0)) }) { return map }
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    /// A flat object of string members, or `nil` for any other shape.
    private static func flatObject(_ bytes: UnsafeRawBufferPointer) -> [String: String]? {
        var scanner = JSONScanner(bytes)
        var map: [String: String] = [:]
        do throws(JSONSyntaxError) {
            scanner.skipWhitespace()
            guard scanner.current == UInt8(ascii: "{") else { return nil }
            var more = try scanner.openContainer(depth: 0, close: UInt8(ascii: "}"))
            while more {
                let key = try scanner.scanKey()
                guard scanner.current == UInt8(ascii: "\"") else { return nil }
                let value = try scanner.scanString()
                map[scanner.string(key)] = scanner.string(value)
                more = try scanner.nextMember(close: UInt8(ascii: "}"))
            }
            return map
        } catch {
            return nil
        }
    }
}
