import Foundation
import RosterCore

/// Streams an error report CSV to disk while a run goes on (DESIGN §1): the template columns
/// as the rows were written, `Row`, `Errors` (and `External ID` for syncs), formula-neutralised.
///
/// Rows go to `PATH.partial` and the file is moved into place only when the run ends with
/// failures, so an interrupted run never leaves a half report under the real name.
final class ErrorReportFile {
    let path: String
    private let partialPath: String
    private let handle: FileHandle
    private let withExternalID: Bool

    /// `NAME.errors.csv` beside `input` (the extension `.csv` replaced).
    static func defaultPath(forInput input: String) -> String {
        let base = input.hasSuffix(".csv") || input.hasSuffix(".CSV") ? String(input.dropLast(4)) : input
        return base + ".errors.csv"
    }

    /// Starts a report whose cells are headed by `columns` (the template's, or a mapped file's own).
    init(path: String, withExternalID: Bool, columns: [String] = Template.headers) throws {
        self.path = path
        self.withExternalID = withExternalID
        partialPath = path + ".partial"
        guard FileManager.default.createFile(atPath: partialPath, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partialPath))
        try write([ReportRow.header(columns: columns, withExternalID: withExternalID)])
    }

    func append(_ rows: [ReportRow]) throws {
        guard !rows.isEmpty else { return }
        try write(rows.map { $0.csvCells(withExternalID: withExternalID) })
    }

    /// Closes the file; moves it into place and returns its path when `keep`, else removes it.
    func finish(keep: Bool) throws -> String? {
        try handle.close()
        guard keep else {
            try? FileManager.default.removeItem(atPath: partialPath)
            return nil
        }
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: partialPath, toPath: path)
        return path
    }

    /// Closes and removes the partial file after a failed run.
    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }

    private func write(_ lines: [[String]]) throws {
        var text = ""
        for cells in lines { text += CSVWriter.line(cells) + "\r\n" }
        try handle.write(contentsOf: Data(text.utf8))
    }
}
