import Foundation
import RosterStorePostgres
import Testing

/// Every command opens a PostgreSQL store from `--db postgres://…` or the config's `store:`; a
/// store that cannot be used is one line naming it, never its password.
@Suite struct PostgresStoreCLITests {
    @Test func aPasswordInTheURLIsRefusedUnprinted() async throws {
        try await Workspace.with { workspace in
            let file = try workspace.writeRows("roster.csv", [bob])
            let result = try await workspace.run(["import", file, "--db", "postgres://roster:s3cret@127.0.0.1:1/roster"], database: false)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("holds a password; remove it from the URL"), "\(result)")
            #expect(!result.stderr.contains("s3cret") && !result.stdout.contains("s3cret"))
        }
    }

    @Test func aServerThatIsDownIsNamedWithWhatToCheck() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(["users", "list", "--db", "postgres://roster@127.0.0.1:1/roster_db?sslmode=disable"],
                                                 database: false, environment: ["PGPASSWORD": "s3cret"])
            #expect(result.status == 2, "\(result)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result)")
            #expect(result.stderr.contains("cannot reach the PostgreSQL server at 127.0.0.1:1 (database roster_db)"), "\(result)")
            #expect(result.stderr.contains("check that the server is running"), "\(result)")
            #expect(!result.stderr.contains("s3cret"))
        }
    }

    @Test func aPasswordVariableThatIsNotSetIsNamed() async throws {
        try await Workspace.with { workspace in
            let config = try workspace.write("rostersync.yaml", """
                store:
                  url: postgres://roster@127.0.0.1:1/roster
                  password: env:ROSTERSYNC_TEST_UNSET_PASSWORD
                """)
            let result = try await workspace.run(["runs", "list", "--config", config], database: false)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("environment variable ROSTERSYNC_TEST_UNSET_PASSWORD (store.password in the config), which is not set"), "\(result)")
        }
    }

    @Test func aPasswordWrittenInTheConfigIsRefused() async throws {
        try await Workspace.with { workspace in
            let config = try workspace.write("rostersync.yaml", "store: { url: \"postgres://roster@db/roster\", password: s3cret }\n")
            let result = try await workspace.run(["runs", "list", "--config", config], database: false)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("rostersync.yaml:1:"), "\(result)")
            #expect(result.stderr.contains("store.password must be an environment reference like env:ROSTERSYNC_DB_PASSWORD"), "\(result)")
            #expect(!result.stderr.contains("s3cret"))
        }
    }

    /// Import, list, runs and report through the config's PostgreSQL store, as with a SQLite file.
    @Test(.enabled(if: testServer != nil, "ROSTERSYNC_TEST_POSTGRES_URL is not set; run `scripts/with-postgres.sh swift test` to include PostgreSQL"))
    func commandsWorkOnAPostgreSQLStore() async throws {
        let server = try #require(testServer)
        let name = "rostersync_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresDatabases.create(name, on: server)
        do {
            try await importListAndReport(server: server, database: name)
            try await PostgresDatabases.drop(name, on: server)
        } catch {
            try? await PostgresDatabases.drop(name, on: server)
            throw error
        }
    }

    private func importListAndReport(server: PostgresLocation, database name: String) async throws {
        try await Workspace.with { workspace in
            let config = try workspace.write("rostersync.yaml", """
                store:
                  url: postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable
                  password: env:ROSTERSYNC_TEST_DB_PASSWORD
                """)
            let environment = ["ROSTERSYNC_TEST_DB_PASSWORD": "unused-with-trust"]
            let file = try workspace.writeRows("roster.csv", [bob, drew, row("Ann", "Lee", "Gold", "", "ann@company.com", "Agent", "US")])
            let first = try await workspace.run(["import", file, "--json", "--config", config], database: false, environment: environment)
            #expect(first.status == 1, "\(first)")
            #expect(counts(try first.json()) == [3, 2, 0, 0, 1])
            let again = try await workspace.run(["import", file, "--json", "--config", config], database: false, environment: environment)
            #expect(counts(try again.json()) == [3, 0, 0, 2, 1])
            let users = try await workspace.run(["users", "list", "--format", "json", "--config", config], database: false, environment: environment)
            #expect((try users.json()["users"] as? [[String: Any]])?.compactMap { $0["email"] as? String }.sorted() == ["bob@company.com", "drew@company.com"])
            let report = try await workspace.run(["report", "latest", "--format", "csv", "--config", config], database: false, environment: environment)
            #expect(report.status == 0, "\(report)")
            #expect(report.stdout.contains("ann@company.com"), "\(report)")
            let runs = try await workspace.run(["runs", "list", "--json", "--config", config], database: false, environment: environment)
            #expect(runs.status == 0, "\(runs)")
            #expect(!FileManager.default.fileExists(atPath: workspace.path("rostersync.sqlite")), "no SQLite file is made beside the config")
        }
    }
}

/// The PostgreSQL server of `ROSTERSYNC_TEST_POSTGRES_URL`, if any.
let testServer: PostgresLocation? = ProcessInfo.processInfo.environment["ROSTERSYNC_TEST_POSTGRES_URL"]
    .flatMap { $0.isEmpty ? nil : try? PostgresLocation.parse($0) }

/// `rostersync migrate` copies a SQLite store into PostgreSQL with every id, and refuses a target
/// that already holds a roster unless told to replace it.
@Suite struct MigrateCommandTests {
    @Test func aSourceThatIsNotASQLiteStoreIsNamed() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(["migrate", "--from", "roster.sqlite", "--to", "postgres://roster@127.0.0.1:1/roster"], database: false)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("--from must name a SQLite store as sqlite:FILE"), "\(result)")
            let missing = try await workspace.run(["migrate", "--from", "sqlite:nothing.sqlite", "--to", "postgres://roster@127.0.0.1:1/roster"],
                                                  database: false)
            #expect(missing.status == 2, "\(missing)")
            #expect(missing.stderr.contains("no store at nothing.sqlite"), "\(missing)")
        }
    }

    @Test(.enabled(if: testServer != nil, "ROSTERSYNC_TEST_POSTGRES_URL is not set; run `scripts/with-postgres.sh swift test` to include PostgreSQL"))
    func aSQLiteStoreIsCopiedWhole() async throws {
        let server = try #require(testServer)
        let name = "rostersync_migrate_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresDatabases.create(name, on: server)
        do {
            try await copyIntoPostgreSQL(url: "postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable")
            try await PostgresDatabases.drop(name, on: server)
        } catch {
            try? await PostgresDatabases.drop(name, on: server)
            throw error
        }
    }

    private func copyIntoPostgreSQL(url: String) async throws {
        try await Workspace.with { workspace in
            let first = try workspace.writeRows("first.csv", [bob, drew, row("Ann", "Lee", "Gold", "", "ann@company.com", "Agent", "US")])
            let second = try workspace.writeRows("second.csv", [row("Bob", "Hawkins", "Enterprise", "1000", "bob@company.com", "Admin", "US"), barb])
            for file in [first, second] { _ = try await workspace.run(["import", file]) }
            let migrate = ["migrate", "--from", "sqlite:\(workspace.database)", "--to", url, "--json"]
            let copied = try await workspace.run(migrate, database: false)
            #expect(copied.status == 0, "\(copied)")
            let counts = try copied.json()
            #expect([counts["users"], counts["runs"], counts["failed_rows"]] as? [Int] == [3, 2, 1], "\(copied)")

            func output(_ arguments: [String], db: String) async throws -> String {
                let result = try await workspace.run(arguments + ["--db", db], database: false)
                #expect(result.status == 0, "\(result)")
                return result.stdout
            }
            for command in [["users", "list", "--format", "json"], ["runs", "list", "--json"], ["report", "1", "--format", "csv"]] {
                #expect(try await output(command, db: url) == output(command, db: workspace.database), "\(command)")
            }
            let refused = try await workspace.run(migrate, database: false)
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.stderr.contains("already holds users or runs; copy into an empty database, or add --replace"), "\(refused)")
            let replaced = try await workspace.run(migrate + ["--replace"], database: false)
            #expect(replaced.status == 0, "\(replaced)")
            // Run numbers go on from the copied ones.
            let third = try await workspace.run(["import", second, "--json", "--db", url], database: false)
            #expect(try third.json()["run"] as? Int == 3, "\(third)")
        }
    }
}
