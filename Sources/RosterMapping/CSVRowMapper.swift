import RosterCore

/// Maps the rows of one CSV file, whose header cells are the record's keys, without building
/// a record per row: each path the mapping reads is matched to its column once, when the header
/// is known, so a row's slots are its cells.
///
/// Gives exactly what ``Mapping/map(_:)`` gives for ``CSVRecord/make(headers:cells:)`` of the
/// same row: header cells are trimmed, the first of two equal header cells wins, a short row
/// reads its missing cells as empty text, a path of more than one key or an absent column finds
/// nothing.
public struct CSVRowMapper: Sendable {
    /// The mapping rows are mapped with.
    public let mapping: Mapping
    /// Per slot of the mapping, the column that fills it, or `nil` for a path no column answers.
    private let columns: [Int?]
    /// The header positions the mapping reads, each once, in file order.
    public let readColumns: [Int]

    /// A mapper for rows under `header`.
    public init(mapping: Mapping, header: [String]) {
        self.mapping = mapping
        var firstColumn: [String: Int] = [:]
        for (position, cell) in header.enumerated() where firstColumn[cell.trimmingSpaces()] == nil {
            firstColumn[cell.trimmingSpaces()] = position
        }
        columns = mapping.slotPaths.map { path in
            guard path.segments.count == 1 else { return nil }
            switch path.segments[0] {
            case .key(let name), .indexOrKey(_, let name): return firstColumn[name]
            }
        }
        readColumns = Set(columns.compactMap { $0 }).sorted()
    }

    /// Maps one row's cells (already trimmed, as ``CSVReader/trimmedField(_:)`` gives them).
    public func map(cells: [String]) -> MappedRecord {
        var slots = RecordSlots(count: columns.count)
        for (slot, column) in columns.enumerated() {
            guard let column else { continue }
            let value = column < cells.count ? slots.appendText(cells[column]) : .text(start: 0, end: 0)
            slots[slot] = value
        }
        var work = UTF8Buffer()
        return mapping.evaluate(slots, work: &work)
    }
}
