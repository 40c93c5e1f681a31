import RosterConnectors
import RosterCore
import RosterMapping

/// Turns a pulled page into rows for the planner: JSON records through the mapping, or a CSV
/// body (a `csv` stream) read with the same reader as `import`, each record keyed by its header.
enum SyncRecords {
    /// One entry per source record; `nil` for a record the mapping filters out. JSON records are
    /// numbered from `firstNumber`; the records of a CSV body by the row a spreadsheet shows
    /// (header = 1, so its first record is row `firstNumber + 1`), as `import` numbers them.
    static func rows(of page: PullPage, mapping: Mapping, firstNumber: Int) throws -> [SourceRow?] {
        let mapped: [(id: String?, record: MappedRecord)]
        var firstNumber = firstNumber
        if let body = page.rawBody {
            mapped = try csvRecords(body, mapping: mapping).map { (nil, $0) }
            firstNumber += 1
        } else {
            mapped = page.records.map { ($0.id, mapping.map($0.value)) }
        }
        return mapped.enumerated().map { offset, source in
            let mapped = source.record
            guard !mapped.isFilteredOut else { return nil }
            var attributes: [String: String] = [:]
            for attribute in mapped.attributes { attributes[attribute.name] = attribute.value }
            let id = mapped.externalID.flatMap { $0.isEmpty ? nil : $0 } ?? source.id
            return SourceRow(
                number: firstNumber + offset, row: mapped.row, attributes: attributes, externalID: id,
                issues: mapped.issues.map { RowIssue(TemplateColumn(header: $0.column), TemplateColumn(header: $0.column) == nil ? "\($0.column): \($0.reason)" : $0.reason) })
        }
    }

    /// The records of a CSV body, each keyed by its header cells, mapped.
    static func csvRecords(_ body: [UInt8], mapping: Mapping) throws -> [MappedRecord] {
        let reader = try csvReader(body)
        guard try reader.next() else { return [] }
        let header = reader.fields
        let rowMapper = CSVRowMapper(mapping: mapping, header: header)
        var records: [MappedRecord] = []
        while try reader.next() {
            var record = rowMapper.map(cells: (0..<reader.fieldCount).map(reader.trimmedField))
            for index in rowMapper.readColumns where reader.fieldIsForeign(index) {
                record.issues.append(MappingIssue(column: header[index], reason: reader.encoding.foreignCellReason))
            }
            records.append(record)
        }
        return records
    }

    /// The header cells of a CSV body and how many records follow them.
    static func csvHeaderAndRowCount(_ body: [UInt8]) throws -> (header: [String], rows: Int) {
        let reader = try csvReader(body)
        guard try reader.next() else { return ([], 0) }
        let header = reader.fields
        var rows = 0
        while try reader.next() { rows += 1 }
        return (header, rows)
    }

    /// A reader of a pulled CSV body, in the format its bytes show (delimiter, encoding).
    private static func csvReader(_ body: [UInt8]) throws -> CSVReader<MemoryByteSource> {
        var probe = MemoryByteSource(body)
        let format = try CSVFormat.detect(in: &probe, file: "the pulled CSV")
        return CSVReader(source: MemoryByteSource(body), format: format)
    }
}
