import RosterCore
import Yams

/// The `tests:` section and YAML-to-JSON conversion of sample records.
extension MappingLoader {
    static let testKeys = ["name", "record", "row", "attributes", "filtered", "id"]

    mutating func loadTests(_ node: Node, attributeNames: [String]) -> [MappingTest] {
        guard case .sequence(let items) = node else {
            error(node, "tests: must be a list of tests, each starting with '- name:'")
            return []
        }
        return items.compactMap { loadTest($0, attributeNames: attributeNames) }
    }

    private mutating func loadTest(_ node: Node, attributeNames: [String]) -> MappingTest? {
        guard let entries = pairs(node, "a test") else { return nil }
        let value = { (key: String) in entries.first { $0.key == key } }
        let name = value("name").flatMap { scalarText($0.value, "test name") } ?? "test at line \(node.mark?.line ?? 1)"
        let what = "test '\(name)'"
        rejectUnknownKeys(entries, allowed: Self.testKeys, in: what)
        if value("name") == nil { error(node, "\(what) has no name:; add name: to say what it checks") }
        guard let recordEntry = value("record") else {
            error(node, "\(what) has no record:; add the sample source record as a mapping")
            return nil
        }
        var filtered = false
        if let entry = value("filtered") {
            if let flag = entry.value.bool { filtered = flag } else { error(entry.value, "\(what) filtered: must be true or false") }
        }
        if value("row") == nil, !filtered {
            error(node, "\(what) has no row:; list the columns it must give, or write filtered: true")
        }
        var expectedRow: [(column: TemplateColumn, value: String)] = []
        for entry in value("row").flatMap({ pairs($0.value, "\(what) row") }) ?? [] {
            guard let column = TemplateColumn(header: entry.key) else {
                error(entry.keyNode, "\(what) row names unknown column '\(entry.key)';\(Suggestions.didYouMean(entry.key, in: Self.columnNames)) template columns: \(Template.headers.joined(separator: ", "))")
                continue
            }
            if let text = scalarText(entry.value, "\(what) row '\(entry.key)'") { expectedRow.append((column, text)) }
        }
        var expectedAttributes: [MappedAttribute] = []
        for entry in value("attributes").flatMap({ pairs($0.value, "\(what) attributes") }) ?? [] {
            guard attributeNames.contains(entry.key) else {
                let declared = attributeNames.isEmpty ? "none are declared under attributes:" : "declared: \(attributeNames.joined(separator: ", "))"
                error(entry.keyNode, "\(what) expects unknown attribute '\(entry.key)';\(Suggestions.didYouMean(entry.key, in: attributeNames)) \(declared)")
                continue
            }
            if let text = scalarText(entry.value, "\(what) attribute '\(entry.key)'") {
                expectedAttributes.append(MappedAttribute(name: entry.key, value: text))
            }
        }
        let expectedID = value("id").flatMap { scalarText($0.value, "\(what) id") }
        return MappingTest(
            name: name, line: node.mark?.line ?? 1, record: json(recordEntry.value),
            expectedRow: expectedRow.sorted { $0.column < $1.column }, expectedAttributes: expectedAttributes,
            expectFilteredOut: filtered, expectedID: expectedID)
    }



    /// A YAML node as the JSON value a connector would deliver: plain scalars resolve to
    /// null, booleans and numbers as YAML 1.1 reads them; quoted scalars stay strings.
    func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int, .float: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let items):
            return .array(items.map(json))
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping { members[key.string ?? ""] = json(value) }
            return .object(members)
        case .alias:
            return .null
        }
    }
}
