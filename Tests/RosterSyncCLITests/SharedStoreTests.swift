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

    /// Two imports at once whose files share 1,500 users (each file giving them its own extension)
    /// and 1,500 extensions (each file giving them to its own users): whichever commits second
    /// updates the shared users and fails its rows whose extension the first took, with the
    /// holder named. No email or extension is ever stored twice.
    @Test(.timeLimit(.minutes(2)), arguments: SharedStoreKind.available)
    func overlappingImportsAtOnceNeverDuplicateAUserOrAnExtension(store kind: SharedStoreKind) async throws {
        try await kind.withStoreURL { url in try await overlappingImports(storeURL: url) }
    }

    /// The overlapping imports on the store at `storeURL`, or the workspace's SQLite file when `nil`.
    private func overlappingImports(storeURL: String?) async throws {
        try await Workspace.with { workspace in
            func run(_ arguments: [String]) async throws -> CommandResult {
                guard let storeURL else { return try await workspace.run(arguments) }
                return try await workspace.run(arguments + ["--db", storeURL], database: false)
            }
            for (name, base) in [("a", 10_000), ("b", 20_000)] {
                let shared = (0..<1_500).map { ["S\($0)", name, "", String(base + $0), "shared\($0)@company.com", "Agent", "US"] }
                let own = (0..<1_500).map { ["O\($0)", name, "", String(30_000 + $0), "\(name)\($0)@company.com", "Agent", "US"] }
                try workspace.writeRows("\(name).csv", shared + own)
            }
            async let first = run(["import", "a.csv", "--json"])
            async let second = run(["import", "b.csv", "--json"])
            let results = try await [first, second]
            let outcomes = try results.map { try $0.json() }
            #expect(Set(results.map(\.status)) == [0, 1], "one import lands whole, the other fails the taken extensions: \(results)")
            #expect(outcomes.map { $0["failed"] as? Int ?? -1 }.sorted() == [0, 1_500])
            #expect(outcomes.map { $0["created"] as? Int ?? -1 }.sorted() == [0, 3_000])

            let listed = try await run(["users", "list", "--format", "json"])
            let users = try #require(try listed.json()["users"] as? [[String: Any]], "\(listed)")
            #expect(users.count == 3_000, "the shared users once, the first import's own users")
            let emails = users.compactMap { ($0["email"] as? String)?.lowercased() }
            let extensions = users.compactMap { $0["extension"] as? String }.filter { !$0.isEmpty }
            #expect(Set(emails).count == emails.count && Set(extensions).count == extensions.count && extensions.count == 3_000)

            let loser = try #require(outcomes.first { $0["failed"] as? Int == 1_500 }?["run"] as? Int)
            let report = try await run(["report", String(loser), "--format", "json"])
            let failures = try #require(try report.json()["failures"] as? [[String: Any]])
            #expect(failures.count == 1_500)
            let reason = (failures.first?["errors"] as? [String])?.joined() ?? ""
            #expect(reason.contains("Extension: 30000 is already held by ") && reason.contains("0@company.com"), "\(reason)")
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
            #expect(history.contains("\"failed\"") && history.contains("its process is gone"), "the killed run is settled: \(history)")
            #expect(!history.contains("\"running\""), "\(history)")
        }
    }
}
