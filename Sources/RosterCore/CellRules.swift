/// The rules every template cell obeys before its column's own rule (DESIGN §1): a length
/// limit, no control characters, no U+FFFD (left where a character was lost to a wrong
/// encoding), not only invisible characters and, for names, nothing a spreadsheet would run as
/// a formula.
///
/// A cell that breaks one of them fails with that reason alone: its column's rule is not
/// checked, so an oversized cell is never compared, suggested against or quoted in a message.
/// Cost: one pass over the cell's UTF-8 bytes; characters are counted only for a cell whose
/// byte count is over its limit, and a cell far over it stops the count early.
package struct CellRules: Sendable {
    /// Longest first or last name, in characters.
    package static let nameLimit = 100
    /// Longest email address (RFC 5321's path limit less the angle brackets).
    package static let emailLimit = 254
    /// Longest extension, in digits (an E.164 number has at most 15).
    package static let extensionLimit = 15
    /// Longest license, role or data center value unless the catalog names a longer role.
    package static let catalogValueLimit = 64

    /// The result of checking one cell.
    package enum Verdict: Equatable {
        case passes
        /// The cell holds a line feed or carriage return, and nothing worse.
        case hasLineBreak
        /// The cell breaks a rule: the reason says what is wrong and what to write instead.
        case fails(String)
    }

    /// Limit of each column by ``TemplateColumn/rawValue``.
    private let limits: [Int]
    /// What to write in each column, for reasons.
    private let wanted: [String]

    package init(catalog: Catalog) {
        let catalogLimit = max(Self.catalogValueLimit, catalog.roles.map(\.count).max() ?? 0)
        limits = TemplateColumn.allCases.map { column in
            switch column {
            case .firstName, .lastName: Self.nameLimit
            case .email: Self.emailLimit
            case .extension: Self.extensionLimit
            case .license, .role, .dataCenter: catalogLimit
            }
        }
        wanted = TemplateColumn.allCases.map { column in
            switch column {
            case .firstName: "write the user's first name"
            case .lastName: "write the user's last name"
            case .license: "write Contact, Enterprise or Unassigned (empty means Unassigned)"
            case .extension: "write digits only (e.g. 1000) or leave it empty"
            case .email: "write the user's email address, e.g. jane.doe@company.com"
            case .role: "write one of: \(catalog.roles.joined(separator: ", "))"
            case .dataCenter: "write a two-letter code: \(catalog.dataCenterList)"
            }
        }
    }

    /// The longest value `column` takes, in characters.
    package func limit(of column: TemplateColumn) -> Int { limits[column.rawValue] }

    /// Checks `value`, a trimmed cell of `column`.
    package func check(_ column: TemplateColumn, _ value: String) -> Verdict {
        guard !value.isEmpty else { return .passes }
        let limit = limits[column.rawValue]
        if Self.isLonger(value, than: limit) {
            return .fails("the cell is longer than \(limit) characters; \(wanted[column.rawValue]), at most \(limit) characters")
        }
        let scan = value.utf8.withContiguousStorageIfAvailable(Self.scan) ?? Array(value.utf8).withUnsafeBufferPointer(Self.scan)
        let hasVisibleASCII: Bool, hasLineBreak: Bool
        switch scan {
        case .text(let visible, let lineBreak): (hasVisibleASCII, hasLineBreak) = (visible, lineBreak)
        case .control(let scalar): return .fails(Self.controlReason(scalar))
        case .replacementCharacter: return .fails("the cell holds U+FFFD, the mark of a character lost to a wrong encoding; retype the cell")
        }
        if !hasVisibleASCII, value.unicodeScalars.allSatisfy(Self.isInvisible) {
            let wanted = self.wanted[column.rawValue]
            let invisible = "the cell holds only invisible characters (such as zero-width or non-breaking spaces)"
            switch column {
            case .license, .extension: return .fails("\(invisible); \(wanted)")
            default: return .fails("required; \(invisible); \(wanted)")
            }
        }
        if column == .firstName || column == .lastName, let lead = Self.formulaLead(value) {
            return .fails("\"\(value)\" starts with \(lead) and would run as a formula in a spreadsheet; write the name as plain text, without the leading \(lead)")
        }
        return hasLineBreak ? .hasLineBreak : .passes
    }

    /// What one pass over a cell's bytes found.
    private enum ByteScan {
        case text(hasVisibleASCII: Bool, hasLineBreak: Bool)
        case control(Unicode.Scalar)
        case replacementCharacter
    }

    /// Looks at each byte of valid UTF-8 once: visible ASCII, line breaks, C0 and C1 controls
    /// (U+0080–U+009F are C2 80–C2 9F), U+FFFD (EF BF BD).
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> ByteScan {
        var hasVisibleASCII = false, hasLineBreak = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte > 0x20 && byte < 0x7F {
                hasVisibleASCII = true
            } else if byte == 0x0A || byte == 0x0D {
                hasLineBreak = true
            } else if byte < 0x20 || byte == 0x7F {
                return .control(Unicode.Scalar(byte))
            } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] <= 0x9F {
                return .control(Unicode.Scalar(bytes[index + 1]))
            } else if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBD {
                return .replacementCharacter
            }
            index += 1
        }
        return .text(hasVisibleASCII: hasVisibleASCII, hasLineBreak: hasLineBreak)
    }

    /// Whether `value` has more than `limit` characters. The byte count settles most cells; a
    /// cell with more than four scalars per allowed character is too long without counting
    /// characters, so a huge cell costs a bounded scan.
    private static func isLonger(_ value: String, than limit: Int) -> Bool {
        guard value.utf8.count > limit else { return false }
        var scalars = 0
        for _ in value.unicodeScalars {
            scalars += 1
            if scalars > 4 * limit { return true }
        }
        return value.count > limit
    }

    private static func controlReason(_ scalar: Unicode.Scalar) -> String {
        let code = String(scalar.value, radix: 16, uppercase: true)
        let name = String(repeating: "0", count: max(0, 4 - code.count)) + code
        return "the cell holds the control character U+\(name), which a screen cannot show; retype the cell without it"
    }

    /// Spaces and characters that show nothing: zero-width and non-breaking spaces, BOM, soft
    /// hyphen, joiners, fillers and other format characters.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isWhitespace || properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format
            || properties.generalCategory == .control || scalar.value == 0x2800
    }

    /// The character that makes `name` read as a formula: a leading `=`, `+` or `@`, or a `-`
    /// followed by formula-like text (a digit, an operator, a parenthesis, or `|` / `!` anywhere,
    /// as in `-2+3+cmd|' /C calc'!A0`). `-Ann` is a name.
    private static func formulaLead(_ name: String) -> String? {
        let bytes = name.utf8
        guard let first = bytes.first else { return nil }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"):
            return String(UnicodeScalar(first))
        case UInt8(ascii: "-"):
            let rest = bytes.dropFirst()
            let next = rest.first ?? 0
            let startsLikeFormula = (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) || "=+-@(.".utf8.contains(next)
            let hasFormulaSign = rest.contains { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "!") }
            return startsLikeFormula || hasFormulaSign ? "-" : nil
        default:
            return nil
        }
    }
}
