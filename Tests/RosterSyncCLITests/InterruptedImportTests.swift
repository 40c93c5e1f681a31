import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import Testing

/// An import killed mid-way leaves no half-written user and no duplicate, and running it again
/// completes it (DESIGN §2): a run's writes are one transaction, so the kill rolls all of them back.
@Suite struct InterruptedImportTests {
    static let rowCount = 200_000

    /// `rowCount` valid, distinct users.
    static func bigFile() -> [UInt8] {
        var bytes = Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\n".utf8)
        bytes.reserveCapacity(rowCount * 64)
        let roles = ["Agent", "Supervisor", "Admin"], centers = ["US", "UK", "BR"], licenses = ["Enterprise", "Contact", ""]
        for index in 0..<rowCount {
            let line = "First\(index),Last\(index),\(licenses[index % 3]),\(100_000 + index),user\(index)@company.com,\(roles[index % 3]),\(centers[index % 3])\n"
            bytes += Array(line.utf8)
        }
        return bytes
    }

    /// Every stored user, read straight from the SQLite file the binary wrote (in-process, so
    /// checking 200k rows costs a fraction of rendering them through `users list`).
    static func storedRows(_ workspace: Workspace) async throws -> [TemplateRow] {
        try await SQLiteUserStore(path: workspace.database).users().map(\.record.row)
    }

    @Test(.timeLimit(.minutes(3)))
    func killedImportLeavesWholeUsersAndRerunCompletesIt() async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.write("big.csv", bytes: Self.bigFile())
            // The database is created and migrated first, so this process can watch it while the import writes.
            let watcher = try SQLiteUserStore(path: workspace.database)
            let (process, out, err) = try workspace.start(["import", input, "--json"])
            // Bounded wait (at most 60 s, polling every 20 ms) until the import is writing: its
            // uncommitted pages fill the write-ahead log.
            let deadline = Date().addingTimeInterval(60)
            func walBytes() -> Int { ((try? FileManager.default.attributesOfItem(atPath: workspace.database + "-wal"))?[.size] as? Int) ?? 0 }
            while process.isRunning, Date() < deadline, walBytes() < 1 << 20 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let killedMidway = process.isRunning
            if killedMidway { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let killed = try workspace.collect(process, out, err)
            #expect(killedMidway, "the import finished before it could be interrupted: \(killed)")
            if killedMidway { #expect(killed.reason == .uncaughtSignal) }

            let partial = try await watcher.users().map(\.record.row)
            #expect(partial.isEmpty, "the interrupted run's writes were rolled back: \(partial.count) users")

            let rerun = try await workspace.run(["import", input, "--json"])
            #expect(rerun.status == 0, "\(rerun)")
            let json = try rerun.json()
            #expect(counts(json) == [Self.rowCount, Self.rowCount - partial.count, 0, partial.count, 0])

            // The rerun's process found the killed run still marked running, its process gone.
            let runs = try await watcher.runs(limit: 5)
            #expect(runs.map(\.status) == [.succeeded, .failed])
            #expect(runs.last?.message?.contains("stopped before the run finished") == true, "\(runs)")

            // Every generated email is stored, and there are exactly as many users as rows.
            let index = try await watcher.loadIndex(catalog: .standard, incomingRows: 0)
            #expect(index.count == Self.rowCount)
            let missing = (0..<Self.rowCount).filter { index.user(email: "user\($0)@company.com") == nil }
            #expect(missing.isEmpty, "missing rows: \(missing.prefix(5))")
        }
    }
}
