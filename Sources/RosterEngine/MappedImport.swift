import Foundation
import RosterCore
public import RosterMapping

extension ImportService {
    /// Imports a CSV whose columns are not the template's (a CRM export) through `mapping`.
    ///
    /// Each data row is mapped as the record keyed by the header cells (cells trimmed; see
    /// ``CSVRowMapper``, which matches paths to columns once per file): records the mapping's `filter:` drops
    /// are skipped and counted in ``ImportResult/filteredOut``; mapping issues fail the row like
    /// validation errors; custom attributes are kept with the user. The error report keeps the
    /// file's own header and cells, so it can be fixed and imported again with the same mapping.
    ///
    /// Cost: the template import's, plus one mapping evaluation per row.
    /// - Throws: ``FileRejection`` for a spreadsheet, UTF-16 text, an empty file or a header with no
    ///   data rows (nothing written); ``ByteSourceError`` when the file cannot be read; store errors.
    public func importFile(
        at path: String, mapping: Mapping, options: ImportOptions = ImportOptions(),
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) async throws -> ImportResult {
        let file = FileByteSource.displayName(path)
        var formatSource = try FileByteSource(path: path)
        let format = try CSVFormat.detect(in: &formatSource, file: file)
        let reader = CSVReader(source: try FileByteSource(path: path), format: format)
        guard try reader.next() else {
            throw FileRejection(file: file, reasons: ["the file is empty; write a header row and one row per user"])
        }
        let header = reader.fields
        let rows = MappedRows(reader: reader, header: header, mapping: mapping)
        let first = try rows.nextRow()
        if first == nil && rows.filteredOut == 0 {
            throw FileRejection(file: file, line: 2, reasons: ["the file has a header row but no data rows; add one row per user under the header"])
        }
        var result = try await run(
            kind: "import", source: file, feed: MappedFeed(rows: rows, pending: first), expectedRows: format.lineCount, options: options,
            input: path, withExternalID: false, reportColumns: header, progress: progress)
        result.filteredOut = rows.filteredOut
        return result
    }
}

/// Feeds mapped rows to the planner, starting with the row read to check the file has data.
private struct MappedFeed: RowFeed {
    let rows: MappedRows
    var pending: SourceRow?

    mutating func planNext(into planner: inout ImportPlanner) throws -> Bool {
        guard let next = try pending ?? rows.nextRow() else { return false }
        pending = nil
        planner.plan(next)
        return true
    }
}

/// Reads a mapped CSV's data rows and maps them; a class so the run's iterator and the caller
/// share the filtered-out count.
private final class MappedRows {
    private let reader: CSVReader<FileByteSource>
    private let keys: [String]
    private let rowMapper: CSVRowMapper
    private(set) var filteredOut = 0

    init(reader: CSVReader<FileByteSource>, header: [String], mapping: Mapping) {
        self.reader = reader
        keys = header
        rowMapper = CSVRowMapper(mapping: mapping, header: header)
    }

    /// The next kept, non-blank row as a ``SourceRow``, or `nil` at the end of the file.
    func nextRow() throws -> SourceRow? {
        while try reader.next() {
            let cells = (0..<keys.count).map(reader.trimmedField)
            if !reader.hasUnterminatedQuote && cells.allSatisfy(\.isEmpty) { continue }
            let mapped = rowMapper.map(cells: cells)
            if mapped.isFilteredOut {
                filteredOut += 1
                continue
            }
            var issues = mapped.issues.map { issue in
                TemplateColumn.allCases.first { $0.header == issue.column }.map { RowIssue($0, issue.reason) }
                    ?? RowIssue(nil, "\(issue.column): \(issue.reason)")
            }
            for index in rowMapper.readColumns where reader.fieldIsForeign(index) {
                issues.append(RowIssue(nil, "\(keys[index]): \(reader.encoding.foreignCellReason)"))
            }
            if reader.hasUnterminatedQuote {
                issues.insert(.unclosedQuote, at: 0)
            }
            return SourceRow(
                number: reader.recordNumber, row: mapped.row, lineBreaks: mapped.row.columnsWithLineBreaks,
                attributes: Dictionary(mapped.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
                externalID: mapped.externalID, issues: issues, reportCells: cells)
        }
        return nil
    }
}
