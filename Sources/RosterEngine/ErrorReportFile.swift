import Foundation
import RosterCore

/// Streams an error report CSV to disk while a run goes on (DESIGN §1): the template columns
/// as the rows were written, `Row`, `Errors` (and `External ID` for syncs), formula-neutralised.
///
/// Rows go to a temporary file beside the report (``OutputFile``) that is renamed into place
/// only when the run ends with failures, so an interrupted run never leaves a half report under
/// the real name. A default report never replaces a file: when `NAME.errors.csv` is taken (the
/// report of an earlier run, perhaps being fixed by hand), it is named by run, `NAME.errors-run12.csv`.
final class ErrorReportFile {
    private let file: OutputFile
    private let path: String
    private let isDefault: Bool
    private let replaceExisting: Bool
    private let withExternalID: Bool

    /// `NAME.errors.csv` beside `input` (the extension `.csv` replaced).
    static func defaultPath(forInput input: String) -> String {
        base(of: input) + ".errors.csv"
    }

    /// `NAME.errors-runID.csv` beside `input`: the default report when `NAME.errors.csv` is taken.
    static func runPath(forInput input: String, runID: Int64) -> String {
        base(of: input) + ".errors-run\(runID).csv"
    }

    private static func base(of input: String) -> String {
        input.hasSuffix(".csv") || input.hasSuffix(".CSV") ? String(input.dropLast(4)) : input
    }

    /// Starts a report whose cells are headed by `columns` (the template's, or a mapped file's own).
    /// - Parameters:
    ///   - path: the report path the user named, or `nil` for the default beside `input`.
    ///   - replaceExisting: the user named `path` or passed `--force`.
    /// - Throws: ``OutputFileError`` when the report cannot go there (checked before the run starts).
    init(path: String?, input: String, protecting protected: [ProtectedFile], replaceExisting: Bool,
         withExternalID: Bool, columns: [String] = Template.headers) throws {
        self.path = path ?? Self.defaultPath(forInput: input)
        isDefault = path == nil
        self.replaceExisting = replaceExisting || path != nil
        self.withExternalID = withExternalID
        let input = ProtectedFile(path: input, role: "the input file")
        // A named path may be replaced; a taken default name is avoided in `finish`.
        file = try OutputFile(path: self.path, protecting: protected + [input], replaceExisting: true)
        try write([ReportRow.header(columns: columns, withExternalID: withExternalID)])
    }

    func append(_ rows: [ReportRow]) throws {
        guard !rows.isEmpty else { return }
        try write(rows.map { $0.csvCells(withExternalID: withExternalID) })
    }

    /// Moves the report into place and returns its path when `keep`, else removes it. A default
    /// report whose name is taken goes to ``runPath(forInput:runID:)`` instead (unless `--force`).
    func finish(keep: Bool, runID: Int64, input: String) throws -> String? {
        guard keep else {
            file.discard()
            return nil
        }
        var target = path
        if isDefault, !replaceExisting, !OutputFile.isFree(target) {
            target = Self.runPath(forInput: input, runID: runID)
            guard OutputFile.isFree(target) else {
                file.discard()
                throw OutputFileError(path: target, reason: "it exists, and so does \(path); this command named neither, so neither is replaced: pass --force to replace \(path), or --report NEW.csv")
            }
        }
        try file.commit(to: target, replaceExisting: replaceExisting)
        return target
    }

    /// Removes the temporary file after a failed run.
    func discard() {
        file.discard()
    }

    private func write(_ lines: [[String]]) throws {
        var text = ""
        for cells in lines { text += CSVWriter.line(cells) + "\r\n" }
        try file.write(Data(text.utf8))
    }
}

extension ImportOptions {
    /// `NAME.errors.csv` beside `input`: where an import's error report goes unless `--report`
    /// names another file or that name is taken.
    public static func defaultReportPath(forInput input: String) -> String {
        ErrorReportFile.defaultPath(forInput: input)
    }
}
