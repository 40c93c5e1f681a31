import Foundation
import GRDB
import GRDBSQLite
public import RosterCore
public import RosterEngine

extension SQLiteUserStore {
    /// Steps over the users `query` selects on a reader connection, in its order, handing each
    /// one to `body` as it is read: memory stays constant however large the roster.
    public func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws {
        try listUsers(query, body)
    }

    /// How many users `query` selects: SQL's count unless a filter needs each user read.
    public func countUsers(_ query: UserQuery) async throws -> Int {
        guard !query.filtersUsers else { return try await countByReading(query) }
        let (conditions, arguments) = Self.conditions(query.unlimited)
        let sql = "SELECT COUNT(*) FROM users" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        return try await database.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The jobs linked to each of these users, from the links' index on email keys.
    public func linkedJobs(emailKeys: [String]) async throws -> [String: [String]] {
        guard !emailKeys.isEmpty else { return [:] }
        return try await database.read { db in
            var jobs: [String: [String]] = [:]
            // One statement per chunk keeps under SQLite's limit of bound parameters.
            for chunk in stride(from: 0, to: emailKeys.count, by: 500).map({ emailKeys[$0..<min($0 + 500, emailKeys.count)] }) {
                let sql = "SELECT DISTINCT email_key, job FROM links WHERE email_key IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ","))) ORDER BY job"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(Array(chunk))) {
                    jobs[row[0] as String, default: []].append(row[1])
                }
            }
            return jobs
        }
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

    /// SQL conditions (and their arguments) for the active and job filters and the cursor of `query`.
    private static func conditions(_ query: UserQuery) -> ([String], StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if case .emailKey(let after?) = query.order {
            conditions.append("email_key > ?")
            _ = arguments.append(contentsOf: [after])
        }
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
        let searches = query.filtersUsers
        var sql = """
            SELECT first_name, last_name, license, extension, email, role, data_center, attributes, active,
                   id, created_run, updated_run
            FROM users
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        // Rowid order is a plain scan of the table: no sort of a million rows (about half the
        // cost of a listing) and no temporary files; email-key order walks its unique index.
        sql += query.order == .stored ? " ORDER BY id" : " ORDER BY email_key"
        if let limit = query.limit, !searches {
            sql += " LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
        }
        var remaining = query.limit ?? Int.max
        guard remaining > 0 else { return }
        try database.read { db in
            // Cached per reader connection: a page of the console is one short read, where preparing
            // the statement would cost as much as stepping it. Reset at the end, so a listing left
            // early keeps no read snapshot open.
            let statement = try db.cachedStatement(sql: sql)
            try statement.setArguments(arguments)
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
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
