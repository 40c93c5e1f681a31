public import Foundation
import RosterCore

/// How a run ended (DESIGN §5 and the run history).
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running
    case succeeded
    case completedWithFailures = "completed with failures"
    case failed
    case safeguardTripped = "safeguard tripped"
    case interrupted
    /// A scheduled time came while the job's previous run was still going; nothing was pulled.
    case skipped
}

/// What started a run.
public enum RunTrigger: String, Sendable, Codable {
    case manual, schedule, api
}

/// One import or sync in the run history.
public struct RunRecord: Sendable, Equatable, Codable {
    public var id: Int64
    /// `import` or `sync`.
    public var kind: String
    /// The file name, or the job name for a sync.
    public var source: String
    public var trigger: RunTrigger
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: RunStatus
    public var rows = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var failed = 0
    public var deactivated = 0
    public var pulled = 0
    /// Users of the job pending deactivation after this run (`deactivate_after`).
    public var pending = 0
    /// Where the error report was written, when rows failed.
    public var reportPath: String?
    /// The header of the failed rows' cells when it is not the template's: a mapped import keeps
    /// its file's own columns, so `report` can label them as the file did.
    public var reportColumns: [String]?
    /// A sentence for people: why a run failed or a safeguard tripped.
    public var message: String?
    /// The scheduled time a scheduler-started run (or a skip) is for; `nil` for manual, API and
    /// CLI runs. A store keeps one run per job and scheduled time, so each time runs once across
    /// all the instances sharing the store (``ScheduledRunTaken``).
    public var scheduledFor: Date?
    /// Where the run runs: ``RunInstance`` text, `host:pid`. The store writes the current
    /// process's when ``UserStore/beginRun(_:)`` is given `nil`.
    public var instance: String?
    /// When the running instance last renewed the run's lease (``UserStore/renewLease(runID:)``);
    /// the run's start until the first renewal.
    public var heartbeatAt: Date?

    public init(id: Int64 = 0, kind: String, source: String, trigger: RunTrigger, startedAt: Date, status: RunStatus = .running) {
        self.id = id
        self.kind = kind
        self.source = source
        self.trigger = trigger
        self.startedAt = startedAt
        self.status = status
    }
}

/// One failed row of an error report: the template cells as written, the row number a
/// spreadsheet shows (header = 1) and every reason.
public struct ReportRow: Sendable, Equatable, Codable {
    public var row: Int
    public var cells: [String]
    public var errors: [String]
    /// The source system's id of the record (syncs only).
    public var externalID: String?

    public init(row: Int, cells: [String], errors: [String], externalID: String? = nil) {
        self.row = row
        self.cells = cells
        self.errors = errors
        self.externalID = externalID
    }

    /// The header of an error report CSV.
    public static func header(withExternalID: Bool) -> [String] {
        header(columns: Template.headers, withExternalID: withExternalID)
    }

    /// The header of an error report whose rows keep a source file's own `columns` (a mapped import).
    public static func header(columns: [String], withExternalID: Bool) -> [String] {
        columns + ["Row", "Errors"] + (withExternalID ? ["External ID"] : [])
    }

    /// Longest cell a report keeps, in UTF-8 bytes: far past any valid value, so that a hostile
    /// cell (a 100 MB name) is neither stored with the run nor written to the report whole.
    public static let cellByteLimit = 64 << 10

    /// `cell`, cut to its first ``cellByteLimit`` bytes when longer.
    static func bounded(_ cell: String) -> String {
        cell.utf8.count <= cellByteLimit ? cell : String(decoding: cell.utf8.prefix(cellByteLimit), as: UTF8.self)
    }

    /// This row's CSV cells in ``header(withExternalID:)`` order.
    public func csvCells(withExternalID: Bool) -> [String] {
        cells + [String(row), errors.joined(separator: "; ")] + (withExternalID ? [externalID ?? ""] : [])
    }
}
