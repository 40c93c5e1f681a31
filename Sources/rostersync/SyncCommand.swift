import ArgumentParser
import CurlHTTP
import Foundation
import RosterEngine

/// `rostersync sync JOB|--all [--dry-run] [--full] [--allow-deactivations N] [--json]`: a one-off pull now.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Pull a job's source now, map, validate and upsert its users.",
        discussion: "Jobs are defined under 'jobs:' in rostersync.yaml. Exit code 4 when the source cannot be pulled.")

    @Argument(help: "The job to run.")
    var job: String?

    @Flag(help: "Run every job in the config, one after the other.")
    var all = false

    @Flag(help: "Print the plan (create, update old → new, deactivate, failed) and write nothing.")
    var dryRun = false

    @Flag(help: "Ignore the stored incremental cursor and pull everything.")
    var full = false

    @Option(help: "Deactivate up to N users even past the job's threshold (after checking a tripped safeguard).")
    var allowDeactivations: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (job != nil) != all else { throw ValidationError("name one job, or pass --all") }
        if let allowDeactivations, allowDeactivations < 0 { throw ValidationError("--allow-deactivations must be 0 or more") }
    }

    func run() async throws {
        let services = try await global.makeServices(jobs: .oneOff)
        let jobs = try all ? services.config.jobs : [services.config.job(named: job!, file: global.configPath)]
        let http = CurlHTTPClient()
        defer { Task { await http.shutdown() } }
        let service = SyncService(store: services.store, catalog: services.config.catalog, http: http)
        let options = SyncOptions(dryRun: dryRun, full: full, allowDeactivations: allowDeactivations)
        var objects: [[String: Any]] = []
        var worst: Int32 = ExitStatus.success
        for job in jobs {
            let lastRunBefore = try await services.store.runs(limit: 1).first?.id ?? 0
            do {
                let result = try await service.sync(job, configFile: global.configPath, options: options)
                objects.append(Self.object(result, dryRun: dryRun))
                if !global.json { Self.printHuman(result, job: job.name, dryRun: dryRun) }
                if result.run.failed > 0 || result.run.status == .safeguardTripped { worst = max(worst, ExitStatus.rowsFailed) }
            } catch {
                let (status, message) = ExitStatus.classify(error)
                // A pull that failed was still recorded as a run (nothing written); name it.
                let recorded = dryRun ? nil : try? await services.store.runs(limit: 10)
                    .first { $0.kind == "sync" && $0.source == job.name && $0.id > lastRunBefore }
                let runNote = recorded.map { " (recorded as run \($0.id); see `rostersync report \($0.id)`)" } ?? ""
                Output.error("sync \(job.name) failed\(runNote): \(message)")
                objects.append(["job": job.name, "run": Output.nullable(recorded?.id), "status": recorded?.status.rawValue ?? "failed", "errors": [message]])
                worst = max(worst, status)
            }
        }
        if global.json { Output.json(all ? ["runs": objects] : objects.first ?? [:]) }
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }

    private static func object(_ result: SyncResult, dryRun: Bool) -> [String: Any] {
        let run = result.run
        var object: [String: Any] = [
            "job": run.source, "run": Output.nullable(dryRun ? nil : run.id), "rows": run.rows, "created": run.created,
            "updated": run.updated, "unchanged": run.unchanged, "failed": run.failed, "deactivated": run.deactivated,
            "pending": run.pending, "pulled": run.pulled, "renamed": result.renamed, "status": run.status.rawValue, "report": Output.nullable(run.reportPath),
            "errors": run.message.map { [$0] } ?? [], "filtered": result.filteredOut,
        ]
        if dryRun {
            object["failures"] = result.failedRows.map(FailedRows.object)
            object["plan"] = result.plan.map(PlanRendering.object)
        }
        return object
    }

    private static func printHuman(_ result: SyncResult, job: String, dryRun: Bool) {
        let run = result.run
        if dryRun { PlanRendering.print(result.plan, total: result.plan.count) }
        let prefix = dryRun ? "Dry run of job \(job) (nothing written)" : "Synced job \(job) (run \(run.id))"
        let filtered = result.filteredOut > 0 ? " (\(result.filteredOut) skipped by the mapping's filter)" : ""
        print("\(prefix): pulled \(run.pulled)\(filtered), \(Output.count(run.rows, "row")): \(run.created) created, \(run.updated) updated, \(run.unchanged) unchanged, \(run.failed) failed, \(run.deactivated) deactivated\(run.pending > 0 ? ", \(run.pending) pending deactivation" : "")\(result.renamed > 0 ? " (\(result.renamed) of the updates are email renames)" : "")")
        if let message = run.message { print("\(run.status.rawValue): \(message)") }
        guard run.failed > 0 else { return }
        if dryRun {
            FailedRows.print(result.failedRows, total: run.failed)
        } else {
            print("see the failed rows with `rostersync report \(run.id)`")
        }
    }
}
