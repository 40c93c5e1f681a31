import Foundation

/// Deterministic template CSVs with unique emails and extensions and realistic names.
struct RosterGenerator {
    let rows: Int

    private static let firstNames = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
                                     "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Ana",
                                     "Wei", "Mei", "Ahmed", "Fatima", "Olga", "Ivan", "Priya", "Raj", "Chloé", "José", "Zoë", "Søren"]
    private static let lastNames = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
                                    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
                                    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "O'Brien", "Müller"]
    private static let roles = ["Agent", "Agent", "Agent", "Inbound Agent", "Supervisor", "Limited Agent", "Admin", "Billing Admin"]
    private static let centers = ["US", "US", "UK", "BR"]
    private static let licenses = ["Enterprise", "Enterprise", "Contact", "Unassigned"]

    /// The cells of user `index` with `variant` applied to its role (0 = original).
    static func cells(_ index: Int, variant: Int = 0) -> [String] {
        let first = firstNames[index % firstNames.count]
        let last = lastNames[(index / firstNames.count) % lastNames.count]
        let email = "\(first.lowercased().filter { $0.isASCII && $0.isLetter }).\(last.lowercased().filter { $0.isASCII && $0.isLetter }).\(index)@example.com"
        return [first, last, licenses[index % licenses.count], String(100_000 + index), email,
                roles[(index + variant) % roles.count], centers[index % centers.count]]
    }

    /// Writes rows `0..<rows` (or the changed variant) to `path`.
    /// - Parameters:
    ///   - changedEvery: every Nth row gets a different role (0 = none).
    ///   - extra: rows appended after the last one (new users).
    ///   - first: the index of the first user, so files starting far apart hold disjoint users.
    func write(to path: String, changedEvery: Int = 0, extra: Int = 0, first: Int = 0) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var chunk = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\n"
        for index in first..<(first + rows + extra) {
            let variant = changedEvery > 0 && index < first + rows && index % changedEvery == 0 ? 1 : 0
            let cells = Self.cells(index, variant: variant).map { $0.contains("'") ? "\"\($0)\"" : $0 }
            chunk += cells.joined(separator: ",") + "\r\n"
            if chunk.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
    }
}
