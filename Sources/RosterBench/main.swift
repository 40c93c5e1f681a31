import Foundation

/// RosterBench: measures the bulk paths and prints rows/s and peak RSS. Not a test: numbers
/// go into issue notes. Run in release: `swift run -c release RosterBench import`.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: RosterBench import [--rows N] [--dir DIR] [--store postgres://USER@HOST:PORT/DB]
                                                       time `rostersync import` fresh, repeated and with 1% changed + 0.5% new
                                                       into SQLite, and with --store into a new database beside DB on that
                                                       PostgreSQL server (DB itself is only connected to; PGPASSWORD if needed)
           RosterBench generate --rows N --out FILE    write the deterministic template CSV only
           RosterBench pull [--users N]                pull N Graph users from a loopback mock through libcurl
           RosterBench sync [--users N] [--dir DIR]    sync N Graph users into a new SQLite store, then again unchanged
           RosterBench concurrent [--rows N] [--users N] [--dir DIR]
                                                       two imports of N rows and a sync of N Graph users on one store,
                                                       at once and one after another
           RosterBench users-list [--users N] [--dir DIR]  time `rostersync users list` as csv, json and table over N users
           RosterBench mapping [--rows N] [--dir DIR]  write N Graph users as JSON lines, then time reading + mapping them
                                                       with mappings/microsoft-graph-users.yaml (and the mapping step alone)
    """

func option(_ name: String, default value: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}

do {
    switch arguments.first {
    case "import":
        let server = option("--store", default: "")
        try await ImportBench(rows: Int(option("--rows", default: "1000000")) ?? 1_000_000, directory: option("--dir", default: "bench-data"),
                              postgres: server.isEmpty ? nil : server).run()
    case "concurrent":
        let rows = Int(option("--rows", default: "200000")) ?? 200_000
        let users = Int(option("--users", default: "100000")) ?? 100_000
        try await runConcurrentBench(rows: rows, users: users, directory: option("--dir", default: "bench-data"))
    case "mapping":
        try runMappingBench(records: Int(option("--rows", default: "1000000")) ?? 1_000_000, directory: option("--dir", default: "bench-data"))
    case "users-list":
        try UsersListBench(users: Int(option("--users", default: "1000000")) ?? 1_000_000, directory: option("--dir", default: "bench-data")).run()
    case "generate":
        try RosterGenerator(rows: Int(option("--rows", default: "1000000")) ?? 1_000_000).write(to: option("--out", default: "users.csv"))
    case "pull":
        let users = Int(option("--users", default: "100000")) ?? 100_000
        try await runPullBench(users: users)
    case "sync":
        let users = Int(option("--users", default: "100000")) ?? 100_000
        try await runSyncBench(users: users, directory: option("--dir", default: "bench-data"))
    default:
        print(usage)
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("RosterBench: \(error)\n".utf8))
    exit(1)
}
