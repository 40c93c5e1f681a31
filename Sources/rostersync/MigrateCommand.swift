import ArgumentParser
import Foundation
import RosterEngine
import RosterStorePostgres
import RosterStoreSQLite

/// `rostersync migrate --from sqlite:FILE --to postgres://…`: copies a SQLite store into a
/// PostgreSQL store, ids included, in one transaction.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite store into a PostgreSQL store.",
        discussion: """
            Copies users, sync links, runs with their failed rows, job cursors and users pending deactivation, keeping \
            every run number. The target must hold no users or runs unless --replace is given. The password comes from \
            `store.password` in the config or PGPASSWORD. Stop imports, syncs and `serve` on the SQLite store first.
            """
    )

    @Option(help: "The store to copy: sqlite:FILE.")
    var from: String

    @Option(help: "The PostgreSQL store to copy into: postgres://USER@HOST:PORT/DATABASE.")
    var to: String

    @Flag(help: "Empty the target store first when it already holds users or runs.")
    var replace = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard from.hasPrefix("sqlite:"), from.count > 7 else {
            throw UsageError(message: "--from must name a SQLite store as sqlite:FILE, e.g. --from sqlite:./rostersync.sqlite; got '\(from)'")
        }
        let path = String(from.dropFirst("sqlite:".count))
        guard PostgresLocation.isPostgresURL(to) else {
            throw UsageError(message: "--to must be a PostgreSQL URL such as postgres://USER@HOST:5432/DATABASE; got '\(to.redactingURLPassword)'")
        }
        let source = try StoreOpening.openSQLite(path, mustExist: true)
        let target = try await StoreOpening.openPostgres(to, config: try global.loadConfig())
        var copy = StoreCopy()
        copy.users = try await source.users()
        copy.runs = try await source.runs(limit: Int.max)
        for run in copy.runs {
            let rows = try await source.reportRows(runID: run.id)
            if !rows.isEmpty { copy.failures[run.id] = rows }
        }
        for job in try await source.jobNames() {
            copy.links[job] = try await source.links(job: job)
            copy.jobStates[job] = try await source.jobState(job: job)
            copy.pendingDeactivations[job] = try await source.pendingDeactivations(job: job)
        }
        try await target.load(copy, replacing: replace)
        await target.close()
        let counts: [(String, Int)] = [
            ("users", copy.users.count), ("runs", copy.runs.count), ("failed_rows", copy.failures.values.reduce(0) { $0 + $1.count }),
            ("links", copy.links.values.reduce(0) { $0 + $1.count }), ("job_cursors", copy.jobStates.count),
            ("pending_deactivations", copy.pendingDeactivations.values.reduce(0) { $0 + $1.count }),
        ]
        let into = target.location.displayName
        if global.json {
            var object: [String: Any] = ["from": path, "to": into]
            for (key, count) in counts { object[key] = count }
            Output.json(object)
        } else {
            let summary = counts.map { "\($0.1) \($0.0.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
            print("copied \(summary) from \(path) into \(into)")
        }
    }
}
