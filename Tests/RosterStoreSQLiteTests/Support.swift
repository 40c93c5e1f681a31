import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import RosterStorePostgres
import RosterTesting
import Testing

/// The stores that must keep the same `UserStore` contract: PostgreSQL's too when
/// `ROSTERSYNC_TEST_POSTGRES_URL` names a server (`scripts/with-postgres.sh swift test`).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqliteInMemory, sqliteFile, inMemory, postgres

    /// Every store this run can reach.
    static var allCases: [StoreKind] { [.sqliteInMemory, .sqliteFile, .inMemory] + (PostgresTestServer.location == nil ? [] : [.postgres]) }

    /// The stores whose readers use connections of their own (not SQLite's private in-memory database).
    static var separateReaders: [StoreKind] { allCases.filter { $0 != .sqliteInMemory } }

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh store of this kind; a file-backed store lives in a UUID temp dir
    /// removed afterwards, a PostgreSQL store in a database of its own, dropped afterwards.
    /// - Parameter lease: when the store settles a running run that is not renewed.
    /// - Parameter clock: the store's time for heartbeats and lease expiry.
    func withStore<T>(lease: RunLease = RunLease(), clock: any RosterClock = SystemClock(), _ body: (any UserStore) async throws -> T) async throws -> T {
        switch self {
        case .sqliteInMemory:
            return try await body(SQLiteUserStore(lease: lease, clock: clock))
        case .inMemory:
            return try await body(InMemoryUserStore(clock: clock, lease: lease))
        case .sqliteFile:
            return try await withTemporaryDirectory { directory async throws in
                try await body(SQLiteUserStore(path: directory.appendingPathComponent("roster.sqlite").path, lease: lease, clock: clock))
            }
        case .postgres:
            return try await PostgresTestServer.withDatabase { location in
                let store = try await PostgresUserStore.open(location, lease: lease, clock: clock)
                do {
                    let result = try await body(store)
                    await store.close()
                    return result
                } catch {
                    await store.close()
                    throw error
                }
            }
        }
    }
}

/// A wall clock that moves only when told.
final class SteppedClock: RosterClock {
    private let time: Locked<Date>

    init(_ start: Date) { time = Locked(start) }

    func now() -> Date { time.withLock { $0 } }

    func advance(by seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The PostgreSQL server of `ROSTERSYNC_TEST_POSTGRES_URL`, where each test case makes a database of its own.
enum PostgresTestServer {
    /// The server, or `nil` when the variable is unset (the PostgreSQL cases are skipped).
    static let location: PostgresLocation? = ProcessInfo.processInfo.environment["ROSTERSYNC_TEST_POSTGRES_URL"]
        .flatMap { $0.isEmpty ? nil : try? PostgresLocation.parse($0) }

    static let skipped: Comment = "ROSTERSYNC_TEST_POSTGRES_URL is not set, so the store contracts ran without PostgreSQL; run `scripts/with-postgres.sh swift test` to include it"

    /// The server as a role that must give its password (`ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL`,
    /// without the password), or `nil` when unset.
    static let passwordLocation: PostgresLocation? = ProcessInfo.processInfo.environment["ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL"]
        .flatMap { $0.isEmpty ? nil : try? PostgresLocation.parse($0) }

    /// That role's password (`ROSTERSYNC_TEST_POSTGRES_PASSWORD`).
    static let password: String? = ProcessInfo.processInfo.environment["ROSTERSYNC_TEST_POSTGRES_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }

    static let passwordSkipped: Comment = "ROSTERSYNC_TEST_POSTGRES_PASSWORD_URL or ROSTERSYNC_TEST_POSTGRES_PASSWORD is not set; run `scripts/with-postgres.sh swift test` to include the password cases"

    /// Runs `body` with the location of a new, empty database on `server` (the test server by
    /// default), owned by its user and dropped afterwards.
    static func withDatabase<T>(on server: PostgresLocation? = nil, _ body: (PostgresLocation) async throws -> T) async throws -> T {
        let server = try #require(server ?? location, "ROSTERSYNC_TEST_POSTGRES_URL is not set")
        let name = "rostersync_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresDatabases.create(name, on: server)
        var database = server
        database.database = name
        do {
            let result = try await body(database)
            try await PostgresDatabases.drop(name, on: server)
            return result
        } catch {
            try? await PostgresDatabases.drop(name, on: server)
            throw error
        }
    }
}

/// A fresh UUID directory under the system temp dir, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A valid user record.
func user(_ first: String, _ email: String, extension ext: String = "", license: String = "Enterprise", role: String = "Agent") -> UserRecord {
    UserRecord(row: TemplateRow(firstName: first, lastName: "Tester", license: license, extension: ext,
                                email: email, role: role, dataCenter: "US"))
}

/// `run` without what the store adds to a running run (its instance and last heartbeat), to
/// compare with the record the engine handed over.
func withoutLease(_ run: RunRecord) -> RunRecord {
    var run = run
    run.instance = nil
    run.heartbeatAt = nil
    return run
}

/// A run that started at a whole second, so every store gives the same date back.
func run(_ source: String = "roster.csv") -> RunRecord {
    RunRecord(kind: "import", source: source, trigger: .manual, startedAt: Date(timeIntervalSince1970: 1_795_614_000))
}
