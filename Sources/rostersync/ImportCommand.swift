import ArgumentParser
import Foundation
import RosterCore
import RosterEngine
import RosterMapping

/// `rostersync import FILE [--mapping F] [--dry-run] [--report F] [--json]`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Validate a template CSV and upsert its users.",
        discussion: "Rows that fail go to an error report (default NAME.errors.csv beside the file) that can be fixed and imported as it is.")

    @Argument(help: "The CSV file, in the template's columns.")
    var file: String

    @Flag(help: "Validate and plan only; write nothing.")
    var dryRun = false

    @Option(help: "Where to write the error report (a new or regular file; never the input or the store).")
    var report: String?

    @Flag(help: "Replace an existing error report this command did not name (the default NAME.errors.csv) instead of naming the new one by run.")
    var force = false

    @Option(help: "A mapping file (mappings/*.yaml) for a CSV whose columns are not the template's, e.g. a CRM export.")
    var mapping: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let mapped = try mapping.map(MappingFile.load(path:))
        let services = try await global.makeServices()
        var options = ImportOptions(dryRun: dryRun, reportPath: report)
        options.replaceExisting = force
        options.protectedFiles = services.storeFiles + [ProtectedFile(path: global.configPath, role: "the config file")]
            + (mapping.map { [ProtectedFile(path: $0, role: "the mapping file")] } ?? [])
        let result: ImportResult
        do {
            result = if let mapped {
                try await services.importService.importFile(at: file, mapping: mapped, options: options, progress: ProgressLine.reporter())
            } else {
                try await services.importService.importFile(at: file, options: options, progress: ProgressLine.reporter())
            }
        } catch let rejection as FileRejection where global.json {
            Output.json(["run": NSNull(), "rows": 0, "created": 0, "updated": 0, "unchanged": 0, "failed": 0,
                         "report": NSNull(), "errors": rejection.description.split(separator: "\n").map(String.init)])
            Output.error("\(rejection)")
            throw ExitCode(ExitStatus.fileRejected)
        }
        ProgressLine.finish()
        let run = result.run
        if global.json {
            var object: [String: Any] = [
                "run": Output.nullable(dryRun ? nil : run.id), "rows": run.rows, "created": run.created, "updated": run.updated,
                "unchanged": run.unchanged, "failed": run.failed, "report": Output.nullable(run.reportPath), "errors": [String](),
            ]
            if mapped != nil { object["filtered"] = result.filteredOut }
            if dryRun {
                object["failures"] = result.failedRows.map(FailedRows.object)
                object["plan"] = result.plannedChanges.map(PlanRendering.object)
            }
            Output.json(object)
        } else {
            if dryRun { PlanRendering.print(result.plannedChanges, total: run.created + run.updated) }
            let prefix = dryRun ? "Dry run of \(file) (nothing written)" : "Imported \(file) (run \(run.id))"
            let filtered = mapped == nil ? "" : " (\(Output.count(result.filteredOut, "record")) skipped by the mapping's filter)"
            let verbs = dryRun ? ["to create", "to update", "unchanged", "would fail"] : ["created", "updated", "unchanged", "failed"]
            print("\(prefix): \(Output.count(run.rows, "row")): \(run.created) \(verbs[0]), \(run.updated) \(verbs[1]), \(run.unchanged) \(verbs[2]), \(run.failed) \(verbs[3])\(filtered)")
            if let path = run.reportPath {
                let usual = ImportOptions.defaultReportPath(forInput: file)
                if report == nil, path != usual {
                    print("\(usual) is from an earlier run and was left as it is; this run's error report is \(path)")
                }
                print("\(Output.count(run.failed, "row")) failed: fix \(run.failed == 1 ? "it" : "them") in \(path) and import that file again\(mapping.map { " with --mapping \($0)" } ?? "")")
            } else if run.failed > 0 {
                FailedRows.print(result.failedRows, total: run.failed)
            }
        }
        if let message = run.message { Output.error("warning: \(message)") }
        if run.failed > 0 { throw ExitCode(ExitStatus.rowsFailed) }
    }
}
