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
    /// when it starts with `=`, `+`, `-`, `@`, tab or CR (after any `'`s), so a spreadsheet shows
    /// it as text instead of evaluating it (formula injection). ``CSVReader`` takes that `'` off
    /// again, so the cell reads back exactly as `cell`.
    public static func escape(_ cell: String) -> String {
        var value = cell
        if FormulaGuard.isNeeded(value.utf8) { value = "'" + value }
        guard value.utf8.contains(where: { needsQuotes.contains($0) }) else { return value }
        return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
    }

    private static let needsQuotes: Set<UInt8> = Set(",;\"\r\n".utf8)
}

/// The `'` that RosterSync's CSV files put before a cell a spreadsheet would run as a formula,
/// and that its reader takes off again: the rule of both sides in one place.
///
/// A cell needs the guard when it starts with `=`, `+`, `-`, `@`, tab or CR, after any number
/// of `'`s: `'=x` is written `''=x`, so that taking one `'` off always gives back the cell.
package enum FormulaGuard {
    /// Whether `cell` must be written with a leading `'`.
    package static func isNeeded(_ cell: some Collection<UInt8>) -> Bool {
        for byte in cell where byte != UInt8(ascii: "'") { return isFormulaLead(byte) }
        return false
    }

    /// Whether `cell` carries a guard: a `'` followed by a cell that needs one.
    package static func isGuarded(_ cell: some Collection<UInt8>) -> Bool {
        cell.first == UInt8(ascii: "'") && isNeeded(cell.dropFirst())
    }

    private static func isFormulaLead(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }
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
