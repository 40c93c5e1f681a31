public import RosterCore

/// What `rostersync map --input` shows for one sample record: the mapped row, its custom
/// attributes and the row validator's verdict.
public struct PreviewRow: Sendable, Hashable {
    /// The record's position in the input, from 1.
    public var index: Int
    /// The value at the mapping's `id:` path, or `nil` when the mapping declares none.
    public var externalID: String?
    /// `true` when the mapping's `filter:` drops the record (then it is not validated).
    public var isFilteredOut: Bool
    /// The seven cells as the mapping gives them, before the validator normalises them.
    public var row: TemplateRow
    /// Custom attributes in the mapping file's order.
    public var attributes: [MappedAttribute]
    /// Mapping issues, then the validator's reasons, each as `Column: reason`.
    public var errors: [String]

    /// A preview row with the given parts.
    public init(index: Int, externalID: String?, isFilteredOut: Bool, row: TemplateRow, attributes: [MappedAttribute], errors: [String]) {
        self.index = index
        self.externalID = externalID
        self.isFilteredOut = isFilteredOut
        self.row = row
        self.attributes = attributes
        self.errors = errors
    }

    /// `true` when the record is kept and the row would import (as far as one row can tell:
    /// duplicates, seats and extensions held by stored users are checked only by an import).
    public var isValid: Bool { !isFilteredOut && errors.isEmpty }
}

extension Mapping {
    /// Maps every record and validates the rows against `catalog`, without touching a store.
    ///
    /// Cost: one ``map(_:)`` and one ``RowValidator/validate(_:lineBreaks:)`` per record.
    public func preview(_ records: [JSONValue], catalog: Catalog) -> [PreviewRow] {
        let validator = RowValidator(catalog: catalog)
        return records.enumerated().map { position, record in
            previewRow(index: position + 1, map(record), validator: validator)
        }
    }

    /// Maps and validates every record of a JSON-lines stream, as ``preview(_:catalog:)`` does for
    /// parsed records; rows are numbered by record, from 1 (blank lines are skipped).
    ///
    /// Cost: one pass over the bytes through ``mapJSONLines(from:file:chunkSize:_:)``; the rows are kept.
    /// - Throws: ``JSONRecordError`` (file, line, column) for a line that is not a JSON object;
    ///   ``RosterCore/ByteSourceError`` when reading fails.
    public func previewJSONLines(from source: inout some ByteSource, file: String, catalog: Catalog) throws -> [PreviewRow] {
        let validator = RowValidator(catalog: catalog)
        var rows: [PreviewRow] = []
        try mapJSONLines(from: &source, file: file) { _, mapped in
            rows.append(previewRow(index: rows.count + 1, mapped, validator: validator))
        }
        return rows
    }

    /// Maps and validates every record of a CSV file whose header row names the columns, as
    /// `import --mapping` reads it; rows are numbered as a spreadsheet shows them (header = 1,
    /// so the first record is row 2).
    /// - Throws: ``RosterCore/FileRejection`` when the file's format cannot be read;
    ///   ``RosterCore/ByteSourceError`` when reading fails.
    public func previewCSV(path: String, file: String, catalog: Catalog) throws -> [PreviewRow] {
        var probe = try FileByteSource(path: path)
        let format = try CSVFormat.detect(in: &probe, file: file)
        let reader = CSVReader(source: try FileByteSource(path: path), delimiter: format.delimiter, encoding: format.encoding)
        guard try reader.next() else { return [] }
        let rowMapper = CSVRowMapper(mapping: self, header: reader.fields)
        let validator = RowValidator(catalog: catalog)
        var rows: [PreviewRow] = []
        while try reader.next() {
            let mapped = rowMapper.map(cells: (0..<reader.fieldCount).map(reader.trimmedField))
            rows.append(previewRow(index: reader.recordNumber, mapped, validator: validator))
        }
        return rows
    }

    private func previewRow(index: Int, _ mapped: MappedRecord, validator: RowValidator) -> PreviewRow {
        var errors: [String] = []
        if !mapped.isFilteredOut {
            errors = mapped.issues.map { "\($0.column): \($0.reason)" }
            errors += validator.validate(mapped.row, lineBreaks: mapped.row.columnsWithLineBreaks).issues.map(\.description)
        }
        return PreviewRow(
            index: index, externalID: mapped.externalID, isFilteredOut: mapped.isFilteredOut,
            row: mapped.row, attributes: mapped.attributes, errors: errors)
    }
}

extension TemplateRow {
    /// Columns whose cell holds a line break, which the validator rejects ("no paragraphs in cells").
    package var columnsWithLineBreaks: Set<TemplateColumn> {
        var columns: Set<TemplateColumn> = []
        for column in TemplateColumn.allCases where self[column].utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            columns.insert(column)
        }
        return columns
    }
}
