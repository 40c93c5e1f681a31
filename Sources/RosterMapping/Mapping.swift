public import RosterCore

/// A compiled mapping file: turns one source record into a template row, custom attributes and
/// the record's external id.
///
/// Built by ``MappingFile/load(path:)`` or ``MappingFile/parse(yaml:path:)``; paths are split and
/// regexes compiled there, so ``map(_:)`` does no parsing. A `Mapping` is an immutable value and
/// may be shared across tasks.
public struct Mapping: Sendable {
    /// The mapping file as the caller named it (for messages).
    public let path: String
    /// The optional `source:` label, e.g. `microsoft-graph/users`.
    public let source: String?
    /// The `tests:` of the file, in file order.
    public let tests: [MappingTest]

    let idPath: SlotPath?
    let filter: RecordFilter
    /// One rule per template column, in template order (exactly seven), each named by its header.
    let columns: [FieldRule]
    /// Custom attribute rules in file order, each named by its attribute.
    let attributeRules: [FieldRule]
    /// Every distinct path the mapping reads; slot `i` of a record holds the value at `slotPaths[i]`.
    let slotPaths: [SourcePath]
    /// Paths as the file spelt them, for issues (see ``SlotPath/spelling``).
    let pathSpellings: [String]

    init(
        path: String, source: String?, tests: [MappingTest], idPath: SlotPath?, filter: RecordFilter,
        columns: [FieldRule], attributeRules: [FieldRule], slotPaths: [SourcePath], pathSpellings: [String]
    ) {
        self.path = path
        self.source = source
        self.tests = tests
        self.idPath = idPath
        self.filter = filter
        self.columns = columns
        self.attributeRules = attributeRules
        self.slotPaths = slotPaths
        self.pathSpellings = pathSpellings
    }

    /// Whether the file declares `id:`, so mapped records carry an external id.
    public var declaresID: Bool { idPath != nil }

    /// Names of the custom attributes, in file order.
    public var attributeNames: [String] { attributeRules.map(\.name) }

    /// Maps `record`.
    ///
    /// Never fails: a missing path gives empty text, so the row validator decides. A record that
    /// the `filter:` rejects comes back with ``MappedRecord/isFilteredOut`` set, an empty row and
    /// its external id (when `id:` is declared), so callers can still recognise it.
    /// Cost: one lookup per distinct path the mapping reads, then one pass over the rules;
    /// allocations are the result's arrays and the strings that transforms build (no parsing,
    /// no regex compilation).
    public func map(_ record: JSONValue) -> MappedRecord {
        var slots = RecordSlots(count: slotPaths.count)
        for (slot, path) in slotPaths.enumerated() {
            switch path.resolve(in: record) {
            case nil: break
            case .array(let items)?: slots[slot] = .list(isEmpty: items.isEmpty)
            case .object(let members)?: slots[slot] = .object(isEmpty: members.isEmpty)
            case let scalar?:
                let value = slots.appendText(scalar.mappedText ?? "")
                slots[slot] = value
            }
        }
        var work = UTF8Buffer()
        return evaluate(slots, work: &work)
    }

    /// The record whose values at `slotPaths` are `record`: the one evaluation every way in
    /// shares. `work` is scratch space for the rules (see ``FieldRule/evaluate(_:work:problem:)``).
    func evaluate(_ record: borrowing RecordSlots, work: inout UTF8Buffer) -> MappedRecord {
        let externalID = idPath.map { String(decoding: record.bytes($0.slot), as: UTF8.self) }
        guard filter.admits(record) else {
            return MappedRecord(row: TemplateRow(), attributes: [], issues: [], isFilteredOut: true, externalID: externalID)
        }
        var issues: [MappingIssue] = []
        func cell(_ index: Int) -> String {
            var problem: SlotProblem?
            let value = columns[index].evaluate(record, work: &work, problem: &problem)
            if let problem { issues.append(MappingIssue(column: columns[index].name, reason: problem.reason(spellings: pathSpellings))) }
            return value
        }
        // Seven calls straight into the row: an intermediate array, `TemplateColumn.allCases` or
        // `TemplateRow()` would each allocate per record.
        let row = TemplateRow(
            firstName: cell(0), lastName: cell(1), license: cell(2), extension: cell(3),
            email: cell(4), role: cell(5), dataCenter: cell(6))
        var attributes: [MappedAttribute] = []
        if !attributeRules.isEmpty {
            attributes.reserveCapacity(attributeRules.count)
            for rule in attributeRules {
                var problem: SlotProblem?
                attributes.append(MappedAttribute(name: rule.name, value: rule.evaluate(record, work: &work, problem: &problem)))
                if let problem { issues.append(MappingIssue(column: rule.name, reason: problem.reason(spellings: pathSpellings))) }
            }
        }
        return MappedRecord(row: row, attributes: attributes, issues: issues, isFilteredOut: false, externalID: externalID)
    }
}

/// What ``Mapping/map(_:)`` makes of one record.
public struct MappedRecord: Sendable, Hashable {
    /// The seven template cells (all empty when filtered out).
    public var row: TemplateRow
    /// Custom attributes in file order (empty when filtered out).
    public var attributes: [MappedAttribute]
    /// Mapping-time problems, e.g. a path that holds a list instead of a value. The cell is empty;
    /// callers report these reasons with the row.
    public var issues: [MappingIssue]
    /// `true` when the mapping's `filter:` rejected the record: skip it, it is not an error.
    public var isFilteredOut: Bool
    /// The value at the mapping's `id:` path (empty when missing), or `nil` when no `id:` is declared.
    public var externalID: String?

    /// A mapped record with the given parts.
    public init(
        row: TemplateRow, attributes: [MappedAttribute] = [], issues: [MappingIssue] = [],
        isFilteredOut: Bool = false, externalID: String? = nil
    ) {
        self.row = row
        self.attributes = attributes
        self.issues = issues
        self.isFilteredOut = isFilteredOut
        self.externalID = externalID
    }

    /// The value of the custom attribute `name`, if the mapping declares it.
    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
}

/// One custom attribute of a mapped record: a named value kept with the user.
public struct MappedAttribute: Sendable, Hashable {
    /// The attribute name as written under `attributes:`.
    public var name: String
    /// The mapped text.
    public var value: String

    /// An attribute `name` = `value`.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A mapping-time problem for one column or attribute of one record.
public struct MappingIssue: Sendable, Hashable {
    /// The template column header or attribute name.
    public var column: String
    /// What went wrong and what to change, e.g. `path 'businessPhones' holds a list; index it, e.g. businessPhones.0`.
    public var reason: String

    /// An issue for `column` saying `reason`.
    public init(column: String, reason: String) {
        self.column = column
        self.reason = reason
    }
}
