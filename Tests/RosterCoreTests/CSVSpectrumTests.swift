import Foundation
import RosterCore
import Testing

/// csv-spectrum (shared test data, never copied into the project): every `csvs/NAME.csv` must
/// read to the records of `json/NAME.json`, objects keyed by the header row.
@Suite struct CSVSpectrumTests {
    /// `../shared/testdata/csv-spectrum` beside the repository root (three levels above this file).
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/testdata/csv-spectrum").standardizedFileURL

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("csvs").path)) ?? []
        return files.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// Upstream errata: cells where the JSON disagrees with its own CSV. csv-spectrum's
    /// `location_coordinates.json` says "1234567890" but the CSV holds 2095257564, so the
    /// CSV's value is asserted for that one cell.
    static let errata: [String: [String: String]] = [
        "location_coordinates": ["Contact Phone Number": "2095257564"],
    ]

    @Test func spectrumIsPresent() {
        #expect(Self.names.count >= 12, "csv-spectrum not found at \(Self.directory.path)")
    }

    @Test(arguments: names)
    func spectrumFile(name: String) throws {
        let csv = try Data(contentsOf: Self.directory.appendingPathComponent("csvs/\(name).csv"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.directory.appendingPathComponent("json/\(name).json")))
        var expected = try #require((json as? [[String: String]]) ?? (json as? [String: String]).map { [$0] })
        for (column, value) in Self.errata[name] ?? [:] {
            for index in expected.indices { expected[index][column] = value }
        }

        let format = try detect(Array(csv))
        let records = try read(Array(csv), delimiter: Character(UnicodeScalar(format.delimiter)), encoding: format.encoding)
        let header = try #require(records.first).fields
        let rows = records.dropFirst().map { record in
            Dictionary(uniqueKeysWithValues: zip(header, record.fields))
        }
        #expect(rows == expected)
        #expect(records.dropFirst().allSatisfy { $0.fields.count == header.count })
    }
}
