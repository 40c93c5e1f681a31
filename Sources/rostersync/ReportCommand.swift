import ArgumentParser
import Foundation
import RosterCore
import RosterEngine

/// `rostersync report [RUN|latest] [--format table|csv|json]`: the error report of a run.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Print the error report of a run.",
        discussion: "The CSV format is the same file an import writes: fix the rows and import it as it is.")

    @Argument(help: "A run number, or 'latest'.")
    var run = "latest"

    @Option(help: "table, csv or json.")
    var format: ListFormat = .table

    @Option(help: "With 'latest': the latest run of this sync job.")
    var job: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard run == "latest" || Int64(run) != nil else {
            throw ValidationError("RUN must be a run number (see `rostersync runs list`) or 'latest'")
        }
        if global.json { throw ValidationError("report takes --format json, not --json") }
        if job != nil, run != "latest" { throw ValidationError("--job picks the latest run of a job; give either a run number or --job JOB") }
    }

    func run() async throws {
        let services = try await global.makeServices(readOnly: true)
        let store = services.store
        let record: RunRecord? = if let id = Int64(run) {
            try await store.run(id: id)
        } else if let job {
            try await store.runs(limit: 10_000).first { $0.kind == "sync" && $0.source == job }
        } else {
            try await store.runs(limit: 1).first
        }
        if record == nil, let job { _ = try services.config.job(named: job, file: global.configPath) }
        guard let record else {
            let missing = job.map { "no sync of job '\($0)' yet; run `rostersync sync \($0)`" } ?? (run == "latest" ? "no runs yet; import a file first" : "no run \(run); see `rostersync runs list`")
            throw UsageError(message: missing)
        }
        let failures = try await store.reportRows(runID: record.id)
        let withExternalID = record.kind == "sync"
        let columns = record.reportColumns ?? Template.headers
        let header = ReportRow.header(columns: columns, withExternalID: withExternalID)
        let rows = failures.map { $0.csvCells(withExternalID: withExternalID) }
        switch format {
        case .json:
            var object = RunJSON.object(record)
            object["failures"] = failures.map { failure in
                [
                    "row": failure.row, "errors": failure.errors, "externalID": Output.nullable(failure.externalID),
                    "cells": Dictionary(zip(columns, failure.cells), uniquingKeysWith: { first, _ in first }),
                ] as [String: Any]
            }
            Output.json(object)
        case .csv:
            FileHandle.standardOutput.write(Data(CSVWriter.document(header: header, rows: rows).utf8))
        case .table:
            print(RunSummary.headline(record))
            if let message = record.message { print(message) }
            print("\(record.failed) of \(Output.count(record.rows, "row")) failed")
            if record.kind == "sync" { print("\(record.deactivated) deactivated, \(record.pending) pending deactivation") }
            if !rows.isEmpty { print(Output.table(header: header, rows: rows)) }
        }
    }
}
