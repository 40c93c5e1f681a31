/// One reason a row failed: the column (when one is to blame) and what to write instead.
public struct RowIssue: Sendable, Hashable, CustomStringConvertible {
    public var column: TemplateColumn?
    public var reason: String

    public init(_ column: TemplateColumn?, _ reason: String) {
        self.column = column
        self.reason = reason
    }

    /// `Column: reason`, the item format of the error report's `Errors` cell.
    public var description: String { column.map { "\($0.header): \(reason)" } ?? reason }
}

/// The per-row rules of DESIGN §1 that need only the row and the catalog.
///
/// Checks that need the rest of the file or the store (duplicates, seats, extensions held by
/// other users) belong to the engine's planner. Every failing rule is reported, not only the first.
public struct RowValidator: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) { self.catalog = catalog }

    /// Validates `row` (cells already trimmed) and returns it normalised: canonical license and
    /// role casing, empty license as `Unassigned`, upper-case data center.
    /// - Parameter lineBreaks: columns whose cell held a line break in the file.
    public func validate(_ row: TemplateRow, lineBreaks: Set<TemplateColumn> = []) -> (row: TemplateRow, issues: [RowIssue]) {
        var row = row
        var issues: [RowIssue] = []
        for column in TemplateColumn.allCases where lineBreaks.contains(column) {
            issues.append(RowIssue(column, "the cell holds a line break; write it on one line (no paragraphs in cells)"))
        }
        if row.firstName.isEmpty { issues.append(RowIssue(.firstName, "required; write the user's first name")) }
        if row.lastName.isEmpty { issues.append(RowIssue(.lastName, "required; write the user's last name")) }

        if let license = catalog.canonicalLicense(row.license) {
            row[.license] = license
        } else {
            let hint = Suggestions.closest(to: row.license, in: Catalog.licenses).map { "did you mean \"\($0)\"? " } ?? ""
            issues.append(RowIssue(.license, "\"\(row.license)\" is not a license; \(hint)write Contact, Enterprise or Unassigned (empty means Unassigned)"))
        }

        if let reason = extensionProblem(row.extension) { issues.append(RowIssue(.extension, reason)) }

        if row.email.isEmpty {
            issues.append(RowIssue(.email, "required; write the user's email address, e.g. jane.doe@company.com"))
        } else if let reason = EmailAddress.problem(row.email) {
            issues.append(RowIssue(.email, reason))
        }

        if row.role.isEmpty {
            issues.append(RowIssue(.role, "required; write one of: \(catalog.roles.joined(separator: ", "))"))
        } else if let role = catalog.canonicalRole(row.role) {
            row[.role] = role
        } else {
            let hint = Suggestions.closest(to: row.role, in: catalog.roles).map { "did you mean \"\($0)\"? " } ?? ""
            issues.append(RowIssue(.role, "\"\(row.role)\" is not a role; \(hint)write one of: \(catalog.roles.joined(separator: ", ")) (add custom roles under catalog.roles in rostersync.yaml)"))
        }

        let center = row.dataCenter.uppercased()
        if row.dataCenter.isEmpty {
            issues.append(RowIssue(.dataCenter, "required; write a two-letter code: \(catalog.dataCenterList)"))
        } else if catalog.dataCenters[center] != nil {
            row[.dataCenter] = center
        } else {
            issues.append(RowIssue(.dataCenter, "\"\(row.dataCenter)\" is not a data center; \(dataCenterHint(center))write a two-letter code: \(catalog.dataCenterList)"))
        }
        return (row, issues)
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

/// The address rule: `local@domain.tld`, ASCII, no spaces.
package enum EmailAddress {
    private static let localSpecials = Set("!#$%&'*+/=?^_`{|}~.-".utf8)

    /// Why `email` is not a valid address, with the fix; `nil` when it is valid.
    package static func problem(_ email: String) -> String? {
        let fix = "write an address like jane.doe@company.com"
        let bytes = Array(email.utf8)
        if bytes.contains(where: { $0 >= 0x80 }) { return "\"\(email)\" has non-ASCII characters; \(fix)" }
        if bytes.contains(UInt8(ascii: " ")) { return "\"\(email)\" contains a space; \(fix)" }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "\"\(email)\" must contain exactly one @; \(fix)" }
        let local = parts[0], domain = parts[1]
        let localOK = !local.isEmpty && local.count <= 64 && local.first != UInt8(ascii: ".") && local.last != UInt8(ascii: ".")
            && !containsDoubleDot(local)
            && local.allSatisfy { isAlphanumeric($0) || localSpecials.contains($0) }
        guard localOK else { return "\"\(email)\" has an invalid part before the @; \(fix)" }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let domainOK = labels.count >= 2 && bytes.count <= 254
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                    && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            }
            && labels.last!.count >= 2 && labels.last!.allSatisfy { isAlphanumeric($0) && $0 > UInt8(ascii: "9") }
        guard domainOK else { return "\"\(email)\" has an invalid domain after the @; \(fix)" }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func containsDoubleDot(_ bytes: ArraySlice<UInt8>) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
    }
}
