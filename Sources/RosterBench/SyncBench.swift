import CurlHTTP
import Foundation
import RosterConnectors
import RosterEngine
import RosterStoreSQLite
import RosterTesting

/// Syncs `users` Graph users end to end into a new SQLite store, then again unchanged, and prints
/// the seconds of each run: the loopback Graph mock (999 per page), libcurl, the real connector
/// and mapping files, the planner and the SQLite store, exactly as `rostersync sync` wires them.
func runSyncBench(users: Int, directory: String) async throws {
    let bench = try GraphSyncBench(users: users, directory: directory)
    defer { bench.server.stop() }
    let database = directory + "/sync-bench.sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
    let http = CurlHTTPClient(maxConcurrentTransfers: 1)
    let service = SyncService(store: try SQLiteUserStore(path: database), catalog: .standard, http: http, environment: bench.environment)
    for label in ["first (empty store)", "repeat (unchanged)"] {
        let start = ContinuousClock.now
        let result = try await service.sync(bench.job, configFile: "bench", options: SyncOptions(full: true))
        let elapsed = ContinuousClock.now - start
        let run = result.run
        print("sync \(label): \(elapsed): pulled \(run.pulled), created \(run.created), updated \(run.updated), unchanged \(run.unchanged), failed \(run.failed); peak RSS \(String(format: "%.1f", Double(peakResidentKiB()) / 1024)) MB")
    }
    await http.shutdown()
}

/// A sync job of `users` Graph users on a loopback Graph mock (999 per page), with the real
/// connector file and the shipped mapping.
struct GraphSyncBench {
    let server: LoopbackHTTPServer
    let job: JobConfig
    let environment: [String: String]

    init(users: Int, directory: String) throws {
        let vendor = MockVendorJob.graph
        let server = try LoopbackHTTPServer(lifetime: .seconds(3600), vendorAt: { origin in
            vendor.mock(MockVendorOptions(users: users, pageSize: 999, origin: origin))
        })
        self.server = server
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        // The shipped mapping takes the last 4 digits of the phone as the extension; 100,000 users need
        // 6 to stay unique, so the bench maps with a copy that keeps 6 (same cost per record).
        let mapping = directory + "/graph-users-6-digit-extensions.yaml"
        let shipped = try String(contentsOfFile: root + "/mappings/microsoft-graph-users.yaml", encoding: .utf8)
        try shipped.replacingOccurrences(of: "{last: 4}", with: "{last: 6}").write(toFile: mapping, atomically: true, encoding: .utf8)
        var job = JobConfig(name: "entra", connector: root + "/connectors/" + vendor.file + ".yaml", mapping: mapping)
        job.settings = vendor.config
        job.secrets = Dictionary(uniqueKeysWithValues: vendor.secrets.keys.map { ($0, "env:BENCH_\($0.uppercased())") })
        environment = Dictionary(uniqueKeysWithValues: vendor.secrets.map { ("BENCH_\($0.key.uppercased())", $0.value.revealForTransport()) })
        job.baseURL = server.baseURL + vendor.basePath
        job.tokenURL = vendor.tokenPath.map { server.baseURL + $0 }
        self.job = job
    }
}
