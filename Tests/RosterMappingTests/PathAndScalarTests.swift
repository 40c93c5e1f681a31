import Foundation
import RosterCore
import RosterMapping
import Testing

let graphLike: JSONValue = .object([
    "givenName": .string("Ada"),
    "name": .object(["givenName": .string("Grace"), "familyName": .string("Hopper")]),
    "phones": .array([.object(["value": .string("+1 555 0100")]), .object(["value": .string("+1 555 0199")])]),
    "customSchemas": .object(["ContactCenter": .object(["Extension": .string("2044")])]),
    "@odata.type": .string("#microsoft.graph.user"),
    "attributes": .object(["a.b": .string("dotted"), "say \"hi\"": .string("quoted")]),
    "byDigits": .object(["0": .string("zero key")]),
    "Given Name": .string("Spaced"),
])

@Suite struct SourcePathTests {
    @Test(arguments: [
        ("givenName", "Ada"),
        ("name.givenName", "Grace"),
        ("phones.0.value", "+1 555 0100"),
        ("phones.1.value", "+1 555 0199"),
        ("phones.2.value", ""),
        ("customSchemas.ContactCenter.Extension", "2044"),
        ("\"@odata.type\"", "#microsoft.graph.user"),
        ("attributes.\"a.b\"", "dotted"),
        ("attributes.\"say \\\"hi\\\"\"", "quoted"),
        ("byDigits.0", "zero key"),
        ("Given Name", "Spaced"),
        ("missing", ""),
        ("givenName.deeper", ""),
        ("name.0", ""),
    ])
    func resolves(path: String, expected: String) throws {
        let parsed = try SourcePath(parsing: path)
        #expect((parsed.resolve(in: graphLike).flatMap { value -> String? in
            if case .string(let text) = value { text } else { nil }
        } ?? "") == expected)
    }

    @Test(arguments: [
        ("", "empty path"),
        ("a..b", "empty key"),
        (".a", "empty key"),
        ("a.", "ends with '.'"),
        ("\"a.b", "unterminated quote"),
        ("\"a\"b", "text after a closing quote"),
        ("a\"b", "quote inside the key"),
        ("@odata.type", "quote the key: \"@odata\""),
        ("x.\"\"", "empty quoted key"),
    ])
    func rejectsInvalidPath(path: String, messagePart: String) {
        #expect(throws: PathSyntaxError.self) { try SourcePath(parsing: path) }
        do {
            _ = try SourcePath(parsing: path)
        } catch {
            #expect(error.description.contains(messagePart), "\(error.description)")
        }
    }
}

@Suite struct ScalarConversionTests {
    @Test(arguments: [
        (JSONValue.number(1000.0), "1000"),
        (.number(-42), "-42"),
        (.number(0.5), "0.5"),
        (.number(0.1), "0.1"),
        (.number(361234567890), "361234567890"),
        (.number(1e20), "1e+20"),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.null, ""),
        (.string(" as is "), " as is "),
        (.array([.string("x")]), ""),
        (.object(["k": .string("v")]), ""),
    ])
    func convertsToText(value: JSONValue, expected: String) throws {
        #expect(try firstName("{path: v}", .object(["v": value])) == expected)
    }

    @Test func missingPathGivesEmptyTextWithoutIssue() throws {
        let mapping = try MappingFile.parse(yaml: yaml(firstName: "{path: a.b.c}"), path: "t.yaml")
        let mapped = mapping.map(.object([:]))
        #expect(mapped.row.firstName == "")
        #expect(mapped.issues.isEmpty)
    }

    @Test func listOrObjectWithoutIndexIsAnIssue() throws {
        let mapping = try MappingFile.parse(yaml: yaml(firstName: "{path: phones}"), path: "t.yaml")
        let mapped = mapping.map(graphLike)
        #expect(mapped.row.firstName == "")
        #expect(mapped.issues == [MappingIssue(column: "First Name", reason: "path 'phones' holds a list; index it, e.g. phones.0")])
    }
}

@Suite struct CSVRecordTests {
    @Test func headerCellsBecomeKeys() throws {
        let record = CSVRecord.make(headers: ["\u{FEFF}Given Name", " Surname ", "Given Name", "Extra"], cells: ["Ana", "Souza", "dup"])
        #expect(record == .object(["Given Name": .string("Ana"), "Surname": .string("Souza"), "Extra": .string("")]))
    }

    @Test func shippedCSVMappingReadsCSVRecords() throws {
        let mapping = try MappingFile.load(path: mappingsDirectory.appendingPathComponent("custom-columns-csv.yaml").path)
        let headers = ["Given Name", "Surname", "Work Email", "Desk Phone", "Team", "Site", "Seat Type", "Cost Center"]
        let mapped = mapping.map(CSVRecord.make(
            headers: headers, cells: ["bob", "Hawkins", "Bob@Company.com", "555-1000", "Outbound", "Austin", "Full", "us-1"]))
        #expect(mapped.row == TemplateRow(
            firstName: "Bob", lastName: "Hawkins", license: "Enterprise", extension: "1000",
            email: "bob@company.com", role: "Agent", dataCenter: "US"))
        #expect(mapped.attributes.map(\.name) == ["Team", "Site", "Cost Center"])
        #expect(mapped.attribute("Cost Center") == "CC-US-1")
        #expect(mapped.externalID == "Bob@Company.com")
    }
}
