/// Writes CSV the way RosterSync promises (DESIGN §1): RFC 4180 quoting, CRLF line ends, and
/// every cell that a spreadsheet would run as a formula neutralised.
public enum CSVWriter {
    /// One CSV line (without the line end) for `cells`.
    public static func line(_ cells: [String]) -> String {
        cells.map(escape).joined(separator: ",")
    }

    /// A whole document: `header` then `rows`, each line ended with CRLF.
    public static func document(header: [String], rows: [[String]]) -> String {
        var text = line(header) + "\r\n"
        for row in rows { text += line(row) + "\r\n" }
        return text
    }

    /// `cell` quoted when it holds a comma, quote, semicolon or line break, and prefixed with `'`
    /// when it starts with `=`, `+`, `-`, `@`, tab or CR, so a spreadsheet shows it as text
    /// instead of evaluating it (formula injection).
    public static func escape(_ cell: String) -> String {
        var value = cell
        if let first = value.utf8.first, neutralisedLeads.contains(first) { value = "'" + value }
        guard value.utf8.contains(where: { needsQuotes.contains($0) }) else { return value }
        return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
    }

    private static let neutralisedLeads: Set<UInt8> = Set("=+-@".utf8).union([0x09, 0x0D])
    private static let needsQuotes: Set<UInt8> = Set(",;\"\r\n".utf8)
}

extension String {
    /// This text with every `target` replaced (no Foundation needed).
    package func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
