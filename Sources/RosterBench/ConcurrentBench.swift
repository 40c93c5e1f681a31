import CurlHTTP
import Dispatch
import Foundation
import RosterEngine
import RosterStoreSQLite

/// Two `rostersync import` processes (disjoint rosters of `rows` users each) and an in-process
/// sync of `users` Graph users, all started at once on one SQLite store: each one's wall time and
/// outcome, next to the same three run one after another. Writers take turns at the store's lock,
/// so the total should stay near the sequential sum while the sync's pull overlaps the imports.
func runConcurrentBench(rows: Int, users: Int, directory: String) async throws {
    let bench = try GraphSyncBench(users: users, directory: directory)
    defer { bench.server.stop() }
    let files = ["\(directory)/concurrent-a.csv", "\(directory)/concurrent-b.csv"]
    // Extensions are 100000 + index: start the second file past the first's, and both past the
    // Graph mock's 6-digit extensions.
    try RosterGenerator(rows: rows).write(to: files[0], first: 1_000_000)
    try RosterGenerator(rows: rows).write(to: files[1], first: 1_000_000 + rows)
    let binary = ImportBench.rostersyncPath()
    let http = CurlHTTPClient(maxConcurrentTransfers: 1)
    defer { Task { await http.shutdown() } }

    for concurrently in [false, true] {
        let database = "\(directory)/concurrent.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let service = SyncService(store: try SQLiteUserStore(path: database), catalog: .standard, http: http, environment: bench.environment)
        let start = ContinuousClock.now
        let sync = {
            let begun = ContinuousClock.now
            let result = try await service.sync(bench.job, configFile: "bench", options: SyncOptions(full: true))
            return "sync: \(ContinuousClock.now - begun), \(result.run.status.rawValue), created \(result.run.created)"
        }
        var lines: [String] = []
        if concurrently {
            async let imports = importInBackground(binary, files, database: database)
            lines.append(try await sync())
            lines += await imports
        } else {
            lines += await importInBackground(binary, [files[0]], database: database)
            lines += await importInBackground(binary, [files[1]], database: database)
            lines.append(try await sync())
        }
        print("\(concurrently ? "at once" : "one after another"): total \(ContinuousClock.now - start)")
        for line in lines { print("  " + line) }
    }
}

/// Runs `rostersync import FILE` for every file at once, each in a child process, and describes each.
private func importInBackground(_ binary: String, _ files: [String], database: String) async -> [String] {
    await withTaskGroup(of: String.self) { group in
        for file in files {
            group.addTask {
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().async {
                        let line: String
                        do {
                            let result = try ChildProcess.run(binary, ["import", file, "--db", database, "--json"])
                            line = String(format: "import %@: %.2f s, exit %d, peak RSS %.1f MB, %@", (file as NSString).lastPathComponent, result.seconds,
                                          result.status >> 8, Double(result.maxRSSKiB) / 1024, result.output.trimmingCharacters(in: .whitespacesAndNewlines))
                        } catch {
                            line = "import \(file): \(error)"
                        }
                        continuation.resume(returning: line)
                    }
                }
            }
        }
        return await group.reduce(into: []) { $0.append($1) }
    }
}
