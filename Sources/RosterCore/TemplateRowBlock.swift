/// A run of rows read from a template CSV, kept as bytes: each row's number, its seven trimmed
/// cells in template order, what the reader noticed (line breaks, an unclosed quote, cells in
/// another encoding than the file's) and, when
/// it can stand for the row, its ``RowFingerprint``.
///
/// Strings are made only for the rows that need them (``row(_:)``): a repeat import recognises
/// most rows by fingerprint alone. A block is a plain value, so one thread can read blocks ahead
/// while another plans them.
public struct TemplateRowBlock: Sendable {
    /// The file's encoding, used to decode cells.
    public let encoding: TextEncoding
    private var numbers: [Int] = []
    /// Bits 0–6: the template column's cell held a line break; bit 7: unclosed quote; bits 8–14:
    /// the column's cell is in another encoding than the file's.
    private var flags: [UInt16] = []
    /// End offset in `bytes` of every cell, seven per row.
    private var cellEnds: [Int] = []
    private var bytes: [UInt8] = []

    private static let unterminatedQuote: UInt16 = 0x80
    private static let foreignShift = 8
    private static let columns = TemplateColumn.allCases.count

    init(encoding: TextEncoding, capacity: Int) {
        self.encoding = encoding
        numbers.reserveCapacity(capacity)
        flags.reserveCapacity(capacity)
        cellEnds.reserveCapacity(capacity * Self.columns)
        bytes.reserveCapacity(capacity * 80)
    }

    /// Number of rows in the block.
    public var count: Int { numbers.count }

    /// The fingerprint of row `index`, or `nil` when it cannot stand for the row's Strings: a
    /// Windows-1252 file (its bytes are not the Strings' UTF-8), a line break, an open quote, a
    /// cell in another encoding.
    ///
    /// Computed when asked, by the thread that plans the block: the thread reading blocks ahead
    /// has the parsing to do and is the slower of the two.
    public func fingerprint(_ index: Int) -> RowFingerprint? {
        encoding == .utf8 && flags[index] == 0 ? fingerprint(ofRow: index) : nil
    }

    /// Row `index` as Strings.
    public func row(_ index: Int) -> TemplateFileRow {
        var row = TemplateRow()
        var lineBreaks: Set<TemplateColumn> = []
        var foreignCells: [TemplateColumn] = []
        bytes.withUnsafeBufferPointer { all in
            for column in TemplateColumn.allCases {
                row[column] = encoding.decode(UnsafeBufferPointer(rebasing: all[cellRange(index, column.rawValue)]))
                if flags[index] & (1 << column.rawValue) != 0 { lineBreaks.insert(column) }
                if flags[index] & (1 << (column.rawValue + Self.foreignShift)) != 0 { foreignCells.append(column) }
            }
        }
        return TemplateFileRow(
            number: numbers[index], row: row, lineBreaks: lineBreaks,
            hasUnterminatedQuote: flags[index] & Self.unterminatedQuote != 0,
            readingIssues: foreignCells.map { RowIssue($0, encoding.foreignCellReason) })
    }

    /// Calls `body` with the UTF-8 bytes of row `index`'s cell in `column` (the file's own bytes,
    /// trimmed): for the fast path to confirm the email a fingerprint stands for.
    public func withCellBytes<Result>(_ index: Int, _ column: TemplateColumn, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[cellRange(index, column.rawValue)])) }
    }

    private func cellRange(_ row: Int, _ column: Int) -> Range<Int> {
        let cell = row * Self.columns + column
        return (cell == 0 ? 0 : cellEnds[cell - 1])..<cellEnds[cell]
    }

    /// Appends `record`, cells taken in `header` order.
    mutating func append(_ record: CSVRecord, header: TemplateHeader) {
        var rowFlags: UInt16 = record.hasUnterminatedQuote ? Self.unterminatedQuote : 0
        for (column, field) in header.fieldIndex.enumerated() {
            bytes.append(contentsOf: record.trimmedBytes(field))
            cellEnds.append(bytes.count)
            if record.hasLineBreak(field) { rowFlags |= 1 << column }
            if record.isForeign(field) { rowFlags |= 1 << (column + Self.foreignShift) }
        }
        numbers.append(record.number)
        flags.append(rowFlags)
    }

    private func fingerprint(ofRow row: Int) -> RowFingerprint {
        var content = StableHash(), role = StableHash(), center = StableHash()
        var email: UInt64 = 0
        bytes.withUnsafeBufferPointer { all in
            for column in TemplateColumn.allCases {
                let cell = UnsafeBufferPointer(rebasing: all[cellRange(row, column.rawValue)])
                content.combine(bytes: cell)
                switch column {
                case .email: email = EmailKey.hash(utf8: cell)
                case .role: role.combine(bytes: cell)
                case .dataCenter: center.combine(bytes: cell)
                default: break
                }
            }
        }
        return RowFingerprint(
            number: numbers[row], emailHash: email, contentHash: content.value, roleHash: role.value,
            dataCenterHash: center.value)
    }
}
