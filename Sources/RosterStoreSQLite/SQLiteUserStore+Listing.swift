import Foundation
import GRDB
public import RosterCore
public import RosterEngine

extension SQLiteUserStore {
    /// Steps a cursor over the users `query` selects on a reader connection, handing each one to
    /// `body` as it is read: memory stays constant however large the roster.
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
            conditions.append("email_hash IN (SELECT email_hash FROM links WHERE job = ?)")
            _ = arguments.append(contentsOf: [job])
        }
        return (conditions, arguments)
    }

    /// The synchronous read behind ``forEachUser(_:_:)``: `body` is neither escaping nor
    /// `Sendable`, so the cursor is stepped on the calling thread.
    private func listUsers(_ query: UserQuery, _ body: (StoredUser) throws -> Void) throws {
        var (conditions, arguments) = Self.conditions(query)
        // The search runs in Swift (UserQuery.matches), so every store folds case the same way;
        // the limit then counts matches, not rows read.
        let searches = !(query.search ?? "").isEmpty
        var sql = """
            SELECT first_name, last_name, license, extension, email, role, data_center, attributes, active,
                   id, created_run, updated_run
            FROM users
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY email COLLATE NOCASE"
        if let limit = query.limit, !searches {
            sql += " LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
        }
        var remaining = query.limit ?? Int.max
        guard remaining > 0 else { return }
        try database.read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let user = Self.listedUser(row)
                if searches, !query.matches(user) { continue }
                try body(user)
                remaining -= 1
                if remaining == 0 { return }
            }
        }
    }

    /// A user from a listing row (columns by position, in the order of the listing's SELECT).
    private static func listedUser(_ row: Row) -> StoredUser {
        let cells = TemplateRow(
            firstName: row[0], lastName: row[1], license: row[2], extension: row[3] ?? "", email: row[4], role: row[5], dataCenter: row[6])
        let attributes = (row[7] as String?).map(StoredAttributes.decode) ?? [:]
        return StoredUser(id: row[9], record: UserRecord(row: cells, attributes: attributes, active: row[8]), createdRun: row[10], updatedRun: row[11])
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
