import Foundation

/// Times the release `rostersync users list` over a generated roster in each format, its output
/// going to a file: seconds, users/s, the child's peak RSS and the output size.
struct UsersListBench {
    let users: Int
    let directory: String

    func run() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let roster = "\(directory)/users-\(users).csv", database = "\(directory)/list-bench.sqlite"
        try RosterGenerator(rows: users).write(to: roster)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let binary = ImportBench.rostersyncPath()
        let load = try ChildProcess.run(binary, ["import", roster, "--db", database, "--json"])
        guard load.status == 0 else { throw BenchError("import of \(roster) failed: \(load.output)") }
        print("rostersync users list, \(users) users (imported in \(String(format: "%.1f", load.seconds)) s), binary \(binary)")
        for format in ["csv", "json", "table"] {
            let output = "\(directory)/users-list.\(format)"
            let result = try ChildProcess.run(binary, ["users", "list", "--format", format, "--db", database], keepOutput: output)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            try? FileManager.default.removeItem(atPath: output)
            guard result.status == 0 else { throw BenchError("users list --format \(format) exited \(result.status)") }
            print(String(format: "%-6@ %6.2f s  %9.0f users/s  peak RSS %6.1f MB  output %7.1f MB", format as NSString, result.seconds,
                         Double(users) / result.seconds, Double(result.maxRSSKiB) / 1024, Double(bytes) / 1_048_576))
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
