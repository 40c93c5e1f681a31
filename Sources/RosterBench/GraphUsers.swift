import Foundation
import RosterCore

/// Deterministic synthetic Graph users for the mapping bench, as JSON lines or as `JSONValue`.
///
/// Every 10th user has no `mail` (null), every 20th is disabled. Both renderings come from the
/// same fields, so the file path and the `JSONValue` path map the same records.
enum GraphUsers {
    private static let departments = ["Support", "Sales", "Contact Center", "Team Leads", "IT", "Finance", "Engineering"]
    private static let locations = ["US", "GB", "BR", "DE"]
    private static let givenNames = ["Ada", "Bob", "Chen", "Dina", "Emil", "Fatima", "Goran", "Hana"]
    private static let surnames = ["Hawkins", "Davis", "Kingston", "Okafor", "Silva", "Nakamura", "Novak", "Berg"]

    /// The fields of the `index`-th user in Graph's key order.
    private static func fields(_ index: Int) -> [(String, JSONValue)] {
        let given = givenNames[index % givenNames.count], surname = surnames[(index / 8) % surnames.count]
        let login = "\(given).\(surname)\(index)@Contoso.com"
        return [
            ("id", .string("00000000-0000-0000-0000-\(String(index))")),
            ("givenName", .string(given)),
            ("surname", .string(surname)),
            ("mail", index % 10 == 3 ? .null : .string(login)),
            ("userPrincipalName", .string(login)),
            ("businessPhones", .array([.string("+1 425 555 \(1000 + index % 9000)")])),
            ("mobilePhone", .null),
            ("department", .string(departments[index % departments.count])),
            ("jobTitle", .string("Agent")),
            ("usageLocation", .string(locations[index % locations.count])),
            ("accountEnabled", .bool(index % 20 != 7)),
        ]
    }

    /// The `index`-th user as a record.
    static func value(_ index: Int) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: fields(index)))
    }

    /// Writes users `0..<count` to `path` as JSON lines, one compact object per line in Graph's key order.
    static func writeJSONLines(count: Int, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? file.close() }
        var chunk = ""
        for index in 0..<count {
            chunk += "{" + fields(index).map { "\"\($0.0)\":\(text($0.1))" }.joined(separator: ",") + "}\n"
            if chunk.utf8.count > 1 << 20 || index == count - 1 {
                try file.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
    }

    /// The generator's scalars and one-level arrays as JSON text (its strings need no escapes).
    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): "\"\(string)\""
        case .bool(let flag): flag ? "true" : "false"
        case .array(let items): "[" + items.map(text).joined(separator: ",") + "]"
        default: "null"
        }
    }
}
