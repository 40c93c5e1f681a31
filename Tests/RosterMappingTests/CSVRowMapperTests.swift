import Foundation
import RosterCore
import RosterMapping
import Testing

/// `CSVRowMapper` matches paths to columns once per file; every row must map exactly as the
/// record `CSVRecord.make` builds from it would.
@Suite struct CSVRowMapperTests {
    /// Headers with spaces around them, a repeated header, a digits-only header, a header with a dot.
    static let header = [" text ", "mail", "upn", "dept", "mail", "0", "a.b", "number", "flag", "id"]

    static let rows: [[String]] = [
        ["  Ada ", "Ada@Example.COM", "ada@upn", "IT", "second@example.com", "zero", "dotted", "7", "true", "x1"],
        ["", "", "bob@upn", "Support", "", "", "", "", "", ""],
        ["short row"],
        [],
        ["Zoë", "zoë@example.com", "", "Sales", "", "", "", "1.5", "false", "x3", "extra cell"],
    ]

    @Test(arguments: [probeMapping, probeMapping + "\nfilter:\n  include:\n    - {path: dept, in: [IT, Sales]}\n"])
    func rowsMapAsTheRecordsTheyStandFor(yaml: String) throws {
        let mapping = try MappingFile.parse(yaml: yaml, path: "probe.yaml")
        let mapper = CSVRowMapper(mapping: mapping, header: Self.header)
        for cells in Self.rows {
            let expected = mapping.map(CSVRecord.make(headers: Self.header, cells: cells))
            #expect(mapper.map(cells: cells) == expected, "\(cells)")
        }
    }

    @Test func theShippedCSVMappingMapsTheExampleExportTheSameWay() throws {
        let mapping = try MappingFile.load(path: mappingsDirectory.appendingPathComponent("custom-columns-csv.yaml").path)
        let header = ["Given Name", "Surname", "Work Email", "Desk Phone", "Team", "Site", "Seat Type", "Cost Center"]
        let mapper = CSVRowMapper(mapping: mapping, header: header)
        let cells = ["priya", "Shah", "Priya.Shah@Example.co.uk", "+44 20 7946 0312", "Inbound", "London", "Full", "uk-204"]
        let mapped = mapper.map(cells: cells)
        #expect(mapped == mapping.map(CSVRecord.make(headers: header, cells: cells)))
        #expect(mapped.row.firstName == "Priya")
        #expect(mapped.row.extension == "0312")
        #expect(mapped.attribute("Cost Center") == "CC-UK-204")
    }
}
