import Foundation
import RosterCore
import RosterYAML
import Yams

/// Loads mapping files (`mappings/*.yaml`, documented in `mappings/README.md`) into compiled
/// ``Mapping`` values.
public enum MappingFile {
    /// Reads and compiles the mapping file at `path`.
    ///
    /// - Throws: ``MappingDiagnostics`` when the file cannot be read or holds any error; every
    ///   problem found is listed as `path:line:col: error: …`, not only the first.
    public static func load(path: String) throws(MappingDiagnostics) -> Mapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MappingDiagnostics([MappingDiagnostic(
                file: path, line: 1, column: 1,
                message: "mapping file not found or unreadable at \(path); check the path given with --mapping or the job's mapping: setting")])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw MappingDiagnostics([MappingDiagnostic(
                file: path, line: 1, column: 1, message: "mapping file is not UTF-8 text; save it as UTF-8")])
        }
        return try parse(yaml: yaml, path: path)
    }

    /// Compiles mapping YAML; `path` only names the file in diagnostics.
    ///
    /// - Throws: ``MappingDiagnostics`` listing every problem: YAML syntax, unknown keys (with
    ///   did-you-mean), bad paths and regexes, columns mapped twice or left unmapped, bad tests.
    public static func parse(yaml: String, path: String) throws(MappingDiagnostics) -> Mapping {
        var loader = MappingLoader(file: path)
        guard let root = loader.reader.compose(yaml) else {
            if !loader.diagnostics.isEmpty { throw MappingDiagnostics(loader.diagnostics) }
            throw MappingDiagnostics([MappingDiagnostic(
                file: path, line: 1, column: 1, message: "mapping file is empty; start with a columns: section (see mappings/README.md)")])
        }
        let mapping = loader.loadMapping(root)
        guard loader.diagnostics.isEmpty, let mapping else { throw MappingDiagnostics(loader.diagnostics) }
        return mapping
    }
}

/// One pass over the composed YAML, collecting diagnostics as it goes.
struct MappingLoader {
    /// Composes the file and collects its diagnostics.
    var reader: YAMLReader
    var file: String { reader.file }
    var diagnostics: [MappingDiagnostic] { reader.diagnostics }
    /// Every distinct path the rules read, numbered as met.
    var slotCatalog = SlotCatalog()

    static let topLevelKeys = ["source", "description", "id", "filter", "columns", "attributes", "tests"]
    /// Template headers plus the `Email` alias, for did-you-mean on column names.
    static let columnNames = Template.headers + ["Email"]

    init(file: String) { reader = YAMLReader(file: file) }

    mutating func error(_ node: Node?, _ message: String) { reader.error(node, message) }

    /// The pairs of a mapping node whose keys are scalars; reports and skips anything else.
    mutating func pairs(_ node: Node, _ what: String) -> [YAMLPair]? { reader.pairs(node, what) }

    /// Reports keys not in `allowed`, with a did-you-mean and the list of valid keys.
    mutating func rejectUnknownKeys(_ pairs: [YAMLPair], allowed: [String], in what: String) {
        reader.rejectUnknownKeys(pairs, allowed: allowed, in: what)
    }

    /// The text of a scalar; a plain `~`, `null` or nothing reads as empty text.
    mutating func scalarText(_ node: Node, _ what: String) -> String? {
        guard let text = reader.scalar(node, what) else { return nil }
        return node.tag.rawValue == Tag.Name.null.rawValue ? "" : text
    }

    /// The path written at `node`, given its slot.
    mutating func sourcePath(_ node: Node, _ what: String) -> SlotPath? {
        guard let text = scalarText(node, what) else { return nil }
        do {
            return slotCatalog.slot(for: try SourcePath(parsing: text))
        } catch {
            self.error(node, "\(what): \(error.description)")
            return nil
        }
    }

    mutating func loadMapping(_ root: Node) -> Mapping? {
        guard let top = pairs(root, "the mapping file") else { return nil }
        rejectUnknownKeys(top, allowed: Self.topLevelKeys, in: "the mapping file")
        let value = { (key: String) in top.first { $0.key == key } }
        let source = value("source").flatMap { scalarText($0.value, "source") }
        let idPath = value("id").flatMap { sourcePath($0.value, "id") }
        let filter = value("filter").map { loadFilter($0.value) } ?? RecordFilter()
        var columns: [FieldRule]?
        if let entry = value("columns") {
            columns = loadColumns(entry.value, keyNode: entry.keyNode)
        } else {
            error(root, "missing columns: section; map every template column (\(Template.headers.joined(separator: ", "))), see mappings/README.md")
        }
        let attributes = value("attributes").map { loadAttributes($0.value) } ?? []
        let tests = value("tests").map { loadTests($0.value, attributeNames: attributes.map(\.name)) } ?? []
        guard let columns else { return nil }
        return Mapping(
            path: file, source: source, tests: tests, idPath: idPath, filter: filter,
            columns: columns, attributeRules: attributes, slotPaths: slotCatalog.paths, pathSpellings: slotCatalog.spellings)
    }

    private mutating func loadColumns(_ node: Node, keyNode: Node) -> [FieldRule]? {
        guard let entries = pairs(node, "columns:") else { return nil }
        var rules: [TemplateColumn: (rule: FieldRule?, line: Int, key: String)] = [:]
        for entry in entries {
            guard let column = TemplateColumn(header: entry.key) else {
                error(entry.keyNode, "unknown template column '\(entry.key)';\(Suggestions.didYouMean(entry.key, in: Self.columnNames)) template columns: \(Template.headers.joined(separator: ", ")); put other fields under attributes:")
                continue
            }
            if let earlier = rules[column] {
                error(entry.keyNode, "column '\(column.header)' is mapped twice ('\(earlier.key)' at line \(earlier.line) and '\(entry.key)'); keep one of them")
                continue
            }
            let rule = loadRule(entry.value, name: column.header, "column '\(column.header)'")
            rules[column] = (rule, entry.keyNode.mark?.line ?? 1, entry.key)
        }
        for column in TemplateColumn.allCases where rules[column] == nil {
            error(keyNode, "template column '\(column.header)' is not mapped; add it under columns:, e.g. '\(column.header): {path: fieldName}' or '\(column.header): {constant: \"\"}' when the source has no such value")
        }
        let compiled = TemplateColumn.allCases.compactMap { rules[$0]?.rule }
        return compiled.count == TemplateColumn.allCases.count ? compiled : nil
    }

    private mutating func loadAttributes(_ node: Node) -> [FieldRule] {
        guard let entries = pairs(node, "attributes:") else { return [] }
        var result: [FieldRule] = []
        for entry in entries {
            if entry.key.trimmingSpaces().isEmpty {
                error(entry.keyNode, "attribute name is empty; write a name such as 'Cost Center:'")
            } else if let rule = loadRule(entry.value, name: entry.key, "attribute '\(entry.key)'") {
                result.append(rule)
            }
        }
        return result
    }
}
