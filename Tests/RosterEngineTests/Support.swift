import Foundation
import RosterCore
import RosterEngine
import RosterTesting
import Synchronization

/// A fresh UUID directory under the system temp dir, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A template row from its seven cells in template order.
func row(_ first: String, _ last: String, _ license: String, _ ext: String, _ email: String, _ role: String, _ center: String) -> [String] {
    [first, last, license, ext, email, role, center]
}

let bob = row("Bob", "Hawkins", "Enterprise", "1000", "bob@company.com", "Agent", "US")
let drew = row("Andrew", "Davis", "Enterprise", "1001", "drew@company.com", "Supervisor", "BR")
let barb = row("Barbara", "Kingston", "Enterprise", "1002", "barb@company.com", "Admin", "UK")

/// Runs imports of template CSVs against one store, each file written into a temp directory.
struct ImportHarness {
    let directory: URL
    let store: InMemoryUserStore
    let catalog: Catalog
    private var fileCount = 0

    init(directory: URL, store: InMemoryUserStore = InMemoryUserStore(), catalog: Catalog = .standard) {
        self.directory = directory
        self.store = store
        self.catalog = catalog
    }

    /// Writes `rows` under the template header and imports the file.
    mutating func importRows(_ rows: [[String]], dryRun: Bool = false) async throws -> RunRecord {
        fileCount += 1
        let path = directory.appendingPathComponent("import\(fileCount).csv").path
        let text = CSVWriter.document(header: Template.headers, rows: rows)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try await importFile(path, dryRun: dryRun)
    }

    /// Imports the file at `path`.
    func importFile(_ path: String, dryRun: Bool = false, reportPath: String? = nil, batchSize: Int? = nil) async throws -> RunRecord {
        let service = ImportService(store: store, catalog: catalog)
        var options = ImportOptions(dryRun: dryRun, reportPath: reportPath)
        if let batchSize { options.batchSize = batchSize }
        return try await service.importFile(at: path, options: options).run
    }

    /// The errors reported for row `number` of `run`.
    func errors(run: RunRecord, row number: Int) async throws -> [String] {
        try await store.reportRows(runID: run.id).first { $0.row == number }?.errors ?? []
    }

    /// Stored users by email key.
    func users() async throws -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: try await store.users().map { ($0.record.emailKey, $0.record.row.cells) })
    }
}

/// (rows, created, updated, unchanged, failed) of a run, for one-line expectations.
func counts(_ run: RunRecord) -> [Int] { [run.rows, run.created, run.updated, run.unchanged, run.failed] }

/// An in-memory store that tells whether one of its write scopes is open, and can refuse every
/// batch of writes (to see how a run fails part-way).
struct WatchedStore: UserStore {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "the store refused the batch" }
    }

    let base = InMemoryUserStore()
    var refusesWrites = false
    private let scopes = Counter()

    /// Whether a write scope is open right now.
    var scopeIsOpen: Bool { scopes.value > 0 }

    private struct Writes: UserStoreWrites {
        let base: any UserStoreWrites
        let refuses: Bool
        func apply(_ batch: WriteBatch) async throws {
            if refuses { throw Refused() }
            try await base.apply(batch)
        }
        func finishRun(_ run: RunRecord) async throws { try await base.finishRun(run) }
    }

    func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result {
        try await base.write { writes in
            scopes.add(1)
            defer { scopes.add(-1) }
            return try await body(Writes(base: writes, refuses: refusesWrites))
        }
    }
    func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex {
        try await base.loadIndex(catalog: catalog, incomingRows: incomingRows)
    }
    func links(job: String) async throws -> [String: String] { try await base.links(job: job) }
    func jobState(job: String) async throws -> String? { try await base.jobState(job: job) }
    func users(emailKeys: [String]) async throws -> [String: StoredUser] { try await base.users(emailKeys: emailKeys) }
    func deactivations(job: String, since: Date) async throws -> Int { try await base.deactivations(job: job, since: since) }
    func pendingDeactivations(job: String) async throws -> [String: Date] { try await base.pendingDeactivations(job: job) }
    func emailsHolding(extensions: [String]) async throws -> [String: String] { try await base.emailsHolding(extensions: extensions) }
    func users() async throws -> [StoredUser] { try await base.users() }
    func beginRun(_ run: RunRecord) async throws -> Int64 { try await base.beginRun(run) }
    func renewLease(runID: Int64) async throws { try await base.renewLease(runID: runID) }
    func settleAbandonedRuns() async throws -> [RunRecord] { try await base.settleAbandonedRuns() }
    func finishRun(_ run: RunRecord) async throws { try await base.finishRun(run) }
    func runs(limit: Int) async throws -> [RunRecord] { try await base.runs(limit: limit) }
    func run(id: Int64) async throws -> RunRecord? { try await base.run(id: id) }
    func reportRows(runID: Int64) async throws -> [ReportRow] { try await base.reportRows(runID: runID) }
    func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws { try await base.forEachUser(query, body) }
    func linkedJobs(emailKeys: [String]) async throws -> [String: [String]] { try await base.linkedJobs(emailKeys: emailKeys) }
}

/// A number that tasks and threads change together.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add(_ amount: Int) { count.withLock { $0 += amount } }
}

/// How many of this process's file descriptors are open on the file at `path` (Linux:
/// /proc/self/fd), whatever other tests running at the same time hold open.
func openDescriptors(of path: String) -> Int {
    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return descriptors.count { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == target }
}
