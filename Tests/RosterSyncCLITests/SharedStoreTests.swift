import Foundation
import Testing

/// Several `rostersync` processes on one store: writers take turns, one run per job.
@Suite struct SharedStoreTests {
    @Test(.timeLimit(.minutes(2)))
    func twoImportsIntoOneStoreAtOnceBothLand() async throws {
        try await Workspace.with { workspace in
            for (name, base) in [("a", 10_000), ("b", 20_000)] {
                let rows = (0..<4_000).map { ["U\($0)", "Tester", "", String(base + $0), "\(name)\($0)@company.com", "Agent", "US"] }
                try workspace.writeRows("\(name).csv", rows)
            }
            async let first = workspace.run(["import", "a.csv", "--json"])
            async let second = workspace.run(["import", "b.csv", "--json"])
            let (a, b) = try await (first, second)
            #expect(a.status == 0, "\(a)")
            #expect(b.status == 0, "\(b)")
            #expect(try a.json()["created"] as? Int == 4_000 && b.json()["created"] as? Int == 4_000)
            #expect(try await workspace.users().count == 8_000)
        }
    }

    /// The first sync blocks in its pull on a named pipe that nobody writes: a second sync of the
    /// job is refused with exit 5; once the first is killed, the next sync settles it and runs.
    @Test(.timeLimit(.minutes(2)))
    func aRunningJobRefusesASecondSyncAndAKilledRunIsSettled() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            let export = workspace.path("export.csv")
            #expect(mkfifo(export, 0o600) == 0)
            let (blocked, _, _) = try workspace.start(["sync", "crm", "--config", config])
            defer { if blocked.isRunning { kill(blocked.processIdentifier, SIGKILL) } }
            var running = false
            for _ in 0..<200 where !running {
                running = try await workspace.run(["runs", "list", "--json"]).stdout.contains("\"running\"")
                if !running { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(running, "the first sync recorded its run before pulling")

            let refused = try await workspace.run(["sync", "crm", "--config", config])
            #expect(refused.status == 5, "\(refused)")
            #expect(refused.stderr.contains("job 'crm' is already running"), "\(refused)")

            kill(blocked.processIdentifier, SIGKILL)
            blocked.waitUntilExit()
            try FileManager.default.removeItem(atPath: export)
            try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
            let next = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(next.status == 0, "\(next)")
            #expect(try next.json()["created"] as? Int == 3)
            let history = try await workspace.run(["runs", "list", "--json"]).stdout
            #expect(history.contains("\"interrupted\""), "the killed run is settled: \(history)")
            #expect(!history.contains("\"running\""), "\(history)")
        }
    }
}
