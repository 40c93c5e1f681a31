/// One reason a row failed: the column (when one is to blame) and what to write instead.
public struct RowIssue: Sendable, Hashable, CustomStringConvertible {
    public var column: TemplateColumn?
    public var reason: String

    public init(_ column: TemplateColumn?, _ reason: String) {
        self.column = column
        self.reason = reason
    }

    /// A row that ran to the end of the file inside a quote it opened.
    public static let unclosedQuote = RowIssue(nil, "a quote opened in this row is never closed; close it with \" or remove it")

    /// `Column: reason`, the item format of the error report's `Errors` cell.
    public var description: String { column.map { "\($0.header): \(reason)" } ?? reason }
}

/// The per-row rules of DESIGN §1 that need only the row and the catalog.
///
/// Every cell first obeys ``CellRules`` (length, control and invisible characters, formulas in
/// names); a cell that breaks one is not checked further. Checks that need the rest of the file
/// or the store (duplicates, seats, extensions held by other users) belong to the engine's
/// planner. Every failing rule is reported, not only the first.
public struct RowValidator: Sendable {
    public let catalog: Catalog
    /// Canonical spelling by spelling, ignoring case (an empty license means Unassigned).
    private let roles: FoldedTable
    private let licenses: FoldedTable
    private let dataCenterCodes: [String]
    private let roleList: String
    private let cellRules: CellRules

    public init(catalog: Catalog) {
        self.catalog = catalog
        roles = FoldedTable(catalog.roles.map { ($0, $0) }, fold: { $0.lowercased() })
        licenses = FoldedTable(Catalog.licenses.map { ($0, $0) } + [("", "Unassigned")], fold: { $0.lowercased() })
        dataCenterCodes = Array(catalog.dataCenters.keys)
        roleList = catalog.roles.joined(separator: ", ")
        cellRules = CellRules(catalog: catalog)
    }

    /// Validates `row` (cells already trimmed) and returns it normalised: canonical license and
    /// role casing, empty license as `Unassigned`, upper-case data center.
    /// - Parameters:
    ///   - lineBreaks: columns whose cell held a line break in the file.
    ///   - failedWhileReading: columns whose cell already failed as it was read (written in
    ///     another encoding than the file's): no rule is checked for them again.
    public func validate(
        _ row: TemplateRow, lineBreaks: Set<TemplateColumn> = [], failedWhileReading: Set<TemplateColumn> = []
    ) -> (row: TemplateRow, issues: [RowIssue]) {
        var row = row
        var issues: [RowIssue] = []
        // Columns whose cell broke a cell rule: their own rule is not checked.
        var failedCells = failedWhileReading
        for column in TemplateColumn.allCases where failedWhileReading.isEmpty || !failedWhileReading.contains(column) {
            let verdict = cellRules.check(column, row[column])
            if verdict == .hasLineBreak || !lineBreaks.isEmpty && lineBreaks.contains(column) {
                issues.append(RowIssue(column, "the cell holds a line break; write it on one line (no paragraphs in cells)"))
            }
            if case .fails(let reason) = verdict {
                issues.append(RowIssue(column, reason))
                failedCells.insert(column)
            }
        }
        issues += columnIssues(&row, skipping: failedCells)
        return (row, issues)
    }

    /// The rules of each column's own, for the columns not in `skipped`; normalises `row`.
    private func columnIssues(_ row: inout TemplateRow, skipping skipped: Set<TemplateColumn>) -> [RowIssue] {
        var issues: [RowIssue] = []
        if row.firstName.isEmpty { issues.append(RowIssue(.firstName, "required; write the user's first name")) }
        if row.lastName.isEmpty { issues.append(RowIssue(.lastName, "required; write the user's last name")) }

        if !skipped.contains(.license) {
            if let license = licenses.value(for: row.license) {
                // Assign only a change, so an unchanged row keeps sharing its strings with the caller.
                if license != row.license { row[.license] = license }
            } else {
                let hint = Suggestions.closest(to: row.license, in: Catalog.licenses).map { "did you mean \"\($0)\"? " } ?? ""
                issues.append(RowIssue(.license, "\"\(row.license)\" is not a license; \(hint)write Contact, Enterprise or Unassigned (empty means Unassigned)"))
            }
        }

        if !skipped.contains(.extension), let reason = extensionProblem(row.extension) { issues.append(RowIssue(.extension, reason)) }

        if row.email.isEmpty {
            issues.append(RowIssue(.email, "required; write the user's email address, e.g. jane.doe@company.com"))
        } else if !skipped.contains(.email), let reason = EmailAddress.problem(row.email) {
            issues.append(RowIssue(.email, reason))
        }

        if row.role.isEmpty {
            issues.append(RowIssue(.role, "required; write one of: \(roleList)"))
        } else if !skipped.contains(.role) {
            if let role = roles.value(for: row.role) {
                if role != row.role { row[.role] = role }
            } else {
                let hint = Suggestions.closest(to: row.role, in: catalog.roles).map { "did you mean \"\($0)\"? " } ?? ""
                issues.append(RowIssue(.role, "\"\(row.role)\" is not a role; \(hint)write one of: \(roleList) (add custom roles under catalog.roles in rostersync.yaml)"))
            }
        }

        if row.dataCenter.isEmpty {
            issues.append(RowIssue(.dataCenter, "required; write a two-letter code: \(catalog.dataCenterList)"))
        } else if !skipped.contains(.dataCenter) {
            let center = dataCenterCodes.contains(row.dataCenter) ? row.dataCenter : row.dataCenter.uppercased()
            if dataCenterCodes.contains(center) {
                if center != row.dataCenter { row[.dataCenter] = center }
            } else {
                issues.append(RowIssue(.dataCenter, "\"\(row.dataCenter)\" is not a data center; \(dataCenterHint(center))write a two-letter code: \(catalog.dataCenterList)"))
            }
        }
        return issues
    }

    private func extensionProblem(_ value: String) -> String? {
        guard !value.isEmpty, !value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let digits = String(value.filter { $0.isASCII && $0.isNumber })
        let example = digits.isEmpty ? "1000" : digits
        let what = value.contains(where: \.isLetter) ? "has letters" : "has characters other than digits"
        return "\"\(value)\" \(what); write digits only (e.g. \(example)) or leave it empty"
    }

    /// "did you mean US? " when the value starts with a known code or names a known center.
    private func dataCenterHint(_ value: String) -> String {
        let byName = catalog.dataCenters.first { $0.value.uppercased() == value }?.key
        let byPrefix = catalog.dataCenters.keys.sorted().first { value.hasPrefix($0) }
        return (byName ?? byPrefix).map { "did you mean \($0)? " } ?? ""
    }
}

/// The address rule: `local@domain.tld`, ASCII, no spaces; checked in one pass over the bytes.
package enum EmailAddress {
    private static let allowedInLocalPart: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~.-".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Why `email` is not a valid address, with the fix; `nil` when it is valid.
    package static func problem(_ email: String) -> String? {
        var text = email
        let verdict = text.withUTF8 { check($0) }
        guard let verdict else { return nil }
        return "\"\(email)\" \(verdict); write an address like jane.doe@company.com"
    }

    private static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return "has no @" }
        if bytes.contains(where: { $0 >= 0x80 }) { return "has non-ASCII characters" }
        if bytes.contains(UInt8(ascii: " ")) { return "contains a space" }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        if domain.contains(UInt8(ascii: "@")) { return "must contain exactly one @" }
        let localOK = !local.isEmpty && local.count <= 64 && local.first != UInt8(ascii: ".") && local.last != UInt8(ascii: ".")
            && local.allSatisfy { allowedInLocalPart[Int($0)] } && !hasDoubleDot(local)
        guard localOK else { return "has an invalid part before the @" }
        guard bytes.count <= 254, isValidDomain(domain) else { return "has an invalid domain after the @" }
        return nil
    }

    /// Dot-separated labels of letters, digits and inner hyphens; at least two labels; a TLD of 2+ letters.
    private static func isValidDomain(_ domain: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var labels = 0, labelLength = 0, tldLetters = true
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in domain {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labels += 1
                labelLength = 0
                tldLetters = true
            } else {
                let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                guard isLetter || isDigit || (byte == UInt8(ascii: "-") && labelLength > 0) else { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
                if !isLetter { tldLetters = false }
            }
            previous = byte
        }
        return labels >= 1 && labelLength >= 2 && tldLetters && previous != UInt8(ascii: "-")
    }

    private static func hasDoubleDot(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
    }
}
