import Foundation
import RosterConnectors
import RosterEngine
import RosterStorePostgres
import RosterStoreSQLite
import RosterTesting
import Testing

/// Two `rostersync serve` processes on one store, as two instances of a deployment: each
/// scheduled time runs exactly once, and when the instance running a job is killed mid-run, the
/// other marks that run failed and runs the job at its next time.
@Suite struct MultiInstanceServeTests {
    /// The export the job pulls over loopback HTTP; while `slow` is set, requests get no answer.
    final class SlowableExport: Sendable {
        let slow = Locked(false)
        let server: LoopbackHTTPServer

        init() throws {
            let slow = slow
            server = try LoopbackHTTPServer(lifetime: .seconds(330)) { _ in
                if slow.withLock({ $0 }) { return .hangWithoutAnswer }
                return HTTPResponse(status: 200, headers: [(name: "Content-Type", value: "text/csv")],
                                    body: Array((SyncCommandTests.header + SyncCommandTests.rows.joined()).utf8))
            }
        }
    }

    /// The config of both instances; `storeURL` is the config's `store:` (none: `--db` names the SQLite file).
    static func config(_ workspace: Workspace, url: String, storeURL: String?) throws -> String {
        let repository = SyncCommandTests.repository
        return try workspace.write("rostersync.yaml", """
            \(storeURL.map { "store: { url: \"\($0)\" }" } ?? "")
            allowed_folders: [".", "\(repository)/connectors", "\(repository)/mappings"]
            run_lease: 15s
            run_heartbeat: 2s
            jobs:
              - name: crm
                connector: \(repository)/connectors/csv-url.yaml
                settings: {url: "\(url)/export.csv"}
                mapping: \(repository)/mappings/custom-columns-csv.yaml
                schedule: "* * * * *"
                timezone: UTC

            """)
    }

    /// Polls `store`'s runs every 200 ms until `done` holds, for at most `seconds`.
    static func waitForRuns(_ store: any UserStore, seconds: Double, _ done: ([RunRecord]) -> Bool) async throws -> [RunRecord] {
        let deadline = Date().addingTimeInterval(seconds)
        var runs = try await store.runs(limit: 100)
        while !done(runs), Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            runs = try await store.runs(limit: 100)
        }
        return runs
    }

    /// Waits (polling, without holding a thread) for at most 60 s until `process` has exited.
    static func waitForExit(_ process: Process) async throws {
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test(.timeLimit(.minutes(5)), arguments: SharedStoreKind.available)
    func eachTimeRunsOnceAndAKilledInstancesRunIsSettledAndTheOtherRunsTheJob(store kind: SharedStoreKind) async throws {
        switch kind {
        case .sqlite:
            try await Workspace.with { workspace in
                try await eachTimeRunsOnce(workspace, storeURL: nil, store: try SQLiteUserStore(path: workspace.database))
            }
        case .postgres:
            let server = try #require(testServer)
            try await withPostgresDatabase(on: server) { name in
                var location = server
                location.database = name
                let store = try await PostgresUserStore.open(location)
                do {
                    try await Workspace.with { workspace in
                        try await eachTimeRunsOnce(workspace, storeURL: "postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable", store: store)
                    }
                    await store.close()
                } catch {
                    await store.close()
                    throw error
                }
            }
        }
    }

    /// Two instances on `store` (named `storeURL` in the config, or the workspace's SQLite file
    /// when `nil`) with a job every minute, over three scheduled times.
    private func eachTimeRunsOnce(_ workspace: Workspace, storeURL: String?, store: any UserStore) async throws {
        let export = try SlowableExport()
        defer { export.server.stop() }
        let config = try Self.config(workspace, url: export.server.baseURL, storeURL: storeURL)
        let instances = try (0..<2).map { _ in try workspace.start(["serve", "--config", config], database: storeURL == nil) }
        defer { for (process, _, _) in instances where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func logs() -> String {
            instances.map { (try? String(contentsOf: $0.2, encoding: .utf8)) ?? "" }.joined(separator: "\n---\n")
        }
        func instanceName(_ process: Process) -> String { RunInstance(host: RunInstance.current.host, pid: process.processIdentifier).description }

        // A first scheduled time, run by one of the two.
        var runs = try await Self.waitForRuns(store, seconds: 75) { $0.contains { $0.status == .succeeded } }
        let first = try #require(runs.first { $0.status == .succeeded }?.scheduledFor, "no scheduled run succeeded: \(logs())")

        // The next time's run hangs in its pull; its instance is killed there.
        export.slow.withLock { $0 = true }
        let second = first.addingTimeInterval(60)
        runs = try await Self.waitForRuns(store, seconds: 75) { runs in runs.contains { $0.scheduledFor == second && $0.status == .running } }
        let hung = try #require(runs.first { $0.scheduledFor == second }, "no run for \(second): \(logs())")
        let victim = try #require(instances.firstIndex { instanceName($0.0) == hung.instance }, "\(hung)")
        kill(instances[victim].0.processIdentifier, SIGKILL)
        try await Self.waitForExit(instances[victim].0)
        export.slow.withLock { $0 = false }
        let survivor = instances[1 - victim].0

        // The survivor settles the killed run and runs the job at the time after.
        let third = second.addingTimeInterval(60)
        runs = try await Self.waitForRuns(store, seconds: 75) { runs in runs.contains { $0.scheduledFor == third && $0.status != .running } }
        let settled = try #require(try await store.run(id: hung.id))
        #expect(settled.status == .failed, "\(settled)")
        #expect(settled.message?.hasPrefix("instance \(hung.instance!) stopped before the run finished (its process is gone") == true, "\(settled)")
        let next = try #require(runs.first { $0.scheduledFor == third }, "no run for \(third): \(logs())")
        #expect(next.status == .succeeded && next.instance == instanceName(survivor), "\(next)")

        kill(survivor.processIdentifier, SIGTERM)
        try await Self.waitForExit(survivor)
        #expect(survivor.terminationStatus == 0, "\(logs())")
        runs = try await store.runs(limit: 100)
        let times = runs.compactMap(\.scheduledFor)
        #expect(Set(times).count == times.count, "a scheduled time ran twice: \(runs.map { ($0.id, $0.scheduledFor, $0.status, $0.instance) })")
        #expect(Set(times).isSuperset(of: [first, second, third]))
        #expect(runs.allSatisfy { $0.trigger == .schedule && $0.status != .running && $0.status != .skipped }, "\(runs)")
        #expect(logs().contains("another instance has this scheduled time"), "the instance that came second says so at info")
    }
}
