import Foundation
import RosterCore
import RosterMapping
import Testing

@Suite struct SampleRecordsTests {
    static let ada: JSONValue = .object(["givenName": .string("Ada"), "enabled": .bool(true), "ext": .number(1000)])
    static let bob: JSONValue = .object(["givenName": .string("Bob"), "phones": .array([.string("1")])])
    static let adaText = #"{"givenName": "Ada", "enabled": true, "ext": 1000}"#
    static let bobText = #"{"givenName": "Bob", "phones": ["1"]}"#

    @Test(arguments: [
        ("array", "[\(adaText), \(bobText)]"),
        ("Graph page", #"{"@odata.context": "x", "value": [\#(adaText), \#(bobText)], "@odata.nextLink": "y"}"#),
        ("Zendesk page", #"{"users": [\#(adaText), \#(bobText)], "next_page": null, "count": 2}"#),
        ("Salesforce page", #"{"totalSize": 2, "done": true, "records": [\#(adaText), \#(bobText)]}"#),
        ("HubSpot page", #"{"results": [\#(adaText), \#(bobText)], "paging": {"next": {"after": "3"}}}"#),
        ("only member", #"{"agents": [\#(adaText), \#(bobText)]}"#),
        ("JSON lines", "\(adaText)\n\n\(bobText)\n"),
        ("JSON lines with CRLF", "\(adaText)\r\n\(bobText)\r\n"),
    ])
    func readsEveryShape(shape: String, text: String) throws {
        let records = try SampleRecords.parse(Data(text.utf8), file: "in.json")
        #expect(records == [Self.ada, Self.bob], "\(shape)")
    }

    @Test func anObjectWithoutRecordArrayIsOneRecord() throws {
        let text = #"{"id": "1", "emails": [{"address": "a@b.c"}], "name": {"givenName": "Ada"}, "phones": []}"#
        let records = try SampleRecords.parse(Data(text.utf8), file: "in.json")
        #expect(records.count == 1)
        #expect(records[0]["id"] == .string("1"))
    }

    @Test func anEmptyPageHasNoRecords() throws {
        #expect(try SampleRecords.parse(Data(#"{"value": []}"#.utf8), file: "in.json").isEmpty)
        #expect(try SampleRecords.parse(Data("[]".utf8), file: "in.json").isEmpty)
    }

    @Test(arguments: [
        ("", "in.json: error: the file is empty"),
        ("givenName,surname\nAda,Lovelace", "in.json: error: not JSON"),
        (#"[{"a": 1},"#, "in.json: error: not valid JSON"),
        (#"[{"a": 1}, 2]"#, "in.json: error: item 2 of the array is not an object"),
        (#"{"users": [1]}"#, "in.json: error: item 1 of 'users' is not an object"),
        ("{\"a\": 1}\n{\"a\": 2", "in.json:2: error: not a valid JSON record"),
        ("{\"a\": 1}\n[1]", "in.json:2: error: this line is not a JSON object"),
    ])
    func rejectsWhatIsNotRecords(text: String, messageStart: String) {
        #expect {
            try SampleRecords.parse(Data(text.utf8), file: "in.json")
        } throws: { error in
            "\(error)".hasPrefix(messageStart)
        }
    }

    @Test func loadNamesAMissingFile() {
        #expect(throws: SampleRecordsError.self) { try SampleRecords.load(path: "/nonexistent/\(UUID().uuidString).json") }
    }
}

@Suite struct MappingPreviewTests {
    static let text = yaml(firstName: "{path: first}", extra: """
        id: key
        filter:
          exclude: [{path: skip, equals: true}]
        attributes:
          Team: {path: team}
        """).replacingOccurrences(of: "Role: {constant: Agent}", with: "Role: {path: role}")
        .replacingOccurrences(of: "a@b.c", with: "ada@example.com")

    @Test func previewsRowsAttributesAndVerdicts() throws {
        let mapping = try MappingFile.parse(yaml: Self.text, path: "t.yaml")
        let records: [JSONValue] = [
            .object(["first": .string("Ada"), "team": .string("A"), "key": .number(7), "role": .string("agent")]),
            .object(["first": .string(""), "team": .array([]), "key": .string("8"), "role": .string("Pilot")]),
            .object(["first": .string("Cy"), "skip": .bool(true), "key": .string("9")]),
            .object(["first": .string("Line\nbreak"), "role": .string("Agent")]),
        ]
        let rows = mapping.preview(records, catalog: .standard)
        #expect(rows.map(\.index) == [1, 2, 3, 4])
        #expect(rows.map(\.externalID) == ["7", "8", "9", ""])
        #expect(rows.map(\.isValid) == [true, false, false, false])
        #expect(rows.map(\.isFilteredOut) == [false, false, true, false])

        #expect(rows[0].row.firstName == "Ada")
        #expect(rows[0].row.role == "agent", "the preview shows the mapped cell, before the validator's casing")
        #expect(rows[0].attributes == [MappedAttribute(name: "Team", value: "A")])
        #expect(rows[0].errors.isEmpty)

        #expect(rows[1].errors.first == "Team: path 'team' holds a list; index it, e.g. team.0")
        #expect(rows[1].errors.contains { $0.hasPrefix("First Name: required") })
        #expect(rows[1].errors.contains { $0.hasPrefix("Role: \"Pilot\" is not a role") })

        #expect(rows[2].errors.isEmpty)
        #expect(rows[2].row == TemplateRow())
        #expect(rows[3].errors.contains { $0.hasPrefix("First Name: the cell holds a line break") })
    }

    @Test func validatesAgainstTheGivenCatalog() throws {
        let mapping = try MappingFile.parse(yaml: Self.text, path: "t.yaml")
        let record: JSONValue = .object(["first": .string("Ada"), "role": .string("Pilot")])
        #expect(!mapping.preview([record], catalog: .standard)[0].isValid)
        #expect(mapping.preview([record], catalog: Catalog(customRoles: ["Pilot"]))[0].isValid)
    }
}
