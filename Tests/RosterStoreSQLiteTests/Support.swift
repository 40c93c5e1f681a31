import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import RosterTesting

/// The stores that must keep the same `UserStore` contract.
enum StoreKind: String, CaseIterable {
    case sqliteInMemory, sqliteFile, inMemory

    /// Runs `body` with a fresh store of this kind; a file-backed store lives in a UUID temp dir removed afterwards.
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
