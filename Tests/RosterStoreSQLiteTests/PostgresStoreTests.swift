import Foundation
import RosterCore
import RosterEngine
import RosterStorePostgres
import RosterTesting
import Synchronization
import Testing

/// Two ``PostgresUserStore``s on one database behave as two instances: each has its own
/// connections and in-process gate, so they meet only at the server's locks and indexes.
@Suite(.enabled(if: PostgresTestServer.location != nil, PostgresTestServer.skipped))
struct PostgresAcrossInstancesTests {
    @Test func aSecondWriterWaitsForTheFirstThenLands() async throws {
        try await PostgresTestServer.withDatabase { location in
            let one = try await PostgresUserStore.open(location), other = try await PostgresUserStore.open(location)
            try await secondWriterWaitsForTheFirstThenLands(one: one, other: other)
            await one.close()
            await other.close()
        }
    }

    @Test func aWriterThatWaitsPastTheBusyTimeoutSaysSo() async throws {
        try await PostgresTestServer.withDatabase { location in
            let one = try await PostgresUserStore.open(location)
            let impatient = try await PostgresUserStore.open(location, busyTimeout: .seconds(1))
            try await writerPastTheBusyTimeoutSaysSo(one: one, impatient: impatient, storeName: location.displayName)
            // The impatient store's connection is usable again after its refusal.
            try await impatient.write { try await $0.apply(WriteBatch(runID: nil, writes: [.create(user("Cy", "cy@company.com"))])) }
            #expect(try await one.users().count == 2)
            await one.close()
            await impatient.close()
        }
    }

    @Test func oneRunningSyncPerJobAcrossInstances() async throws {
        try await PostgresTestServer.withDatabase { location in
            let one = try await PostgresUserStore.open(location), other = try await PostgresUserStore.open(location)
            let sync = RunRecord(kind: "sync", source: "crm", trigger: .schedule, startedAt: Date(timeIntervalSince1970: 1_000))
            var first = sync
            first.id = try await one.beginRun(sync)
            let conflict = await #expect(throws: RunConflict.self) { try await other.beginRun(sync) }
            #expect(conflict?.runningRun == first.id)
            #expect(conflict?.startedAt == sync.startedAt)
            first.status = .succeeded
            try await one.finishRun(first)
            #expect(try await other.beginRun(sync) > first.id)
            await one.close()
            await other.close()
        }
    }

    /// Instances starting together on a new database: one applies the migrations, the others wait
    /// for it and find them applied.
    @Test func instancesStartingAtOnceMigrateANewDatabaseOnce() async throws {
        try await PostgresTestServer.withDatabase { location in
            let stores = try await withThrowingTaskGroup(of: PostgresUserStore.self) { group in
                for _ in 0..<4 { group.addTask { try await PostgresUserStore.open(location) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(stores.count == 4)
            try await stores[0].applyRun(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com"))]))
            #expect(try await stores[3].users().count == 1)
            for store in stores { await store.close() }
        }
    }

    /// Failed rows keep every cell as read, control characters included, though PostgreSQL's text
    /// holds no NUL.
    @Test func reportRowsKeepHostileCells() async throws {
        try await StoreKind.postgres.withStore { store async throws in
            let id = try await store.beginRun(run())
            let failures = [
                ReportRow(row: 2, cells: ["Nul\u{0}Name", "a\tb\\c", "\u{1B}[31m", "", "x@y", "Agent", "US"], errors: ["Name: U+0000"],
                          externalID: "id\u{0}1"),
            ]
            try await store.applyRun(WriteBatch(runID: id, failures: failures))
            #expect(try await store.reportRows(runID: id) == failures)
        }
    }

    @Test func anIndexOfManyRowsLoadsWhole() async throws {
        try await StoreKind.postgres.withStore { store async throws in
            let count = 30_000
            try await store.applyRun(WriteBatch(runID: nil, writes: (0..<count).map { .create(user("U", "User\($0)@Company.com", extension: "\(10_000 + $0)")) }))
            let index = try await store.loadIndex(catalog: .standard, incomingRows: 0)
            #expect(index.count == count)
            #expect((0..<count).allSatisfy { index.user(email: "user\($0)@company.com") != nil })
            #expect(index.holder(extensionHash: ExtensionKey.of("39999"))?.owner == index.user(email: "user29999@company.com")?.id)
        }
    }

    /// Updates go in one statement, or one by one in batch order when that statement hits a unique
    /// key: two users trading extensions through a third.
    @Test func updatesThatDependOnEachOtherKeepBatchOrder() async throws {
        try await StoreKind.postgres.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [
                .create(user("Ann", "ann@company.com", extension: "1000")), .create(user("Bob", "bob@company.com", extension: "1001")),
            ]))
            try await store.applyRun(WriteBatch(runID: nil, writes: [
                .update(emailKey: "ann@company.com", user("Ann", "ann@company.com", extension: "1002")),
                .update(emailKey: "bob@company.com", user("Bob", "bob@company.com", extension: "1000")),
                .update(emailKey: "ann@company.com", user("Ann", "ann@company.com", extension: "1001")),
            ]))
            #expect(try await store.emailsHolding(extensions: ["1000", "1001", "1002"]) == ["1000": "bob@company.com", "1001": "ann@company.com"])
            // A rename chain: each user's links follow it, as one update after the other would move them.
            try await store.applyRun(WriteBatch(runID: nil, links: [LinkWrite(job: "hr", externalID: "e-1", emailKey: "ann@company.com")]))
            try await store.applyRun(WriteBatch(runID: nil, writes: [
                .update(emailKey: "ann@company.com", user("Ann", "anna@company.com", extension: "1001")),
                .update(emailKey: "anna@company.com", user("Ann", "annie@company.com", extension: "1001")),
            ]))
            #expect(try await store.links(job: "hr") == ["e-1": "annie@company.com"])
        }
    }
}

/// Store URLs and the errors of a server that cannot be used; no server needed.
@Suite struct PostgresLocationTests {
    @Test func aURLNamesServerDatabaseAndTLS() throws {
        let location = try PostgresLocation.parse("postgres://roster@db.example.com:6543/roster_prod?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(location == PostgresLocation(host: "db.example.com", port: 6543, user: "roster", database: "roster_prod", tls: .verifyFull, caFile: "/etc/ca.pem"))
        #expect(location.displayName == "postgres://roster@db.example.com:6543/roster_prod")
        #expect(try PostgresLocation.parse("postgresql://roster@db/roster").port == 5432)
        #expect(try PostgresLocation.parse("postgresql://roster@db/roster").tls == .prefer)
    }

    @Test(arguments: [
        ("postgres://roster:s3cret@db/roster", "holds a password; remove it from the URL and give it as `password: env:NAME`"),
        ("postgres://db/roster", "names no user"),
        ("postgres://roster@db", "names no database"),
        ("postgres://roster@db/roster?sslmode=always", "sslmode=always; write one of disable, prefer, require, verify-ca, verify-full"),
        ("postgres://roster@db/roster?timeout=3", "unknown setting 'timeout'"),
    ])
    func aWrongURLSaysWhatToWrite(url: String, expected: String) {
        let error = #expect(throws: PostgresLocationError.self) { try PostgresLocation.parse(url) }
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test func passwordsInURLsAreRedacted() {
        #expect("postgres://roster:s3cret@db:5432/roster".redactingURLPassword == "postgres://roster:****@db:5432/roster")
        #expect("store 'postgres://a:b@h/d' and https://u:p@x.test/path".redactingURLPassword == "store 'postgres://a:****@h/d' and https://u:****@x.test/path")
        #expect("postgres://roster@db/roster".redactingURLPassword == "postgres://roster@db/roster")
    }

    /// Nothing listens on port 1: one sentence naming server and database, what to check, no password.
    @Test func aServerThatIsDownIsNamed() async throws {
        let port = 1
        let location = PostgresLocation(host: "127.0.0.1", port: port, user: "roster", database: "roster", tls: .disable, password: "s3cret")
        let error = await #expect(throws: PostgresStoreError.self) { try await PostgresUserStore.open(location) }
        let text = error?.description ?? ""
        #expect(text.contains("cannot reach the PostgreSQL server at 127.0.0.1:\(port) (database roster)"), "\(text)")
        #expect(text.contains("check that the server is running"))
        #expect(!text.contains("s3cret"))
    }
}
