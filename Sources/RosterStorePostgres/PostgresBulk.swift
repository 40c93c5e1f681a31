import Foundation
import Logging
import PostgresNIO
import RosterCore
import RosterEngine

/// The writes of one batch on the write scope's connection, set-based so that a batch costs a
/// handful of round trips however many rows it holds: each run of consecutive creates is one
/// `COPY users FROM STDIN` (``PostgresCopyRows``), each run of consecutive updates one `UPDATE …
/// FROM unnest(arrays)`. Batch order is kept: creates never pass an update, which may free the
/// email or extension a later create takes.
enum PostgresBulk {
    /// The text columns bound as arrays, in this order, then `email_hash` and `content_hash`.
    private static let userArrays = """
        unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
               $10::int8[], $11::int8[]
        """

    /// Replaces the users whose email key is in $13 (one per row); $12 the run. Links follow a
    /// renamed user. Answers the number of users replaced.
    private static let updateUsers = """
        WITH v AS (SELECT * FROM \(userArrays), $13::text[]) AS v(f, l, li, x, e, r, d, a, k, h, c, t)),
        replaced AS (
            UPDATE users AS u SET first_name = v.f, last_name = v.l, license = v.li, extension = NULLIF(v.x, ''), email = v.e,
                role = v.r, data_center = v.d, attributes = NULLIF(v.a, ''), active = true, email_key = v.k, email_hash = v.h,
                content_hash = v.c, updated_run = $12::int8
            FROM v WHERE u.email_key = v.t
            RETURNING v.t, v.k),
        moved AS (
            UPDATE links SET email_key = replaced.k FROM replaced
            WHERE links.email_key = replaced.t AND replaced.t <> replaced.k)
        SELECT count(*)::int8 FROM replaced
        """

    static func apply(_ batch: WriteBatch, on connection: PostgresConnection, logger: Logger) async throws {
        let writes = batch.writes
        var start = writes.startIndex
        while start < writes.endIndex {
            let creates = Self.isCreate(writes[start])
            var end = start + 1
            while end < writes.endIndex, Self.isCreate(writes[end]) == creates { end += 1 }
            if creates {
                try await insert(writes[start..<end], runID: batch.runID, on: connection, logger: logger)
            } else {
                try await update(writes[start..<end], runID: batch.runID, on: connection, logger: logger)
            }
            start = end
        }
        if !batch.links.isEmpty {
            // One row per (job, external id), the last one winning, as a replace in batch order would.
            var last: [String: [String: String]] = [:]
            var order: [(String, String)] = []
            for link in batch.links {
                if last[link.job]?[link.externalID] == nil { order.append((link.job, link.externalID)) }
                last[link.job, default: [:]][link.externalID] = link.emailKey
            }
            try await run("""
                INSERT INTO links (job, external_id, email_key) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                ON CONFLICT (job, external_id) DO UPDATE SET email_key = EXCLUDED.email_key
                """, [order.map(\.0), order.map(\.1), order.map { last[$0.0]![$0.1]! }], on: connection, logger: logger)
        }
        if !batch.deactivations.isEmpty {
            var binds = PostgresBindings()
            binds.append(batch.deactivations)
            binds.append(batch.runID)
            try await connection.execute(
                PostgresQuery(unsafeSQL: "UPDATE users SET active = false, updated_run = $2::int8 WHERE email_key = ANY($1::text[])", binds: binds),
                logger: logger)
        }
        if let state = batch.jobState {
            try await connection.execute("""
                INSERT INTO job_state (job, state) VALUES (\(state.job), \(state.state))
                ON CONFLICT (job) DO UPDATE SET state = EXCLUDED.state
                """, logger: logger)
        }
        if let changes = batch.pendingDeactivations {
            if !changes.cleared.isEmpty {
                try await connection.execute(
                    "DELETE FROM pending_deactivations WHERE job = \(changes.job) AND email_key = ANY(\(changes.cleared)::text[])", logger: logger)
            }
            if !changes.flagged.isEmpty {
                let flagged = changes.flagged.sorted { $0.key < $1.key }
                try await connection.execute("""
                    INSERT INTO pending_deactivations (job, email_key, since)
                    SELECT \(changes.job), k, s FROM unnest(\(flagged.map(\.key))::text[], \(flagged.map(\.value))::timestamptz[]) AS v(k, s)
                    ON CONFLICT (job, email_key) DO NOTHING
                    """, logger: logger)
            }
        }
        if let runID = batch.runID, !batch.failures.isEmpty {
            try await insertFailures(batch.failures, runID: runID, on: connection, logger: logger)
        }
    }

    /// Inserts copies of stored users with their ids, runs and active flags (`rostersync migrate`).
    static func insertCopies(_ users: ArraySlice<StoredUser>, on connection: PostgresConnection, logger: Logger) async throws {
        var binds = try userBindings(users.map { UserWrite.create($0.record) }[...])
        binds.append(users.map(\.id))
        binds.append(users.map { $0.createdRun ?? -1 })
        binds.append(users.map { $0.updatedRun ?? -1 })
        binds.append(users.map(\.record.active))
        try await connection.execute(PostgresQuery(unsafeSQL: """
            INSERT INTO users (id, first_name, last_name, license, extension, email, role, data_center, attributes,
                               email_key, email_hash, content_hash, created_run, updated_run, active)
            SELECT id, f, l, li, NULLIF(x, ''), e, r, d, NULLIF(a, ''), k, h, c, NULLIF(cr, -1), NULLIF(ur, -1), act
            FROM \(userArrays), $12::int8[], $13::int8[], $14::int8[], $15::bool[]) AS v(f, l, li, x, e, r, d, a, k, h, c, id, cr, ur, act)
            """, binds: binds), logger: logger)
    }

    private static func isCreate(_ write: UserWrite) -> Bool {
        if case .create = write.kind { return true }
        return false
    }

    /// New users, streamed in COPY's text format; ids follow batch order.
    private static func insert(_ writes: ArraySlice<UserWrite>, runID: Int64?, on connection: PostgresConnection, logger: Logger) async throws {
        // As `execute`: postgres-nio never answers a COPY written to a closed connection.
        guard !connection.isClosed else { throw PostgresStoreError.closedConnection }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await connection.copyFrom(table: "users", columns: PostgresCopyRows.userColumns, logger: logger) { writer in
            var rows = PostgresCopyRows()
            for write in writes {
                let attributes = write.record.attributes.isEmpty ? nil : String(decoding: try encoder.encode(write.record.attributes), as: UTF8.self)
                rows.appendUser(write, attributes: attributes, runID: runID)
                if rows.isFull { try await writer.write(rows.take()) }
            }
            if !rows.isEmpty { try await writer.write(rows.take()) }
        }
    }

    /// Updates in one statement when no write of the group depends on another's effect (a target
    /// named twice, or a rename onto another's key); else, or when the statement hits a unique key
    /// (two users trading an extension), one statement per update, in batch order, as SQLite does.
    private static func update(_ writes: ArraySlice<UserWrite>, runID: Int64?, on connection: PostgresConnection, logger: Logger) async throws {
        let targets = writes.map(target)
        let renamedTo = zip(writes, targets).filter { $0.0.record.emailKey != $0.1 }.map(\.0.record.emailKey)
        let independent = Set(targets).count == targets.count && Set(targets).isDisjoint(with: renamedTo)
        if writes.count > 1, independent {
            try await connection.execute("SAVEPOINT rostersync_updates", logger: logger)
            do {
                try await updateGroup(writes, targets: targets, runID: runID, on: connection, logger: logger)
                try await connection.execute("RELEASE SAVEPOINT rostersync_updates", logger: logger)
                return
            } catch let error as PSQLError where error.sqlState == "23505" {
                try await connection.execute("ROLLBACK TO SAVEPOINT rostersync_updates", logger: logger)
            }
        }
        for (write, target) in zip(writes, targets) {
            try await updateGroup([write], targets: [target], runID: runID, on: connection, logger: logger)
        }
    }

    private static func target(_ write: UserWrite) -> String {
        if case .update(let key) = write.kind { return key }
        return write.record.emailKey
    }

    private static func updateGroup(
        _ writes: ArraySlice<UserWrite>, targets: [String], runID: Int64?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        var binds = try userBindings(writes)
        binds.append(runID)
        binds.append(targets)
        var replaced: Int64 = 0
        guard !connection.isClosed else { throw PostgresStoreError.closedConnection }
        for try await count in try await connection.query(PostgresQuery(unsafeSQL: updateUsers, binds: binds), logger: logger).decode(Int64.self) {
            replaced = count
        }
        guard replaced == writes.count else {
            throw PostgresStoreError("user to update is no longer stored; run the import again")
        }
    }

    /// Parameters $1…$11 of a group of users: the text columns and the hashes, one array each.
    private static func userBindings(_ writes: ArraySlice<UserWrite>) throws -> PostgresBindings {
        var columns = Array(repeating: [String](), count: 9)
        for index in columns.indices { columns[index].reserveCapacity(writes.count) }
        var emailHashes: [Int64] = [], contentHashes: [Int64] = []
        emailHashes.reserveCapacity(writes.count)
        contentHashes.reserveCapacity(writes.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for write in writes {
            let row = write.record.row
            for (index, column) in TemplateColumn.allCases.enumerated() { columns[index].append(row[column]) }
            columns[7].append(write.record.attributes.isEmpty ? "" : String(decoding: try encoder.encode(write.record.attributes), as: UTF8.self))
            columns[8].append(write.record.emailKey)
            emailHashes.append(Int64(bitPattern: write.emailHash))
            contentHashes.append(Int64(bitPattern: write.contentHash))
        }
        var binds = PostgresBindings(capacity: 14)
        for column in columns { binds.append(column) }
        binds.append(emailHashes)
        binds.append(contentHashes)
        return binds
    }

    private static func insertFailures(_ failures: [ReportRow], runID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        let encoder = JSONEncoder()
        var binds = PostgresBindings(capacity: 6)
        binds.append(runID)
        binds.append(failures.map { Int64($0.row) })
        binds.append(try failures.map { String(decoding: try encoder.encode($0.cells), as: UTF8.self) })
        binds.append(try failures.map { String(decoding: try encoder.encode($0.errors), as: UTF8.self) })
        binds.append(try failures.map { try $0.externalID.map { String(decoding: try encoder.encode($0), as: UTF8.self) } ?? "" })
        binds.append(failures.map { $0.externalID != nil })
        try await connection.execute(PostgresQuery(unsafeSQL: """
            INSERT INTO run_failures (run_id, row, cells, errors, external_id)
            SELECT $1::int8, r, c, e, CASE WHEN hx THEN x END
            FROM unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::bool[]) WITH ORDINALITY AS v(r, c, e, x, hx, n)
            ORDER BY n
            """, binds: binds), logger: logger)
    }

    private static func run(_ sql: String, _ arrays: [[String]], on connection: PostgresConnection, logger: Logger) async throws {
        var binds = PostgresBindings(capacity: arrays.count)
        for array in arrays { binds.append(array) }
        try await connection.execute(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }
}
