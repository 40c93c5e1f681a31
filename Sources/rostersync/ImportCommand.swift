import ArgumentParser
import Foundation
import RosterCore
import RosterEngine

/// `rostersync import FILE [--dry-run] [--report F] [--json]`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Validate a template CSV and upsert its users.",
        discussion: "Rows that fail go to an error report (default NAME.errors.csv beside the file) that can be fixed and imported as it is.")

    @Argument(help: "The CSV file, in the template's columns.")
    var file: String

    @Flag(help: "Validate and plan only; write nothing.")
    var dryRun = false

    @Option(help: "Where to write the error report.")
    var report: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let services = try global.makeServices()
        let result: ImportResult
        do {
            result = try await services.importService.importFile(
                at: file, options: ImportOptions(dryRun: dryRun, reportPath: report), progress: ProgressLine.reporter())
        } catch let rejection as FileRejection where global.json {
            Output.json(["run": NSNull(), "rows": 0, "created": 0, "updated": 0, "unchanged": 0, "failed": 0,
                         "report": NSNull(), "errors": rejection.description.split(separator: "\n").map(String.init)])
            Output.error("\(rejection)")
            throw ExitCode(ExitStatus.fileRejected)
        }
        ProgressLine.finish()
        let run = result.run
        if global.json {
            Output.json(["run": Output.nullable(dryRun ? nil : run.id), "rows": run.rows, "created": run.created, "updated": run.updated,
                         "unchanged": run.unchanged, "failed": run.failed, "report": Output.nullable(run.reportPath), "errors": [String]()])
        } else {
            let prefix = dryRun ? "Dry run of \(file) (nothing written)" : "Imported \(file) (run \(run.id))"
            print("\(prefix): \(run.rows) rows: \(run.created) created, \(run.updated) updated, \(run.unchanged) unchanged, \(run.failed) failed")
            if let path = run.reportPath {
                print("\(run.failed) rows failed: fix them in \(path) and import that file again")
            } else if run.failed > 0 {
                print("\(run.failed) rows failed: run without --dry-run, or add --report FILE, to get the error report")
            }
        }
        if run.failed > 0 { throw ExitCode(ExitStatus.rowsFailed) }
    }
}
