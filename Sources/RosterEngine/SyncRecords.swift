import RosterConnectors
import RosterCore
import RosterMapping

/// Turns a pulled page into rows for the planner: JSON records through the mapping, or a CSV
/// body (a `csv` stream) read with the same reader as `import`, each record keyed by its header.
enum SyncRecords {
    /// One entry per source record, numbered from `firstNumber`; `nil` for a record the mapping filters out.
    static func rows(of page: PullPage, mapping: Mapping, firstNumber: Int) throws -> [SourceRow?] {
        let values: [(id: String?, value: JSONValue)]
        if let body = page.rawBody {
            values = try csvRecords(body).map { (nil, $0) }
        } else {
            values = page.records.map { ($0.id, $0.value) }
        }
        return values.enumerated().map { offset, record in
            let mapped = mapping.map(record.value)
            guard !mapped.isFilteredOut else { return nil }
            var attributes: [String: String] = [:]
            for attribute in mapped.attributes { attributes[attribute.name] = attribute.value }
            let id = mapped.externalID.flatMap { $0.isEmpty ? nil : $0 } ?? record.id
            return SourceRow(
                number: firstNumber + offset, row: mapped.row, attributes: attributes, externalID: id,
                issues: mapped.issues.map { RowIssue(TemplateColumn(header: $0.column), TemplateColumn(header: $0.column) == nil ? "\($0.column): \($0.reason)" : $0.reason) })
        }
    }

    /// The records of a CSV body, each keyed by its header cells.
    static func csvRecords(_ body: [UInt8]) throws -> [JSONValue] {
        var probe = MemoryByteSource(body)
        let format = try CSVFormat.detect(in: &probe, file: "the pulled CSV")
        let reader = CSVReader(source: MemoryByteSource(body), delimiter: format.delimiter, encoding: format.encoding)
        guard try reader.next() else { return [] }
        let headers = reader.fields.map { $0.trimmingSpaces() }
        var records: [JSONValue] = []
        while try reader.next() {
            records.append(CSVRecord.make(headers: headers, cells: (0..<reader.fieldCount).map(reader.trimmedField)))
        }
        return records
    }
}
