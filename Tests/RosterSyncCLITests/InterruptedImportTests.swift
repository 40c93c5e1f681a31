import Foundation
import RosterCore
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

    /// Bytes of the SQLite write-ahead log: it grows once the first batch is being committed.
    static func walSize(_ workspace: Workspace) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: workspace.database + "-wal")[.size] as? Int) ?? 0
    }

    /// Every stored user, read back through `users list --format csv`.
    static func storedRows(_ workspace: Workspace) async throws -> [TemplateRow] {
        let listed = try await workspace.run(["users", "list", "--format", "csv"])
        guard listed.status == 0 else { throw CLIError("users list failed: \(listed)") }
        let reader = CSVReader(source: MemoryByteSource(Array(listed.stdoutData)))
        _ = try reader.next()
        var rows: [TemplateRow] = []
        while try reader.next() {
            var row = TemplateRow()
            for column in TemplateColumn.allCases { row[column] = reader.field(column.rawValue) }
            rows.append(row)
        }
        return rows
    }

    @Test(.timeLimit(.minutes(2)))
    func killedImportLeavesWholeUsersAndRerunCompletesIt() async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.write("big.csv", bytes: Self.bigFile())
            let (process, out, err) = try workspace.start(["import", input, "--json"])
            // Bounded wait (at most 60 s, polling every 2 ms) for the first batch to reach the database.
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Self.walSize(workspace) < 1 << 20, Date() < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            let killedMidway = process.isRunning
            if killedMidway { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let killed = try workspace.collect(process, out, err)
            #expect(killedMidway, "the import finished before it could be interrupted: \(killed)")
            if killedMidway { #expect(killed.reason == .uncaughtSignal) }

            let validator = RowValidator(catalog: .standard)
            let partial = try await Self.storedRows(workspace)
            #expect(partial.count <= Self.rowCount)
            #expect(Set(partial.map { $0.email.lowercased() }).count == partial.count, "no duplicate user")
            #expect(Set(partial.map(\.extension)).count == partial.count, "no extension twice")
            let broken = partial.filter { !validator.validate($0).issues.isEmpty }
            #expect(broken.isEmpty, "half-written users: \(broken.prefix(3))")

            let rerun = try await workspace.run(["import", input, "--json"])
            #expect(rerun.status == 0, "\(rerun)")
            let json = try rerun.json()
            #expect(json["failed"] as? Int == 0)
            #expect(json["unchanged"] as? Int == partial.count)
            #expect(json["created"] as? Int == Self.rowCount - partial.count)

            let complete = try await Self.storedRows(workspace)
            #expect(complete.count == Self.rowCount)
            #expect(Set(complete.map(\.email)).count == Self.rowCount)
            #expect(Set(complete.map(\.email)) == Set((0..<Self.rowCount).map { "user\($0)@company.com" }))
        }
    }
}
