import Foundation

/// Times the release `rostersync import` on a generated roster: fresh, repeated unchanged,
/// and with 1% of rows changed plus 0.5% new, into SQLite and, given a server, into PostgreSQL.
/// Prints seconds, rows/s and the child's peak RSS.
struct ImportBench {
    let rows: Int
    let directory: String
    /// A PostgreSQL server's URL: the same imports also go into a new database there.
    var postgres: String?

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = "\(directory)/users-\(rows).csv", changed = "\(directory)/users-\(rows)-changed.csv"
        let database = "\(directory)/bench.sqlite"
        let generator = RosterGenerator(rows: rows)
        try generator.write(to: base)
        try generator.write(to: changed, changedEvery: 100, extra: rows / 200)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }

        print("rostersync import, \(rows) rows, binary \(Self.rostersyncPath())")
        let fresh = try importThree(base: base, changed: changed, store: database, label: "SQLite")
        if let postgres {
            let store = try await PostgresBenchDatabase.recreate(server: postgres)
            let freshPostgres = try importThree(base: base, changed: changed, store: store, label: "PostgreSQL")
            print(String(format: "PostgreSQL fresh / SQLite fresh = %.2f", freshPostgres / fresh))
            try rawPostgresCopy(store: store, freshSeconds: freshPostgres, sqliteSeconds: fresh)
        }
        try rawSQLiteImport(base, freshSeconds: fresh)
    }

    /// Imports fresh, repeated and changed into `store`; returns the fresh import's seconds.
    private func importThree(base: String, changed: String, store: String, label storeLabel: String) throws -> Double {
        var fresh = 0.0
        for (label, file) in [("fresh", base), ("repeated", base), ("1% changed + 0.5% new", changed)] {
            let result = try ChildProcess.run(Self.rostersyncPath(), ["import", file, "--db", store, "--json"])
            let total = label.hasPrefix("1%") ? rows + rows / 200 : rows
            print(String(format: "%-12@ %-24@ %6.2f s  %9.0f rows/s  peak RSS %6.1f MB  %@", storeLabel as NSString, label as NSString, result.seconds,
                         Double(total) / result.seconds, Double(result.maxRSSKiB) / 1024, result.output.trimmingCharacters(in: .whitespacesAndNewlines) as NSString))
            if label == "fresh" { fresh = result.seconds }
        }
        return fresh
    }

    /// The floor to compare a fresh import with: the sqlite3 shell's own `.import` of the same file
    /// into a table with the template's columns, a unique email and a unique extension.
    private func rawSQLiteImport(_ file: String, freshSeconds: Double) throws {
        let shell = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: shell) else {
            print("sqlite3 .import: skipped (no \(shell); apt-get install sqlite3)")
            return
        }
        let database = "\(directory)/raw-import.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let schema = """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
            CREATE TABLE users (first_name TEXT, last_name TEXT, license TEXT, extension TEXT, email TEXT, role TEXT, data_center TEXT);
            CREATE UNIQUE INDEX users_email ON users(email COLLATE NOCASE);
            CREATE UNIQUE INDEX users_extension ON users(extension) WHERE extension <> '';
            """
        let result = try ChildProcess.run(shell, [database, "-cmd", schema, ".import --csv --skip 1 \(file) users"])
        print(String(format: "%-24@ %6.2f s  %9.0f rows/s  peak RSS %6.1f MB  (fresh import / this = %.2f)", "sqlite3 .import" as NSString,
                     result.seconds, Double(rows) / result.seconds, Double(result.maxRSSKiB) / 1024, freshSeconds / result.seconds))
    }

    /// The floor of a fresh PostgreSQL import: psql's `\copy` of the stored users' rows (exported
    /// first) into an empty table like `users`, with the same indexes, on the same server.
    private func rawPostgresCopy(store: String, freshSeconds: Double, sqliteSeconds: Double) throws {
        guard let psql = ["/usr/bin/psql", "/usr/lib/postgresql/15/bin/psql"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            print("psql \\copy: skipped (no psql; apt-get install postgresql-client)")
            return
        }
        let columns = "first_name, last_name, license, extension, email, role, data_center, attributes, email_key, email_hash, content_hash, created_run, updated_run"
        let rowsFile = "\(directory)/postgres-users.tsv"
        let export = try ChildProcess.run(psql, [store, "-q", "-c", "\\copy (SELECT \(columns) FROM users ORDER BY id) TO '\(rowsFile)'",
                                                 "-c", "DROP TABLE IF EXISTS users_copy", "-c", "CREATE TABLE users_copy (LIKE users INCLUDING ALL)"])
        guard export.status == 0 else { throw BenchError("psql could not export the users: \(export.output)") }
        let load = try ChildProcess.run(psql, [store, "-q", "-c", "\\copy users_copy (\(columns)) FROM '\(rowsFile)'", "-c", "DROP TABLE users_copy"])
        try? FileManager.default.removeItem(atPath: rowsFile)
        guard load.status == 0 else { throw BenchError("psql could not load the users: \(load.output)") }
        print(String(format: "%-24@ %6.2f s  %9.0f rows/s  (fresh import / this = %.2f; this / SQLite fresh = %.2f)", "psql \\copy" as NSString,
                     load.seconds, Double(rows) / load.seconds, freshSeconds / load.seconds, load.seconds / sqliteSeconds))
    }

    /// The `rostersync` binary next to this one (same build configuration).
    static func rostersyncPath() -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rostersync").path
    }
}

/// Runs a child process and reports wall time and its own peak RSS (wait4's rusage).
enum ChildProcess {
    struct Result {
        var seconds: Double
        var maxRSSKiB: Int
        var status: Int32
        var output: String
    }

    /// - Parameter keepOutput: where stdout goes, left in place and not read back (a large
    ///   listing); by default a temporary file that becomes ``Result/output``.
    static func run(_ path: String, _ arguments: [String], keepOutput: String? = nil) throws -> Result {
        let outputPath = keepOutput ?? NSTemporaryDirectory() + "rosterbench-\(UUID().uuidString).out"
        defer { if keepOutput == nil { try? FileManager.default.removeItem(atPath: outputPath) } }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        let code = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard code == 0 else { throw NSError(domain: "spawn", code: Int(code), userInfo: [NSLocalizedDescriptionKey: "cannot run \(path)"]) }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let seconds = Date().timeIntervalSince(start)
        let output = keepOutput != nil ? "" : (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(seconds: seconds, maxRSSKiB: usage.ru_maxrss, status: status, output: output)
    }
}
