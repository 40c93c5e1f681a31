import Foundation
import RosterStorePostgres
import RosterTesting
import Testing

/// The role of `ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL` that must give its password, with the
/// password from `ROSTERSYNC_TEST_POSTGRES_PASSWORD`, if both are set.
let passwordServer: PostgresLocation? = {
    let environment = ProcessInfo.processInfo.environment
    guard let url = environment["ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL"], var server = try? PostgresLocation.parse(url),
          let password = environment["ROSTERSYNC_TEST_POSTGRES_PASSWORD"], !password.isEmpty
    else { return nil }
    server.password = password
    return server
}()

/// Runs `body` with the name of a new database on `server`, owned by its user and dropped afterwards.
func withPostgresDatabase<T>(on server: PostgresLocation, _ body: (String) async throws -> T) async throws -> T {
    let name = "rostersync_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    try await PostgresDatabases.create(name, on: server)
    do {
        let result = try await body(name)
        try await PostgresDatabases.drop(name, on: server)
        return result
    } catch {
        try? await PostgresDatabases.drop(name, on: server)
        throw error
    }
}

/// The store that several processes share: the workspace's SQLite file, or a PostgreSQL database
/// of its own on the test server (`ROSTERSYNC_TEST_POSTGRES_URL`).
enum SharedStoreKind: String, CustomTestStringConvertible {
    case sqlite, postgres

    /// The stores this run can reach.
    static var available: [SharedStoreKind] { [.sqlite] + (testServer == nil ? [] : [.postgres]) }

    var testDescription: String { rawValue }

    /// Runs `body` with the URL of a new PostgreSQL database (dropped afterwards), or `nil` for SQLite.
    func withStoreURL<T>(_ body: (String?) async throws -> T) async throws -> T {
        guard self == .postgres else { return try await body(nil) }
        let server = try #require(testServer)
        return try await withPostgresDatabase(on: server) { name in
            try await body("postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable")
        }
    }
}

/// A PostgreSQL store behind a password, and one whose server goes away mid-import, through the
/// binary: exit code, one clear line on stderr, never a password.
@Suite struct PostgresFaultCLITests {
    static let wrongPassword = "not-the-password-" + UUID().uuidString

    @Test(.enabled(if: passwordServer != nil, "ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL is not set; run `scripts/with-postgres.sh swift test` to include it"))
    func theRightPasswordFromTheConfigsVariableOrPGPASSWORDOpensTheStore() async throws {
        let server = try #require(passwordServer)
        try await withPostgresDatabase(on: server) { name in
            try await Workspace.with { workspace in
                let url = "postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable"
                // Not the default rostersync.yaml, so that a command with --db reads no config and uses PGPASSWORD.
                // Not the default rostersync.yaml, so that a command with --db reads no config and uses PGPASSWORD.
            let config = try workspace.write("store.yaml", "store:\n  url: \(url)\n  password: env:ROSTERSYNC_TEST_DB_PASSWORD\n")
                let file = try workspace.writeRows("roster.csv", [bob, drew])
                let imported = try await workspace.run(["import", file, "--json", "--config", config], database: false,
                                                       environment: ["ROSTERSYNC_TEST_DB_PASSWORD": server.password ?? ""])
                #expect(imported.status == 0, "\(imported)")
                #expect(counts(try imported.json()) == [2, 2, 0, 0, 0])
                let listed = try await workspace.run(["users", "list", "--format", "json", "--db", url], database: false,
                                                     environment: ["PGPASSWORD": server.password ?? ""])
                #expect(listed.status == 0, "\(listed)")
                #expect((try listed.json()["users"] as? [[String: Any]])?.count == 2, "\(listed)")
            }
        }
    }

    @Test(.enabled(if: passwordServer != nil, "ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL is not set; run `scripts/with-postgres.sh swift test` to include it"))
    func aWrongPasswordIsOneLineNamingUserAndServerWithoutThePassword() async throws {
        let server = try #require(passwordServer)
        try await Workspace.with { workspace in
            let url = "postgres://\(server.user)@\(server.host):\(server.port)/\(server.database)?sslmode=disable"
            let config = try workspace.write("store.yaml", "store:\n  url: \(url)\n  password: env:ROSTERSYNC_TEST_DB_PASSWORD\n")
            let throughConfig = try await workspace.run(["runs", "list", "--config", config], database: false,
                                                        environment: ["ROSTERSYNC_TEST_DB_PASSWORD": Self.wrongPassword])
            let throughPGPASSWORD = try await workspace.run(["users", "list", "--db", url], database: false, environment: ["PGPASSWORD": Self.wrongPassword])
            for result in [throughConfig, throughPGPASSWORD] {
                #expect(result.status == 2, "\(result)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
                #expect(result.stderr.contains("the PostgreSQL server at \(server.host):\(server.port) refused the password of user '\(server.user)' "
                    + "for database '\(server.database)'"), "\(result)")
                #expect(result.stderr.contains("check that the environment variable named by `password: env:NAME`"), "\(result)")
                #expect(!(result.stderr + result.stdout).contains(Self.wrongPassword) && !(result.stderr + result.stdout).contains(server.password ?? "-"))
            }
        }
    }

    /// The relay to the server is cut once the import has sent a megabyte of its 20,000 rows: the
    /// import fails naming the server, keeps nothing, and its run is recorded as failed.
    @Test(.enabled(if: testServer != nil, "ROSTERSYNC_TEST_POSTGRES_URL is not set; run `scripts/with-postgres.sh swift test` to include PostgreSQL"),
          .timeLimit(.minutes(2)))
    func aServerLostMidImportFailsTheRunAndKeepsNothing() async throws {
        let server = try #require(testServer)
        try await withPostgresDatabase(on: server) { name in
            try await Workspace.with { workspace in
                let direct = "postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable"
                let relay = try LoopbackTCPRelay(host: server.host, port: server.port)
                defer { relay.stop() }
                let relayed = "postgres://\(server.user)@127.0.0.1:\(relay.port)/\(name)?sslmode=disable"
                let rows = (0..<20_000).map { ["U\($0)", "Tester", "Enterprise", String(100_000 + $0), "user\($0)@company.com", "Agent", "US"] }
                let file = try workspace.writeRows("roster.csv", rows)
                let seeded = try await workspace.run(["import", try workspace.writeRows("seed.csv", [bob]), "--db", direct], database: false)
                #expect(seeded.status == 0, "\(seeded)")

                relay.cutAfterClientBytes(1_000_000)
                let result = try await workspace.run(["import", file, "--db", relayed], database: false, environment: ["PGPASSWORD": Self.wrongPassword])
                #expect(relay.hasCut)
                #expect(result.status == 2, "\(result)")
                #expect(result.stderr.contains("lost the connection to the PostgreSQL server at 127.0.0.1:\(relay.port) (database \(name))"), "\(result)")
                #expect(!result.stderr.contains(Self.wrongPassword))

                let users = try await workspace.run(["users", "list", "--format", "json", "--db", direct], database: false)
                #expect((try users.json()["users"] as? [[String: Any]])?.count == 1, "nothing of the import was kept: \(users)")
                let runs = try await workspace.run(["runs", "list", "--json", "--db", direct], database: false)
                let last = try #require((try runs.json()["runs"] as? [[String: Any]])?.first, "\(runs)")
                #expect(last["status"] as? String == "failed", "\(runs)")
            }
        }
    }
}
