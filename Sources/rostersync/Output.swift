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

    /// Columns padded to their widest cell, two spaces apart.
    static func table(header: [String], rows: [[String]]) -> String {
        // A line break inside a cell would break the table's lines; show it as a visible mark.
        let rows = rows.map { $0.map { $0.replacingOccurrences(of: "\r\n", with: "⏎").replacingOccurrences(of: "\n", with: "⏎") } }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
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
