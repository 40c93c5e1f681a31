import Foundation
import RosterCore
import RosterEngine
import RosterStorePostgres
import RosterTesting
import Testing

/// A server that refuses the password, a connection lost in the middle of an import's write scope,
/// a migration cut off part-way: a clear error naming the server (never the password), nothing
/// half-written, and no run left running.
@Suite(.enabled(if: PostgresTestServer.location != nil, PostgresTestServer.skipped))
struct PostgresFaultTests {
    /// The password is never in an error; the wrong one is made per run too.
    static let wrongPassword = "not-the-password-" + UUID().uuidString

    @Test(.enabled(if: PostgresTestServer.passwordLocation != nil && PostgresTestServer.password != nil, PostgresTestServer.passwordSkipped))
    func theRightPasswordOpensTheStore() async throws {
        var server = try #require(PostgresTestServer.passwordLocation)
        server.password = PostgresTestServer.password
        try await PostgresTestServer.withDatabase(on: server) { location in
            let store = try await PostgresUserStore.open(location)
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com"))]))
            #expect(try await store.users().map(\.record.row.email) == ["ann@company.com"])
            await store.close()
        }
    }

    @Test(.enabled(if: PostgresTestServer.passwordLocation != nil && PostgresTestServer.password != nil, PostgresTestServer.passwordSkipped))
    func aWrongPasswordIsRefusedNamingTheUserAndTheServer() async throws {
        var location = try #require(PostgresTestServer.passwordLocation)
        location.password = Self.wrongPassword
        let error = await #expect(throws: PostgresStoreError.self) { try await PostgresUserStore.open(location) }
        let text = error?.description ?? ""
        #expect(text.contains(
            "the PostgreSQL server at \(location.host):\(location.port) refused the password of user 'rostersync_pw' for database '\(location.database)'"),
            "\(text)")
        #expect(text.contains("password authentication failed"), "\(text)")
        #expect(text.contains("check that the environment variable named by `password: env:NAME` under `store:` in the config (or PGPASSWORD)"), "\(text)")
        #expect(!text.contains(Self.wrongPassword) && !text.contains(PostgresTestServer.password ?? Self.wrongPassword))
        #expect(error?.sqlState == "28P01")

        location.password = nil
        let none = await #expect(throws: PostgresStoreError.self) { try await PostgresUserStore.open(location) }
        #expect(none?.description.contains("asks for a password for user 'rostersync_pw' and none was given") == true, "\(none?.description ?? "")")
    }

    /// Rows an import of `count` users, each with an extension.
    static func rosterFile(_ count: Int, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("roster.csv").path
        var text = Template.headers.joined(separator: ",") + "\n"
        for index in 0..<count { text += "U\(index),Tester,Enterprise,\(100_000 + index),user\(index)@company.com,Agent,US\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The relay is cut once the import has written a few batches inside its write scope. The import
    /// fails naming the server, nothing of it is in the database, and the run ends failed: at once
    /// when the server can be reached again for its end, else at the store's next look for
    /// abandoned runs once the server is back (as `serve` looks every minute).
    @Test(.timeLimit(.minutes(2)), arguments: [false, true])
    func aConnectionLostDuringAnImportKeepsNothingAndTheRunEndsFailed(serverStaysDown: Bool) async throws {
        try await PostgresTestServer.withDatabase { location in
            try await withTemporaryDirectory { directory async throws in
                let direct = try await PostgresUserStore.open(location)
                try await direct.applyRun(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com", extension: "1000"))]))
                let relay = try LoopbackTCPRelay(host: location.host, port: location.port)
                defer { relay.stop() }
                var relayed = location
                relayed.port = relay.port
                relayed.password = Self.wrongPassword
                let store = try await PostgresUserStore.open(relayed)

                var options = ImportOptions()
                options.batchSize = 2_000
                options.reportPath = directory.appendingPathComponent("errors.csv").path
                let file = try Self.rosterFile(20_000, in: directory)
                let service = ImportService(store: store, catalog: .standard)
                let error = await #expect(throws: PostgresStoreError.self) {
                    try await service.importFile(at: file, options: options) { progress in
                        if progress.rows >= 6_000, !relay.hasCut { relay.cut(refusingNew: serverStaysDown) }
                    }
                }
                let text = error?.description ?? ""
                #expect(text.contains("lost the connection to the PostgreSQL server at 127.0.0.1:\(relay.port) (database \(location.database))"), "\(text)")
                #expect(text.contains("check that the server is running and reachable"), "\(text)")
                #expect(!text.contains(Self.wrongPassword))
                #expect(try await direct.users().map(\.record.row.email) == ["ann@company.com"], "nothing of the import was kept")

                let run = try #require(try await direct.runs(limit: 1).first)
                if serverStaysDown {
                    #expect(run.status == .running, "its end could not be recorded while the server was down: \(run)")
                    relay.restore()
                    _ = try await store.settleAbandonedRuns()
                }
                let ended = try #require(try await direct.run(id: run.id))
                #expect(ended.status == .failed, "\(ended)")
                #expect(ended.message?.hasPrefix("stopped after") == true, "\(ended)")
                #expect(ended.message?.contains("lost the connection to the PostgreSQL server at 127.0.0.1:\(relay.port)") == true, "\(ended)")
                #expect(ended.message?.contains(Self.wrongPassword) == false)

                // The store connects anew: the next import lands whole.
                let again = try await service.importFile(at: file, options: options)
                #expect(again.run.created == 20_000 && again.run.status == .succeeded, "\(again.run)")
                #expect(try await direct.users().count == 20_001)
                await store.close()
                await direct.close()
            }
        }
    }

    /// A store whose connections were all cut uses new ones: at most the use that finds a
    /// connection dead fails, and the next one connects anew.
    @Test(.timeLimit(.minutes(1)))
    func aStoreConnectsAnewAfterItsConnectionsWereCut() async throws {
        try await PostgresTestServer.withDatabase { location in
            let relay = try LoopbackTCPRelay(host: location.host, port: location.port)
            defer { relay.stop() }
            var relayed = location
            relayed.port = relay.port
            let store = try await PostgresUserStore.open(relayed)
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com"))]))
            let accepted = relay.connectionsAccepted
            relay.cut()
            _ = try? await store.users()
            #expect(try await store.users().count == 1)
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com"))]))
            #expect(try await store.users().count == 2)
            #expect(relay.connectionsAccepted > accepted)
            await store.close()
        }
    }

    /// The connection is cut just before the migration's fourth table reaches the server: the open
    /// fails naming the server and the migration, and keeps nothing of it, since the next open
    /// applies the whole migration (whose tables would otherwise exist already) to a working store.
    @Test(.timeLimit(.minutes(1)))
    func aMigrationCutOffPartWayLeavesNothingAndTheNextOpenAppliesItWhole() async throws {
        try await PostgresTestServer.withDatabase { location in
            let relay = try LoopbackTCPRelay(host: location.host, port: location.port)
            defer { relay.stop() }
            var relayed = location
            relayed.port = relay.port
            relay.cutWhenClientSends("CREATE TABLE run_failures")
            let error = await #expect(throws: PostgresStoreError.self) { try await PostgresUserStore.open(relayed) }
            let text = error?.description ?? ""
            #expect(relay.hasCut)
            #expect(text.contains(
                "lost the connection to the PostgreSQL server at 127.0.0.1:\(relay.port) (database \(location.database)) while trying to apply migration 1"),
                "\(text)")

            let store = try await PostgresUserStore.open(relayed)
            let id = try await store.beginRun(run())
            let failure = ReportRow(row: 2, cells: ["Ann"], errors: ["Email: missing"], externalID: nil)
            var batch = WriteBatch(
                runID: id, writes: [.create(user("Ann", "ann@company.com"))], failures: [failure],
                links: [LinkWrite(job: "hr", externalID: "e-1", emailKey: "ann@company.com")])
            batch.jobState = (job: "hr", state: "cursor")
            try await store.applyRun(batch)
            #expect(try await store.reportRows(runID: id) == [failure])
            #expect(try await store.jobState(job: "hr") == "cursor")
            await store.close()
        }
    }
}
