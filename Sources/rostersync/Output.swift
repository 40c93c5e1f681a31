import Foundation
import RosterEngine

/// Rendering shared by the commands: one JSON object on stdout, aligned tables, stderr text.
enum Output {
    /// Prints `object` as one JSON object (sorted keys) on stdout.
    static func json(_ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Writes `text` and a newline to stderr.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Columns padded to their widest cell, two spaces apart. A line break or a control
    /// character inside a cell (an ESC sequence in a display name) is shown as a visible mark,
    /// never sent to the terminal as it is.
    static func table(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map(\.terminalSafe) }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        return ([tableLine(header, widths: widths)] + rows.map { tableLine($0, widths: widths) }).joined(separator: "\n")
    }

    /// One table line: each cell but the last padded to its column's width.
    static func tableLine(_ cells: [String], widths: [Int]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index > 0 { line += "  " }
            line += cell
            if index < cells.count - 1, index < widths.count { line += String(repeating: " ", count: max(0, widths[index] - cell.count)) }
        }
        // An empty last cell leaves the padding of the one before it at the end of the line.
        while line.last == " " { line.removeLast() }
        return line
    }

    /// `count` and the noun, singular for 1: "1 row", "2 rows".
    static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// `NSNull` for nil, so JSON keeps the key with `null`.
    static func nullable(_ value: Any?) -> Any { value ?? NSNull() }

    static func timestamp(_ date: Date?) -> String {
        guard let date else { return "" }
        return ISO8601DateFormatter().string(from: date)
    }
}

/// Rows-per-second progress on stderr, only when stderr is a terminal (a person is watching).
enum ProgressLine {
    static func reporter() -> (@Sendable (ImportProgress) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { progress in
            let rate = progress.elapsedSeconds > 0 ? Int(Double(progress.rows) / progress.elapsedSeconds) : 0
            let percent = progress.expectedRows > 0 ? min(100, progress.rows * 100 / progress.expectedRows) : 0
            FileHandle.standardError.write(Data("\r\(progress.rows) rows (~\(percent)%), \(rate) rows/s   ".utf8))
        }
    }

    /// Ends the progress line before the summary.
    static func finish() {
        if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// The failed rows a dry run shows, since it stores no report.
enum FailedRows {
    /// "Failed rows:" then one line per row (its number and every reason), then how many more failed.
    static func print(_ rows: [ReportRow], total: Int) {
        Swift.print("Failed rows\(total > rows.count ? " (first \(rows.count) of \(total))" : ""):")
        for row in rows {
            let id = row.externalID.map { " (id \($0))" } ?? ""
            Swift.print("  Row \(row.row)\(id): \(row.errors.joined(separator: "; "))".terminalSafe)
        }
        if total > rows.count { Swift.print("  … and \(Output.count(total - rows.count, "more row")) (run without --dry-run to get the full report)") }
    }

    /// The JSON shape of one failed row: `row`, `errors`, `externalID`.
    static func object(_ row: ReportRow) -> [String: Any] {
        ["row": row.row, "errors": row.errors, "externalID": Output.nullable(row.externalID)]
    }
}

/// The plan a dry run prints: one line per change, old → new for updates.
enum PlanRendering {
    /// "Plan:" (or "Plan (first N of M changes):") and one line per change; "Plan: no changes".
    static func print(_ changes: [PlannedChange], total: Int) {
        guard total > 0 else {
            Swift.print("Plan: no changes")
            return
        }
        Swift.print(total > changes.count ? "Plan (first \(changes.count) of \(Output.count(total, "change"))):" : "Plan:")
        for change in changes {
            let details = change.changes.map { "\($0.column): \($0.old) → \($0.new)" }.joined(separator: "; ")
            Swift.print("  \(change.action.rawValue) \(change.email)\(details.isEmpty ? "" : " (\(details))")".terminalSafe)
        }
    }

    /// The JSON shape of one change: `action`, `email`, `changes[]` (`column`, `old`, `new`).
    static func object(_ change: PlannedChange) -> [String: Any] {
        ["action": change.action.rawValue, "email": change.email,
         "changes": change.changes.map { ["column": $0.column, "old": $0.old, "new": $0.new] }]
    }
}
