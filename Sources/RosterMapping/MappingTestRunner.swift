public import RosterCore

/// One entry of a mapping file's `tests:` section: a sample record and what it must map to.
public struct MappingTest: Sendable {
    /// The test's `name:`.
    public var name: String
    /// Line of the test in the mapping file.
    public var line: Int
    /// The sample source record.
    public var record: JSONValue
    /// Expected cells, only for the columns the test lists, in template order.
    public var expectedRow: [(column: TemplateColumn, value: String)]
    /// Expected custom attributes, only those the test lists, in file order.
    public var expectedAttributes: [MappedAttribute]
    /// `true` when the record must be filtered out.
    public var expectFilteredOut: Bool
    /// The expected external id, when the test says `id:`.
    public var expectedID: String?
}

/// The outcome of one mapping test.
public struct MappingTestResult: Sendable, Hashable {
    /// One column (or attribute, `id`, `filtered`) whose value differs from the expectation.
    public struct Mismatch: Sendable, Hashable, CustomStringConvertible {
        /// Template column header, attribute name, `id` or `filtered`.
        public var column: String
        /// The value the test expects (`true`/`false` for `filtered`).
        public var expected: String
        /// The value the mapping gave.
        public var got: String

        /// A mismatch on `column`.
        public init(column: String, expected: String, got: String) {
            self.column = column
            self.expected = expected
            self.got = got
        }

        /// `Column: expected 'x', got 'y'`.
        public var description: String { "\(column): expected '\(expected)', got '\(got)'" }
    }

    /// The test's name.
    public var name: String
    /// Line of the test in the mapping file.
    public var line: Int
    /// `true` when every listed expectation holds.
    public var passed: Bool { mismatches.isEmpty }
    /// Every difference, in template order, then attributes, then id.
    public var mismatches: [Mismatch]
}

extension Mapping {
    /// Runs the file's `tests:` and reports, per test, every expectation that does not hold.
    ///
    /// A test compares only the columns and attributes it lists; a record expected to be
    /// filtered out is compared on that alone.
    public func runTests() -> [MappingTestResult] {
        tests.map { test in
            let mapped = map(test.record)
            var mismatches: [MappingTestResult.Mismatch] = []
            if test.expectFilteredOut || mapped.isFilteredOut {
                if test.expectFilteredOut != mapped.isFilteredOut {
                    mismatches.append(.init(column: "filtered", expected: "\(test.expectFilteredOut)", got: "\(mapped.isFilteredOut)"))
                }
            } else {
                for (column, expected) in test.expectedRow where mapped.row[column] != expected {
                    mismatches.append(.init(column: column.header, expected: expected, got: mapped.row[column]))
                }
                for expected in test.expectedAttributes {
                    let got = mapped.attribute(expected.name) ?? ""
                    if got != expected.value {
                        mismatches.append(.init(column: expected.name, expected: expected.value, got: got))
                    }
                }
            }
            if let expectedID = test.expectedID, expectedID != mapped.externalID ?? "" {
                mismatches.append(.init(column: "id", expected: expectedID, got: mapped.externalID ?? ""))
            }
            return MappingTestResult(name: test.name, line: test.line, mismatches: mismatches)
        }
    }
}

/// Builds records from CSV rows so a plain file goes through the same mapping as an API pull.
public enum CSVRecord {
    /// An object whose keys are the header cells (trimmed, UTF-8 BOM removed) and whose values are
    /// the row's cells as strings. A row shorter than the header gives empty strings for the
    /// missing cells; extra cells are ignored; of two equal header cells the first wins.
    ///
    /// A header such as `Given Name` is reached with the path `Given Name`; one holding a dot or
    /// `@` needs quotes in the path, e.g. `"E.Mail"`.
    public static func make(headers: [String], cells: [String]) -> JSONValue {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(headers.count)
        for (position, header) in headers.enumerated() {
            let key = header.trimmingSpaces()
            if members[key] == nil {
                members[key] = .string(position < cells.count ? cells[position] : "")
            }
        }
        return .object(members)
    }
}
