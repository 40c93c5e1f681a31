import Foundation
import GRDB
import RosterCore
import RosterEngine
@testable import RosterStoreSQLite
import RosterTesting
import Testing

/// The store's identity is the email key (DESIGN §2): emails sharing a hash are separate users,
/// and store files from before the key are migrated with their users and links.
@Suite struct EmailIdentityStoreTests {
    @Test(arguments: StoreKind.allCases)
    func twoEmailsWithOneHashAreStoredSideBySide(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let ann = user("Ann", "ann@company.com", extension: "1000"), cy = user("Cy", "cy@company.com", extension: "1001")
            try await store.applyRun(WriteBatch(runID: nil, writes: [
                UserWrite(.create, ann, emailHash: 42), UserWrite(.create, cy, emailHash: 42),
            ], links: [LinkWrite(job: "hr", externalID: "e-1", emailKey: "cy@company.com")]))
            var promoted = cy
            promoted.row.role = "Supervisor"
            try await store.applyRun(WriteBatch(runID: nil, writes: [UserWrite(.update(emailKey: "cy@company.com"), promoted, emailHash: 42)],
                                                deactivations: ["ann@company.com"]))
            let users = try await store.users()
            #expect(users.map(\.record.row.email) == ["ann@company.com", "cy@company.com"])
            #expect(users.map(\.record.row.role) == ["Agent", "Supervisor"])
            #expect(users.map(\.record.active) == [false, true])
            #expect(try await store.links(job: "hr") == ["e-1": "cy@company.com"])
            #expect(try await store.users(emailKeys: ["cy@company.com", "nobody@company.com"]).mapValues(\.record) == ["cy@company.com": promoted])
            let index = try await store.loadIndex(catalog: .standard, incomingRows: 0)
            #expect(index.count == 2)
            #expect(index.user(email: "ANN@company.com")?.isActive == false)
            #expect(index.user(email: "cy@company.com")?.isActive == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRenameMovesTheUsersLinks(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com"))],
                                                links: [LinkWrite(job: "hr", externalID: "e-1", emailKey: "bob@company.com")]))
            try await store.applyRun(WriteBatch(runID: nil, writes: [.update(emailKey: "BOB@company.com", user("Bob", "Robert@Company.com"))]))
            #expect(try await store.links(job: "hr") == ["e-1": "robert@company.com"])
            #expect(try await store.users().map(\.record.row.email) == ["Robert@Company.com"])
        }
    }

    /// A store written before identity moved to the email key: users, runs and links survive,
    /// links point at the email key, and the key is unique from then on.
    @Test func aVersion4StoreIsMigrated() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("roster.sqlite").path
            let bob = user("Bob", "Bob@Company.com", extension: "1000"), ann = user("Ann", "ann@company.com")
            do {
                let old = try DatabaseQueue(path: path)
                try SQLiteSchema.migrator.migrate(old, upTo: "v4: a mapped import's report columns")
                try await old.write { db in
                    for record in [bob, ann] {
                        try db.execute(
                            sql: """
                                INSERT INTO users (first_name, last_name, license, extension, email, role, data_center, email_hash, content_hash)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """,
                            arguments: [
                                record.row.firstName, record.row.lastName, record.row.license,
                                record.row.extension.isEmpty ? nil : record.row.extension, record.row.email, record.row.role,
                                record.row.dataCenter, Int64(bitPattern: StableHash.ofLowercased(record.row.email)),
                                Int64(bitPattern: record.contentHash),
                            ])
                    }
                    for (id, hash) in [("e-1", StableHash.ofLowercased("bob@company.com")), ("e-gone", 7)] {
                        try db.execute(sql: "INSERT INTO links (job, external_id, email_hash) VALUES ('hr', ?, ?)", arguments: [id, Int64(bitPattern: hash)])
                    }
                    try db.execute(sql: "INSERT INTO runs (kind, source, trigger, started_at, status) VALUES ('import', 'a.csv', 'manual', '2026-12-01 10:00:00.000', 'succeeded')")
                }
            }
            let store = try SQLiteUserStore(path: path)
            #expect(try await store.users().map(\.record) == [ann, bob])
            #expect(try await store.links(job: "hr") == ["e-1": "bob@company.com"], "the link to no user is dropped")
            #expect(try await store.runs(limit: 5).count == 1)
            let index = try await store.loadIndex(catalog: .standard, incomingRows: 0)
            #expect(index.user(email: "bob@company.com")?.contentHash == bob.contentHash)
            await #expect(throws: (any Error).self) {
                try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bobby", "BOB@company.com"))]))
            }
            try await store.applyRun(WriteBatch(runID: nil, writes: [.update(emailKey: "bob@company.com", user("Bob", "robert@company.com"))]))
            #expect(try await store.links(job: "hr") == ["e-1": "robert@company.com"])
        }
    }

    /// The index of a store of several scan chunks is whole, and a cancelled load ends (the scan
    /// waits for the index to take its chunks, and must not wait for a loader that is gone).
    @Test func anIndexOfManyChunksLoadsWholeAndACancelledLoadEnds() async throws {
        try await withTemporaryDirectory { directory async throws in
            let store = try SQLiteUserStore(path: directory.appendingPathComponent("roster.sqlite").path)
            let count = 30_000
            try await store.applyRun(WriteBatch(runID: nil, writes: (0..<count).map { .create(user("U", "User\($0)@Company.com")) }))
            let index = try await store.loadIndex(catalog: .standard, incomingRows: 0)
            #expect(index.count == count)
            #expect((0..<count).allSatisfy { index.user(email: "user\($0)@company.com") != nil })
            let cancelled = Task { try await store.loadIndex(catalog: .standard, incomingRows: 0) }
            cancelled.cancel()
            if case .success(let partial) = await cancelled.result { #expect(partial.count == count) }
        }
    }
}
