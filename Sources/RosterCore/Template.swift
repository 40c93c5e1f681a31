/// The seven columns of the vendor's CSV user-import template, in template order.
///
/// Header cells match case-insensitively, with surrounding spaces and a UTF-8 BOM ignored;
/// `Email` is accepted as an alias of `Email Address` (DESIGN §1).
public enum TemplateColumn: Int, CaseIterable, Sendable, Hashable, Comparable {
    case firstName, lastName, license, `extension`, email, role, dataCenter

    /// The header text exactly as the template writes it.
    public var header: String {
        switch self {
        case .firstName: "First Name"
        case .lastName: "Last Name"
        case .license: "License"
        case .extension: "Extension"
        case .email: "Email Address"
        case .role: "Role"
        case .dataCenter: "Data Center"
        }
    }

    /// Lower-cased header spellings that name this column.
    public var acceptedHeaders: [String] {
        self == .email ? ["email address", "email"] : [header.lowercased()]
    }

    /// The column whose header is `text` (case-insensitive, trimmed), if any.
    public init?(header text: String) {
        let key = text.trimmingSpaces().lowercased()
        guard let column = TemplateColumn.allCases.first(where: { $0.acceptedHeaders.contains(key) }) else {
            return nil
        }
        self = column
    }

    public static func < (lhs: TemplateColumn, rhs: TemplateColumn) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One row of the user-import template: seven cells, in template order.
///
/// Values are kept as written until ``RowValidator`` normalises them (canonical role casing,
/// upper-case data center, lower-case email key). The cells are stored properties rather than an
/// array: a row is made for every imported or mapped record, and seven inline strings cost no
/// allocation of their own (short ones none at all).
public struct TemplateRow: Sendable, Hashable {
    public var firstName: String
    public var lastName: String
    public var license: String
    public var `extension`: String
    public var email: String
    public var role: String
    public var dataCenter: String

    /// A row with every cell empty.
    public init() {
        self.init(firstName: "", lastName: "", license: "", extension: "", email: "", role: "", dataCenter: "")
    }

    public init(
        firstName: String, lastName: String, license: String, extension ext: String,
        email: String, role: String, dataCenter: String
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.license = license
        self.extension = ext
        self.email = email
        self.role = role
        self.dataCenter = dataCenter
    }

    public subscript(column: TemplateColumn) -> String {
        get {
            switch column {
            case .firstName: firstName
            case .lastName: lastName
            case .license: license
            case .extension: self.extension
            case .email: email
            case .role: role
            case .dataCenter: dataCenter
            }
        }
        set {
            switch column {
            case .firstName: firstName = newValue
            case .lastName: lastName = newValue
            case .license: license = newValue
            case .extension: self.extension = newValue
            case .email: email = newValue
            case .role: role = newValue
            case .dataCenter: dataCenter = newValue
            }
        }
    }

    /// The seven cells in template order (built on each read: prefer the properties or the
    /// subscript in loops).
    public var cells: [String] {
        [firstName, lastName, license, self.extension, email, role, dataCenter]
    }
}

/// The template as downloaded: header plus the three sample rows of DESIGN §1.
public enum Template {
    public static let headers: [String] = TemplateColumn.allCases.map(\.header)

    public static let sampleRows: [TemplateRow] = [
        TemplateRow(firstName: "Bob", lastName: "Hawkins", license: "Enterprise", extension: "1000",
                    email: "bob@company.com", role: "Agent", dataCenter: "US"),
        TemplateRow(firstName: "Andrew", lastName: "Davis", license: "Enterprise", extension: "1001",
                    email: "drew@company.com", role: "Supervisor", dataCenter: "BR"),
        TemplateRow(firstName: "Barbara", lastName: "Kingston", license: "Enterprise", extension: "1002",
                    email: "barb@company.com", role: "Admin", dataCenter: "UK"),
    ]
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, line breaks, NBSP and BOM (no Foundation needed).
    package func trimmingSpaces() -> String {
        let text = String(self)
        // Most text has no space at either end: its first and last UTF-8 bytes say so without
        // breaking it into characters (NBSP ends in 0xA0, a BOM in 0xBF).
        let ends = text.utf8.withContiguousStorageIfAvailable { bytes in bytes.last.map { (bytes[0], $0) } }
        guard let (first, last) = ends ?? text.utf8.first.map({ ($0, text.utf8.last!) }) else { return "" }
        if first > 0x20, first != 0xC2, first != 0xEF, last > 0x20, last != 0xA0, last != 0xBF { return text }
        // "\r\n" is one Character.
        let isSpace: (Character) -> Bool = {
            $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\u{FEFF}" || $0 == "\u{A0}"
        }
        guard let start = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = text.lastIndex(where: { !isSpace($0) })!
        return String(text[start...end])
    }
}
