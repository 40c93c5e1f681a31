import Foundation
import RosterCore
import Testing

/// One CSV edge case: the bytes of a file and the records it must read to, objects keyed by the
/// header row.
struct CSVEdgeCase: Sendable, CustomStringConvertible {
    var name: String
    var bytes: [UInt8]
    var expected: [[String: String]]

    var description: String { name }
}

/// The CSV edge cases the project relies on, kept with the tests so that `swift test` passes on a
/// clone alone: quoted delimiters, doubled quotes, line breaks inside quotes (LF and CRLF), empty
/// quoted cells, UTF-8 text and a last line without a line break.
enum CSVEdgeCases {
    static let all: [CSVEdgeCase] = [
        CSVEdgeCase(name: "comma in quotes", bytes: Array("first,last,city\nJohn,Doe,\"Anytown, WW\"".utf8),
                    expected: [["first": "John", "last": "Doe", "city": "Anytown, WW"]]),
        CSVEdgeCase(name: "empty quoted cells", bytes: Array("a,b,c\n1,\"\",\"\"\n2,3,4".utf8),
                    expected: [["a": "1", "b": "", "c": ""], ["a": "2", "b": "3", "c": "4"]]),
        CSVEdgeCase(name: "empty quoted cells, CRLF", bytes: Array("a,b,c\r\n1,\"\",\"\"\r\n2,3,4".utf8),
                    expected: [["a": "1", "b": "", "c": ""], ["a": "2", "b": "3", "c": "4"]]),
        CSVEdgeCase(name: "doubled quotes", bytes: Array("a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n".utf8),
                    expected: [["a": "1", "b": "ha \"ha\" ha"], ["a": "3", "b": "4"]]),
        CSVEdgeCase(name: "JSON in a cell", bytes: Array("key,val\n1,\"{\"\"type\"\": \"\"Point\"\"}\"\n".utf8),
                    expected: [["key": "1", "val": "{\"type\": \"Point\"}"]]),
        CSVEdgeCase(name: "line break in quotes", bytes: Array("a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n".utf8),
                    expected: [["a": "1", "b": "2", "c": "3"], ["a": "Once upon \na time", "b": "5", "c": "6"], ["a": "7", "b": "8", "c": "9"]]),
        CSVEdgeCase(name: "line break in quotes, CRLF", bytes: Array("a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n".utf8),
                    expected: [["a": "1", "b": "2", "c": "3"], ["a": "Once upon \r\na time", "b": "5", "c": "6"], ["a": "7", "b": "8", "c": "9"]]),
        CSVEdgeCase(name: "quotes and line breaks", bytes: Array("a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n".utf8),
                    expected: [["a": "1", "b": "ha \n\"ha\" \nha"], ["a": "3", "b": "4"]]),
        CSVEdgeCase(name: "simple, CRLF", bytes: Array("a,b,c\r\n1,2,3\r\n".utf8), expected: [["a": "1", "b": "2", "c": "3"]]),
        CSVEdgeCase(name: "UTF-8 text", bytes: Array("a,b,c\n1,2,3\n4,5,ʤ\n".utf8),
                    expected: [["a": "1", "b": "2", "c": "3"], ["a": "4", "b": "5", "c": "ʤ"]]),
        CSVEdgeCase(name: "UTF-8 in a quoted cell, no final line break", bytes: Array("Phone,Where\n2095257564,\"37°36'37.8\"\"N\"".utf8),
                    expected: [["Phone": "2095257564", "Where": "37°36'37.8\"N"]]),
    ]
}

/// The shared csv-spectrum corpus (`../shared/testdata/csv-spectrum` beside the repository):
/// extra cases when it is there, none when it is not.
struct SpectrumCorpus {
    var directory: URL

    /// `../shared/testdata/csv-spectrum` beside the repository root (three levels above this file).
    static let beside = SpectrumCorpus(directory: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/testdata/csv-spectrum").standardizedFileURL)

    /// Upstream errata: cells where the JSON disagrees with its own CSV. csv-spectrum's
    /// `location_coordinates.json` says "1234567890" but the CSV holds 2095257564, so the
    /// CSV's value is asserted for that one cell.
    static let errata: [String: [String: String]] = [
        "location_coordinates": ["Contact Phone Number": "2095257564"],
    ]

    /// Names of the corpus's `csvs/NAME.csv` files; empty when the corpus is absent.
    var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("csvs").path)) ?? []
        return files.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
    }

    var isPresent: Bool { !names.isEmpty }

    /// Every case of the corpus: `csvs/NAME.csv` with the records of `json/NAME.json`.
    func cases() throws -> [CSVEdgeCase] {
        try names.map { name in
            let csv = try Data(contentsOf: directory.appendingPathComponent("csvs/\(name).csv"))
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("json/\(name).json")))
            var expected = (json as? [[String: String]]) ?? (json as? [String: String]).map { [$0] } ?? []
            for (column, value) in Self.errata[name] ?? [:] {
                for index in expected.indices { expected[index][column] = value }
            }
            return CSVEdgeCase(name: name, bytes: Array(csv), expected: expected)
        }
    }
}

/// Every CSV edge case must read to its records: the project's own cases always, and the shared
/// csv-spectrum corpus as extra cases when it is present.
@Suite struct CSVSpectrumTests {
    @Test(arguments: CSVEdgeCases.all)
    func edgeCase(_ edgeCase: CSVEdgeCase) throws {
        try expectReads(edgeCase)
    }

    @Test func ownCasesCoverTheSpectrumShapes() {
        #expect(CSVEdgeCases.all.count >= 11)
    }

    @Test func anAbsentCorpusGivesNoCases() throws {
        let absent = SpectrumCorpus(directory: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"))
        #expect(!absent.isPresent)
        #expect(try absent.cases().isEmpty)
    }

    /// Skipped, with this reason shown in the test output, when the shared corpus is not beside the repository.
    @Test(.enabled(if: SpectrumCorpus.beside.isPresent, "csv-spectrum not found at ../shared/testdata/csv-spectrum; only the project's own CSV edge cases ran"))
    func sharedCorpus() throws {
        let cases = try SpectrumCorpus.beside.cases()
        #expect(cases.count >= 12)
        for edgeCase in cases { try expectReads(edgeCase) }
    }

    private func expectReads(_ edgeCase: CSVEdgeCase) throws {
        let format = try detect(edgeCase.bytes)
        let records = try read(edgeCase.bytes, delimiter: Character(UnicodeScalar(format.delimiter)), encoding: format.encoding)
        let header = try #require(records.first, "\(edgeCase.name)").fields
        let rows = records.dropFirst().map { record in Dictionary(uniqueKeysWithValues: zip(header, record.fields)) }
        #expect(rows == edgeCase.expected, "\(edgeCase.name)")
        #expect(records.dropFirst().allSatisfy { $0.fields.count == header.count }, "\(edgeCase.name)")
    }
}
