import ArgumentParser
import Foundation
import RosterEngine

/// `rostersync runs list [--json]`: the run history, newest first.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "Show the run history.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List imports and syncs, newest first.")

        @Option(help: "How many runs to show, newest first.")
        var limit = 50

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        }

        func run() async throws {
            let runs = try await global.makeServices(readOnly: true).store.runs(limit: limit)
            if global.json {
                Output.json(["runs": runs.map(RunJSON.object)])
                return
            }
            guard !runs.isEmpty else {
                print("no runs yet; import a file (rostersync import FILE) or sync a job (rostersync sync JOB)")
                return
            }
            let rows = runs.map { run in
                [String(run.id), run.status.rawValue, run.kind, run.source, run.trigger.rawValue, Output.timestamp(run.startedAt),
                 String(run.rows), String(run.created), String(run.updated), String(run.unchanged), String(run.failed),
                 String(run.deactivated), String(run.pending), run.instance ?? "", run.message ?? ""]
            }
            let header = ["Run", "Status", "Kind", "Source", "Trigger", "Started", "Rows", "Created", "Updated", "Unchanged", "Failed",
                          "Deactivated", "Pending", "Instance", "Message"]
            print(Output.table(header: header, rows: rows))
        }
    }
}

/// The JSON shape of a run record.
enum RunJSON {
    static func object(_ run: RunRecord) -> [String: Any] {
        [
            "run": run.id, "kind": run.kind, "source": run.source, "trigger": run.trigger.rawValue,
            "startedAt": Output.timestamp(run.startedAt), "finishedAt": Output.nullable(run.finishedAt.map(Output.timestamp)),
            "status": run.status.rawValue, "rows": run.rows, "created": run.created, "updated": run.updated,
            "unchanged": run.unchanged, "failed": run.failed, "deactivated": run.deactivated, "pulled": run.pulled,
            "pending": run.pending,
            "report": Output.nullable(run.reportPath), "message": Output.nullable(run.message),
            "scheduledFor": Output.nullable(run.scheduledFor.map(Output.timestamp)), "instance": Output.nullable(run.instance),
            "heartbeatAt": Output.nullable(run.heartbeatAt.map(Output.timestamp)),
        ]
    }
}

/// How a run is named in human output.
enum RunSummary {
    /// "Run 2 (sync of entra, manual, started 2026-…): failed".
    static func headline(_ run: RunRecord) -> String {
        "Run \(run.id) (\(run.kind) of \(run.source), \(run.trigger.rawValue), started \(Output.timestamp(run.startedAt))): \(run.status.rawValue)"
    }
}
