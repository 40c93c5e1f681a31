/// Where each template column sits in a file's header row (DESIGN §1 file-level rules).
///
/// Header cells match case-insensitively with surrounding spaces and a BOM ignored, in any order.
/// Unknown extra columns are ignored, so an error report (which adds `Row` and `Errors`) can be
/// fixed and re-imported as it is.
public struct TemplateHeader: Sendable, Equatable {
    /// The header cells as written in the file (trimmed).
    public let cells: [String]
    /// The field index of each template column, in template order.
    public let fieldIndex: [Int]

    /// Maps `cells` onto the template.
    /// - Throws: ``FileRejection`` (line 1) listing every cell with punctuation, every missing
    ///   column and every duplicated column, each with what to write instead.
    public init(cells rawCells: [String], file: String) throws {
        let cells = rawCells.map { $0.trimmingSpaces() }
        var reasons: [String] = []
        var found: [TemplateColumn: Int] = [:]
        var unknown: [String] = []

        for (index, cell) in cells.enumerated() {
            if let column = TemplateColumn(header: cell) {
                if let first = found[column] {
                    reasons.append("column \"\(column.header)\" appears twice (header cells \(first + 1) and \(index + 1)); delete one of them")
                } else {
                    found[column] = index
                }
                continue
            }
            let punctuation = cell.filter { !($0.isLetter || $0.isNumber || $0 == " ") }
            if !punctuation.isEmpty {
                let stripped = String(cell.filter { $0.isLetter || $0.isNumber || $0 == " " })
                // `First-Name` means "First Name": also try the punctuation read as a space.
                let spaced = cell.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ")
                let fix = (TemplateColumn(header: stripped) ?? TemplateColumn(header: spaced)).map { "write \"\($0.header)\"" } ?? "remove the punctuation"
                let marks = Set(punctuation).sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                reasons.append("header cell \(index + 1) \"\(cell)\" has punctuation (\(marks)); header cells hold no punctuation, \(fix)")
            } else if !cell.isEmpty {
                unknown.append(cell)
            }
        }
        let headers = TemplateColumn.allCases.map(\.header)
        for column in TemplateColumn.allCases where found[column] == nil {
            if reasons.contains(where: { $0.contains("write \"\(column.header)\"") }) { continue }
            let lookalike = unknown.first { Suggestions.closest(to: $0, in: [column.header]) != nil }
            let fix = lookalike.map { "rename column \"\($0)\" to \"\(column.header)\"" }
                ?? "add \(column.header.first.map { "AEIOU".contains($0) } == true ? "an" : "a") \"\(column.header)\" column (the template's columns are: \(headers.joined(separator: ", ")))"
            reasons.append("missing column \"\(column.header)\"; \(fix)")
        }
        if found.isEmpty, !unknown.isEmpty, reasons.count == TemplateColumn.allCases.count, !reasons.contains(where: { $0.contains("rename column") }) {
            // No template column at all: another system's export, not a misspelt template.
            reasons = [
                "none of the header cells (\(unknown.prefix(5).joined(separator: ", "))\(unknown.count > 5 ? ", …" : "")) is a template column; "
                    + "to import another system's export, give a mapping file with --mapping (see mappings/README.md), "
                    + "or write the template's columns: \(headers.joined(separator: ", "))",
            ]
        }
        guard reasons.isEmpty else { throw FileRejection(file: file, line: 1, reasons: reasons) }
        self.cells = cells
        fieldIndex = TemplateColumn.allCases.map { found[$0]! }
    }
}
