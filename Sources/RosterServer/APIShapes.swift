import Foundation
import RosterCore
import RosterEngine

/// A run as the API shows it.
struct RunBody: Encodable {
    var id: Int64
    var kind: String
    var source: String
    var trigger: String
    var status: String
    var startedAt: Date
    var finishedAt: Date?
    var rows, created, updated, unchanged, failed, deactivated, pulled: Int
    var message: String?
    var dryRun: Bool
    /// The scheduled time a scheduled run stands for (one run per job and time across instances).
    var scheduledFor: Date?
    /// The instance (host:pid) that runs or ran it.
    var instance: String?

    init(_ run: RunRecord, dryRun: Bool = false) {
        id = run.id
        kind = run.kind
        source = run.source
        trigger = run.trigger.rawValue
        status = run.status.rawValue
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        rows = run.rows
        created = run.created
        updated = run.updated
        unchanged = run.unchanged
        failed = run.failed
        deactivated = run.deactivated
        pulled = run.pulled
        message = run.message
        self.dryRun = dryRun
        scheduledFor = run.scheduledFor
        instance = run.instance
    }
}

/// A failed row: its spreadsheet row number, cells by column and every reason.
struct FailureBody: Encodable {
    var row: Int
    var cells: [String: String]
    var errors: [String]
    var externalID: String?

    init(_ failure: ReportRow, columns: [String]) {
        row = failure.row
        cells = Dictionary(zip(columns, failure.cells), uniquingKeysWith: { first, _ in first })
        errors = failure.errors
        externalID = failure.externalID
    }
}

/// One change of a dry-run sync plan.
struct PlannedChangeBody: Encodable {
    struct Change: Encodable {
        var column, old, new: String
    }

    var action: String
    var email: String
    var changes: [Change]

    init(_ change: PlannedChange) {
        action = change.action.rawValue
        email = change.email
        changes = change.changes.map { Change(column: $0.column, old: $0.old, new: $0.new) }
    }
}

/// A job with its schedule, next time and last run.
struct JobBody: Encodable {
    var name: String
    var schedule: String?
    var timezone: String
    /// The next scheduled time in the job's zone, ISO 8601 with offset.
    var nextRun: String?
    var lastRun: RunBody?
    var running: Bool
}
