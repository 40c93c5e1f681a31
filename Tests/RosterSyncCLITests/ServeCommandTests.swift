import Foundation
import RosterEngine
import RosterStoreSQLite
import Testing

/// `rostersync serve` through the real binary: a time missed while it was down runs once at
/// start, and SIGTERM stops it cleanly.
@Suite struct ServeCommandTests {
    /// A config `serve` accepts: the shipped connector and mapping folders allowed, and one job
    /// per entry reading `export.csv` beside the config (a `nil` schedule for an unscheduled job).
    static func servedConfig(_ jobs: [(name: String, schedule: String?, timezone: String?)]) -> String {
        let repository = SyncCommandTests.repository
        return "allowed_folders: [\".\", \"\(repository)/connectors\", \"\(repository)/mappings\"]\njobs:\n" + jobs.map { job in
            """
              - name: \(job.name)
                connector: \(repository)/connectors/csv-url.yaml
                settings: {url: "file:export.csv"}
                mapping: \(repository)/mappings/custom-columns-csv.yaml

            """ + (job.schedule.map { "    schedule: \"\($0)\"\n" } ?? "") + (job.timezone.map { "    timezone: \($0)\n" } ?? "")
        }.joined()
    }

    /// `rostersync.yaml` with the hourly job `crm` reading `export.csv`, and that export with three users.
    static func writeHourlyJob(_ workspace: Workspace) throws {
        _ = try workspace.write("rostersync.yaml", servedConfig([("crm", "0 * * * *", "UTC")]))
        _ = try workspace.write("export.csv", SyncCommandTests.header + SyncCommandTests.rows.joined())
    }

    @Test(.timeLimit(.minutes(1)))
    func catchesUpAMissedTimeThenStopsOnSIGTERM() async throws {
        try await Workspace.with { workspace async throws in
            try Self.writeHourlyJob(workspace)
            // The job last ran three hours ago, so the service was down for at least two hourly times.
            let store = try SQLiteUserStore(path: workspace.database)
            var earlier = RunRecord(kind: "sync", source: "crm", trigger: .schedule, startedAt: Date().addingTimeInterval(-3 * 3600))
            earlier.id = try await store.beginRun(earlier)
            earlier.status = .succeeded
            earlier.finishedAt = earlier.startedAt
            try await store.finishRun(earlier)

            let (process, out, err) = try workspace.start(["serve", "--config", workspace.path("rostersync.yaml")])
            // Bounded wait (at most 30 s, polling every 50 ms) for the catch-up run to be recorded.
            let deadline = Date().addingTimeInterval(30)
            var runs: [RunRecord] = []
            while process.isRunning, Date() < deadline {
                runs = try await store.runs(limit: 10)
                if runs.count == 2, runs[0].status != .running { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            let result = try workspace.collect(process, out, err)

            #expect(result.status == 0, "\(result)")
            #expect(runs.first?.trigger == .schedule && runs.first?.status == .succeeded && runs.first?.created == 3, "\(runs)")
            #expect(result.stderr.contains("1 scheduled job (crm)"), "\(result.stderr)")
            #expect(result.stderr.contains("crm: run 2 succeeded: 3 created"), "\(result.stderr)")
            #expect(result.stderr.contains("rostersync serve: stopped"), "\(result.stderr)")
            #expect(try await store.runs(limit: 10).count == 2, "one catch-up run for all the missed times")
        }
    }
}
