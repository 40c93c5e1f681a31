import Foundation
import PostgresNIO
public import RosterEngine

extension PostgresUserStore {
    /// Streams the users `query` selects from a read connection, in its order, handing each one to `body` as the server sends it: memory stays constant however
    /// large the roster.
    public func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws {
        var remaining = query.limit ?? Int.max
        guard remaining > 0 else { return }
        let searches = query.filtersUsers
        var (sql, binds) = Self.selection(query, columns: Self.userColumns)
        sql += query.order == .stored ? " ORDER BY id" : " ORDER BY email_key"
        if let limit = query.limit, !searches {
            binds.append(Int64(limit))
            sql += " LIMIT $\(binds.count)"
        }
        let connection = try await connections.borrow()
        do {
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                let user = try Self.storedUser(row)
                if searches, !query.matches(user) { continue }
                try body(user)
                remaining -= 1
                if remaining == 0 { break }
            }
        } catch {
            // The stream may have been left mid-way: this connection is not reused.
            await connections.giveBack(connection, reusable: false)
            throw error
        }
        await connections.giveBack(connection, reusable: remaining > 0)
    }

    /// The attribute names of the selected users, from the server's JSON functions without
    /// building a single user; a search (matched in Swift) reads the users instead.
    public func attributeNames(_ query: UserQuery) async throws -> [String] {
        guard (query.search ?? "").isEmpty, query.limit == nil else {
            var names = Set<String>()
            try await forEachUser(query) { user in names.formUnion(user.record.attributes.keys) }
            return names.sorted()
        }
        var (sql, binds) = Self.selection(query, columns: "SELECT attributes FROM users")
        sql = "SELECT DISTINCT jsonb_object_keys(selected.attributes::jsonb) FROM (\(sql)) AS selected WHERE selected.attributes IS NOT NULL"
        let names = try await connections.with { connection in
            var names: [String] = []
            for try await name in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(String.self) {
                names.append(name)
            }
            return names
        }
        return names.sorted()
    }

    /// How many users `query` selects: the server's count unless a filter needs each user read.
    public func countUsers(_ query: UserQuery) async throws -> Int {
        guard !query.filtersUsers else { return try await countByReading(query) }
        let (sql, binds) = Self.selection(query.unlimited, columns: "SELECT COUNT(*) FROM users")
        return try await connections.with { connection in
            var count = 0
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(Int64.self) {
                count = Int(value)
            }
            return count
        }
    }

    /// The jobs linked to each of these users, from the links' index on email keys.
    public func linkedJobs(emailKeys: [String]) async throws -> [String: [String]] {
        guard !emailKeys.isEmpty else { return [:] }
        var binds = PostgresBindings()
        binds.append(emailKeys)
        let sql = "SELECT DISTINCT email_key, job FROM links WHERE email_key = ANY($1) ORDER BY job"
        return try await connections.with { connection in
            var jobs: [String: [String]] = [:]
            for try await (key, job) in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode((String, String).self) {
                jobs[key, default: []].append(job)
            }
            return jobs
        }
    }

    /// `columns` (a `SELECT … FROM users`) with the active and job filters and the cursor of `query`.
    private static func selection(_ query: UserQuery, columns: String) -> (String, PostgresBindings) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        if case .emailKey(let after?) = query.order {
            binds.append(after)
            conditions.append("email_key > $\(binds.count)")
        }
        if let active = query.active {
            binds.append(active)
            conditions.append("active = $\(binds.count)")
        }
        if let job = query.job {
            binds.append(job)
            conditions.append("email_key IN (SELECT email_key FROM links WHERE job = $\(binds.count))")
        }
        return (columns + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")), binds)
    }
}
