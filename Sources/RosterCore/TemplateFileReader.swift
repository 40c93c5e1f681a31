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
    /// Cells the reader could not take as written: in another encoding than the rest of the file.
    public var readingIssues: [RowIssue] = []

    /// What fails the row before validation: an unclosed quote, cells in another encoding.
    public var issues: [RowIssue] { (hasUnterminatedQuote ? [.unclosedQuote] : []) + readingIssues }
}

/// Hashes of a row's raw cells, computed from the file's bytes without making Strings: enough
/// for the planner to recognise a row identical to what is stored (``RowFingerprint/contentHash``
/// equals the stored canonical row's ``StableHash``) and skip everything else.
public struct RowFingerprint: Sendable, Equatable {
    /// The row number a spreadsheet shows.
    public var number: Int
    /// ``EmailKey/hash(_:)`` of the email cell.
    public var emailHash: UInt64
    /// ``StableHash`` of the seven cells in template order, as stored rows are hashed.
    public var contentHash: UInt64
    /// ``StableHash/of(_:)`` of the role and data center cells, to check them against the catalog.
    public var roleHash: UInt64
    public var dataCenterHash: UInt64

    public init(number: Int, emailHash: UInt64, contentHash: UInt64, roleHash: UInt64, dataCenterHash: UInt64) {
        self.number = number
        self.emailHash = emailHash
        self.contentHash = contentHash
        self.roleHash = roleHash
        self.dataCenterHash = dataCenterHash
    }
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
        format = CSVFormat(delimiter: reader.delimiter, encoding: reader.encoding, mixesEncodings: reader.mixesEncodings)
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

    /// Reads up to `maxRows` further non-blank rows.
    /// - Returns: `nil` when no row is left.
    /// - Throws: ``ByteSourceError`` when reading fails.
    public func readBlock(maxRows: Int) throws -> TemplateRowBlock? {
        var block = TemplateRowBlock(encoding: format.encoding, capacity: maxRows)
        try reader.forEachRecord { record in
            if record.hasUnterminatedQuote || header.fieldIndex.contains(where: { !record.trimmedBytes($0).isEmpty }) {
                block.append(record, header: header)
            }
            return block.count < maxRows
        }
        return block.count == 0 ? nil : block
    }

    /// The next non-blank data row, or `nil` at the end of the file.
    /// - Throws: ``ByteSourceError`` when reading fails.
    public func next() throws -> TemplateFileRow? {
        try readBlock(maxRows: 1)?.row(0)
    }
}
