/// One data row read from a template CSV: its spreadsheet row number, the trimmed cells in
/// template order, and what the reader noticed about it.
public struct TemplateFileRow: Sendable {
    /// The row number a spreadsheet shows (header = 1), blank lines included.
    public var number: Int
    public var row: TemplateRow
    /// Template columns whose cell held a line break.
    public var lineBreaks: Set<TemplateColumn>
    /// The row ran to the end of the file inside an unclosed quote.
    public var hasUnterminatedQuote: Bool
}

/// Reads a CSV in the user-import template: detects format, checks the header, then yields rows.
///
/// Rows whose every cell is empty (blank lines, `,,,,,,` lines from spreadsheets) are skipped.
public final class TemplateFileReader<Source: ByteSource> {
    private let reader: CSVReader<Source>
    public let header: TemplateHeader
    public let format: CSVFormat

    /// Reads the header row of `reader`'s input.
    /// - Throws: ``FileRejection`` when the file has no header or the header breaks a rule.
    public init(reader: CSVReader<Source>, file: String) throws {
        self.reader = reader
        format = CSVFormat(delimiter: reader.delimiter, encoding: reader.encoding)
        guard try reader.next() else {
            throw FileRejection(file: file, reasons: ["the file is empty; start from `rostersync template` and add one row per user under the header"])
        }
        do {
            header = try TemplateHeader(cells: reader.fields, file: file)
        } catch var rejection as FileRejection {
            if reader.fieldCount == 1, format.delimiter == UInt8(ascii: ",") {
                rejection.reasons.append("the header has a single cell; use commas, semicolons or tabs between the columns")
            }
            throw rejection
        }
    }

    /// The next non-blank data row, or `nil` at the end of the file.
    /// - Throws: ``ByteSourceError`` when reading fails.
    public func next() throws -> TemplateFileRow? {
        while try reader.next() {
            var row = TemplateRow()
            var lineBreaks: Set<TemplateColumn> = []
            var isBlank = true
            for column in TemplateColumn.allCases {
                let field = header.fieldIndex[column.rawValue]
                let cell = reader.trimmedField(field)
                if !cell.isEmpty { isBlank = false }
                row[column] = cell
                if reader.fieldHasLineBreak(field) { lineBreaks.insert(column) }
            }
            if isBlank && !reader.hasUnterminatedQuote { continue }
            return TemplateFileRow(number: reader.recordNumber, row: row, lineBreaks: lineBreaks, hasUnterminatedQuote: reader.hasUnterminatedQuote)
        }
        return nil
    }
}
