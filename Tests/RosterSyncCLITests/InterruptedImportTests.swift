import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import Testing

/// An import killed mid-way leaves whole users only, and running it again completes it (DESIGN §2,
/// STYLE §9: each batch is one transaction).
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
            // Create and migrate the database first, so this process can watch it while the import writes.
            #expect(try await workspace.run(["runs", "list"]).status == 0)
            let watcher = try SQLiteUserStore(path: workspace.database)
            let (process, out, err) = try workspace.start(["import", input, "--json"])
            // Bounded wait (at most 60 s, polling every 20 ms) for the first batch to be committed.
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline, try await watcher.loadIndex(catalog: .standard, incomingRows: 0).count == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let killedMidway = process.isRunning
            if killedMidway { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let killed = try workspace.collect(process, out, err)
            #expect(killedMidway, "the import finished before it could be interrupted: \(killed)")
            if killedMidway { #expect(killed.reason == .uncaughtSignal) }

            let partial = try await watcher.users().map(\.record.row)
            #expect(partial.count > 0 && partial.count < Self.rowCount, "killed after whole batches only: \(partial.count) users")
            #expect(Set(partial.map { $0.email.lowercased() }).count == partial.count, "no duplicate user")
            #expect(Set(partial.map(\.extension)).count == partial.count, "no extension twice")
            let validator = RowValidator(catalog: .standard)
            let broken = partial.filter { !validator.validate($0).issues.isEmpty }
            #expect(broken.isEmpty, "half-written users: \(broken.prefix(3))")

            let rerun = try await workspace.run(["import", input, "--json"])
            #expect(rerun.status == 0, "\(rerun)")
            let json = try rerun.json()
            #expect(counts(json) == [Self.rowCount, Self.rowCount - partial.count, 0, partial.count, 0])

            // Every generated email is stored, and there are exactly as many users as rows.
            let index = try await watcher.loadIndex(catalog: .standard, incomingRows: 0)
            #expect(index.count == Self.rowCount)
            let missing = (0..<Self.rowCount).filter { index.user(emailHash: StableHash.ofLowercased("user\($0)@company.com")) == nil }
            #expect(missing.isEmpty, "missing rows: \(missing.prefix(5))")
        }
    }
}
