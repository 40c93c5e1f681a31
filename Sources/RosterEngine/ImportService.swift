import Foundation
public import Logging
public import RosterCore

/// Options of one `import`.
public struct ImportOptions: Sendable {
    /// Plan and report counts, write nothing to the store and no run record.
    public var dryRun = false
    /// Where the error report goes; `nil` means `NAME.errors.csv` next to the input (not on a dry
    /// run), or `NAME.errors-runN.csv` when that name is taken.
    public var reportPath: String?
    /// Replace an existing file at a report path this command did not name (`--force`).
    public var replaceExisting = false
    /// Files the error report may never replace (the store and its companions, the config, the
    /// mapping); the input file is always protected.
    public var protectedFiles: [ProtectedFile] = []
    public var trigger = RunTrigger.manual
    /// Rows planned before their writes go to the store as one batch (a template file is planned a
    /// block of rows at a time, so its batches may run a block longer). All batches of a run
    /// share one write scope.
    public var batchSize = 10_000

    public init(dryRun: Bool = false, reportPath: String? = nil, trigger: RunTrigger = .manual) {
        self.dryRun = dryRun
        self.reportPath = reportPath
        self.trigger = trigger
    }
}

/// The outcome of an import: the run (id 0 on a dry run) and where the error report went.
public struct ImportResult: Sendable {
    public var run: RunRecord
    /// Records a mapping's `filter:` skipped (mapped imports only); they are not rows of the run.
    public var filteredOut = 0
    /// On a dry run, the first ``SyncResult/failedRowSample`` failed rows (the run's `failed`
    /// counts them all); empty otherwise, as the error report holds them.
    public var failedRows: [ReportRow] = []
    /// On a dry run, the first ``SyncResult/failedRowSample`` creates and updates, in file order
    /// (the run's `created` and `updated` count them all).
    public var plannedChanges: [PlannedChange] = []
    public var reportPath: String? { run.reportPath }
}

/// Progress of a long import, reported every few thousand rows.
public struct ImportProgress: Sendable {
    public var rows: Int
    /// Upper bound on the rows in the file.
    public var expectedRows: Int
    public var elapsedSeconds: Double
}

/// Read → validate → plan → apply for a template CSV, streaming in batches (DESIGN §1, §2).
///
/// A file-level problem rejects the file before anything is written. A run is one write scope
/// (``UserStore/write(_:)``) that loads the index, plans and applies the rows and records the
/// run, so an interrupted import leaves nothing half-done, the record says exactly what was kept,
/// and the plan is checked against the store as it is while no other writer can change it.
public struct ImportService: Sendable {
    public let store: any UserStore
    public let catalog: Catalog
    public let clock: any RosterClock
    public let logger: Logger

    public init(store: any UserStore, catalog: Catalog, clock: any RosterClock = SystemClock(), logger: Logger = Logger(label: "rostersync.engine")) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.logger = logger
    }

    /// Imports the template CSV at `path`.
    /// - Throws: ``FileRejection`` when the file breaks a file-level rule (nothing written);
    ///   ``ByteSourceError`` when it cannot be read; store errors as thrown by the store.
    public func importFile(
        at path: String, options: ImportOptions = ImportOptions(), progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) async throws -> ImportResult {
        let file = FileByteSource.displayName(path)
        var formatSource = try FileByteSource(path: path)
        let format = try CSVFormat.detect(in: &formatSource, file: file)
        let reader = try TemplateFileReader(
            reader: CSVReader(source: FileByteSource(path: path), format: format), file: file)
        guard let first = try reader.readBlock(maxRows: TemplateFileFeed.blockRows) else {
            throw FileRejection(file: file, line: 2, reasons: ["the file has a header row but no data rows; add one row per user under the header"])
        }
        return try await run(
            kind: "import", source: file, feed: TemplateFileFeed(reader: reader, first: first), expectedRows: format.lineCount,
            options: options, input: path, withExternalID: false, progress: progress)
    }

    /// Plans and applies the rows of `feed` as one run. Shared by template and mapped imports.
    /// - Parameters:
    ///   - input: the file imported, beside which the default error report goes.
    ///   - reportColumns: the header of the report's cells; a mapped file passes its own
    ///     header and sets ``SourceRow/reportCells``.
    package func run(
        kind: String, source: String, feed: some RowFeed, expectedRows: Int,
        options: ImportOptions, input: String, withExternalID: Bool, reportColumns: [String] = Template.headers,
        progress: (@Sendable (ImportProgress) -> Void)?
    ) async throws -> ImportResult {
        let started = clock.now()
        var record = RunRecord(kind: kind, source: source, trigger: options.trigger, startedAt: started)
        record.reportColumns = reportColumns == Template.headers ? nil : reportColumns
        let report = options.dryRun && options.reportPath == nil ? nil : try ErrorReportFile(
            path: options.reportPath, input: input, protecting: options.protectedFiles, replaceExisting: options.replaceExisting,
            withExternalID: withExternalID, columns: reportColumns)
        if !options.dryRun { record.id = try await store.beginRun(record) }
        logger.info("import started", metadata: ["run": "\(record.id)", "source": "\(source)", "dry-run": "\(options.dryRun)"])
        var planned = RunCounts()
        var failedRows: [ReportRow] = []
        var plannedChanges: [PlannedChange] = []
        do {
            record = try await store.writing(dryRun: options.dryRun) { [record] writes in
                var record = record
                let index = try await store.loadIndex(catalog: catalog, incomingRows: expectedRows)
                var planner = ImportPlanner(catalog: catalog, index: index)
                if let range = catalog.extensionRange { planner.assignExtensions(in: range) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // Batch N is written by a child task while batch N+1 is planned: planning never
                    // reads the store, so the two overlap and use both cores.
                    func flush() async throws {
                        try await planner.nameExtensionHolders { try await store.emailsHolding(extensions: $0) }
                        let batch = planner.takeBatch(runID: writes == nil ? nil : record.id)
                        planned = planner.counts
                        try report?.append(batch.failures)
                        if writes == nil {
                            failedRows += batch.failures.prefix(SyncResult.failedRowSample - failedRows.count)
                            plannedChanges += try await store.plannedChanges(batch, limit: SyncResult.failedRowSample - plannedChanges.count)
                        }
                        guard let writes, !batch.isEmpty else { return }
                        try await group.applyAfterPrevious(batch, to: writes)
                    }
                    var feed = feed
                    var flushedRows = 0
                    while try await feed.planNext(into: &planner) {
                        if planner.counts.rows - flushedRows >= options.batchSize {
                            flushedRows = planner.counts.rows
                            try await flush()
                            progress?(ImportProgress(rows: planner.counts.rows, expectedRows: expectedRows, elapsedSeconds: clock.now().timeIntervalSince(started)))
                        }
                    }
                    try await flush()
                    try await group.waitForAll()
                }
                record.apply(planner.counts)
                do {
                    record.reportPath = try report?.finish(keep: record.failed > 0, runID: record.id, input: input)
                } catch {
                    report?.discard()
                    record.message = "the error report was not written: \(error); print it with `rostersync report \(record.id) --format csv`"
                }
                record.finishedAt = clock.now()
                record.status = record.failed > 0 ? .completedWithFailures : .succeeded
                try await writes?.finishRun(record)
                return record
            }
        } catch {
            report?.discard()
            record.apply(planned)
            record.status = Task.isCancelled ? .interrupted : .failed
            record.message = "stopped after \(planned.rows) \(planned.rows == 1 ? "row" : "rows"): \(error); nothing was written"
            record.finishedAt = clock.now()
            if !options.dryRun { await store.recordFailedRun(record, logger: logger) }
            logger.error("import failed", metadata: record.logMetadata.merging(["error": "\(error)"]) { $1 })
            throw error
        }
        logger.info("import finished", metadata: record.logMetadata)
        return ImportResult(run: record, failedRows: failedRows, plannedChanges: plannedChanges)
    }
}

/// Hands rows to the planner, one or a block at a time; the seam between a source (a template
/// file, a mapped file, a pull) and the shared run.
package protocol RowFeed {
    /// Plans the next row or rows. - Returns: `false` when there are no more rows.
    mutating func planNext(into planner: inout ImportPlanner) async throws -> Bool
}

extension RunRecord {
    mutating func apply(_ counts: RunCounts) {
        rows = counts.rows
        created = counts.created
        updated = counts.updated
        unchanged = counts.unchanged
        failed = counts.failed
    }
}

extension FileByteSource {
    /// The last path component, as messages name the file.
    static func displayName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
