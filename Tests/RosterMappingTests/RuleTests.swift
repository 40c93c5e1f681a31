import RosterCore
import RosterMapping
import Testing

@Suite struct TransformTests {
    @Test(arguments: [
        ("[trim]", "  Ada \t", "Ada"),
        ("[lower]", "ADA@X.COM", "ada@x.com"),
        ("[upper]", "gb", "GB"),
        ("[title]", "o'neil-SMITH jr", "O'Neil-Smith Jr"),
        ("[title]", "élodie", "Élodie"),
        ("[digits]", "+1 (425) 555-1000 x7", "142555510007"),
        ("[{last: 4}]", "14255551000", "1000"),
        ("[{last: 4}]", "12", "12"),
        ("[{first: 3}]", "Zoë Smith", "Zoë"),
        ("[{last: 2}]", "Zoë", "oë"),
        ("[{regex: '(\\d{4})$'}]", "ext 2044", "2044"),
        ("[{regex: '[A-Z]+'}]", "abcDEFghi", "DEF"),
        ("[{regex: {pattern: '(\\w+)@(\\w+)', group: 2}}]", "ada@example", "example"),
        ("[{regex: '(\\d+)'}]", "no digits", ""),
        ("[{replace: {from: '-', to: ''}}]", "555-1000-2", "55510002"),
        ("[{replace: {from: ' '}}]", "a b c", "abc"),
        ("[{split: {separator: ' ', index: 0}}]", "Jane van Doe", "Jane"),
        ("[{split: {separator: ' ', index: 1, rest: true}}]", "Jane  van Doe", "van Doe"),
        ("[{split: {separator: ' ', index: -1}}]", "Jane van Doe", "Doe"),
        ("[{split: {separator: ',', index: 5}}]", "a,b", ""),
        ("[{split: {index: 1}}]", "Jane Doe", "Doe"),
        ("[{prefix: 'CC-'}]", "204", "CC-204"),
        ("[{prefix: 'CC-'}]", "", ""),
        ("[{suffix: ' (c)'}]", "Ann", "Ann (c)"),
        ("[trim, digits, {last: 4}]", " 555 0100 ", "0100"),
    ])
    func transforms(list: String, input: String, expected: String) throws {
        #expect(try firstName("{path: v, transforms: \(list)}", .object(["v": .string(input)])) == expected)
    }
}

@Suite struct SourceAndValueMapTests {
    let record: JSONValue = .object([
        "mail": .null, "upn": .string("Drew@X.com"), "blank": .string("  "), "first": .string("Ada"),
        "last": .string("Lovelace"), "dept": .string("support"), "loc": .string("GB"),
    ])

    @Test(arguments: [
        ("{constant: Enterprise}", "Enterprise"),
        ("{first_of: [mail, blank, upn]}", "Drew@X.com"),
        ("{first_of: [mail, nothing]}", ""),
        ("{first_of: [mail, nothing], default: none}", "none"),
        ("{template: '{{first}} {{ last }}'}", "Ada Lovelace"),
        ("{template: '{{last}}, {{first}} ({{missing}})'}", "Lovelace, Ada ()"),
        ("{path: dept, map: {Support: Agent, Sales: Inbound Agent}}", "Agent"),
        ("{path: dept, map: {' SUPPORT ': Agent}}", "Agent"),
        ("{path: loc, map: {UK: UK}}", "GB"),
        ("{path: loc, map: {UK: UK}, default: US}", "US"),
        ("{path: nothing, map: {'': Empty}}", "Empty"),
        ("{path: nothing, map: {x: y}, default: US}", "US"),
        ("{path: nothing, default: fallback}", "fallback"),
        ("{path: first, default: fallback}", "Ada"),
        ("{path: dept, transforms: [upper], map: {SUPPORT: Agent}}", "Agent"),
    ])
    func sources(rule: String, expected: String) throws {
        #expect(try firstName(rule, record) == expected)
    }
}

@Suite struct FilterTests {
    static let filters = """
        id: id
        filter:
          include:
            - {path: active, equals: true}
            - {path: role, in: [Agent, admin]}
            - {path: email, exists: true}
          exclude:
            - {path: email, regex: '@test\\.'}
            - {path: note, exists: true}
        """

    @Test(arguments: [
        (["active": JSONValue.bool(true), "role": .string("agent"), "email": .string("a@x.com")], true),
        (["active": .string("TRUE"), "role": .string("ADMIN"), "email": .string("a@x.com")], true),
        (["active": .bool(false), "role": .string("agent"), "email": .string("a@x.com")], false),
        (["role": .string("agent"), "email": .string("a@x.com")], false),
        (["active": .bool(true), "role": .string("end-user"), "email": .string("a@x.com")], false),
        (["active": .bool(true), "role": .string("agent"), "email": .string("  ")], false),
        (["active": .bool(true), "role": .string("agent"), "email": .null], false),
        (["active": .bool(true), "role": .string("agent"), "email": .string("a@test.com")], false),
        (["active": .bool(true), "role": .string("agent"), "email": .string("a@x.com"), "note": .string("x")], false),
        (["active": .bool(true), "role": .string("agent"), "email": .string("a@x.com"), "note": .string("")], true),
    ] as [([String: JSONValue], Bool)])
    func filters(record: [String: JSONValue], kept: Bool) throws {
        let mapping = try MappingFile.parse(yaml: yaml(firstName: "{path: email}", extra: Self.filters), path: "t.yaml")
        var members = record
        members["id"] = .number(7)
        let mapped = mapping.map(.object(members))
        #expect(mapped.isFilteredOut == !kept)
        #expect(mapped.externalID == "7")
        if !kept { #expect(mapped.row == TemplateRow()) }
    }

    @Test func noIDPathMeansNilExternalID() throws {
        let mapping = try MappingFile.parse(yaml: yaml(firstName: "{path: x}"), path: "t.yaml")
        #expect(mapping.map(.object([:])).externalID == nil)
    }
}

@Suite struct AttributeTests {
    @Test func attributesKeepFileOrder() throws {
        let extra = """
            attributes:
              Zeta: {path: z}
              Alpha: {constant: A}
              Cost Center: {path: cc, transforms: [upper]}
            """
        let mapping = try MappingFile.parse(yaml: yaml(firstName: "{path: x}", extra: extra), path: "t.yaml")
        let mapped = mapping.map(.object(["z": .number(26), "cc": .string("uk-1")]))
        #expect(mapping.attributeNames == ["Zeta", "Alpha", "Cost Center"])
        #expect(mapped.attributes == [
            MappedAttribute(name: "Zeta", value: "26"), MappedAttribute(name: "Alpha", value: "A"),
            MappedAttribute(name: "Cost Center", value: "UK-1"),
        ])
    }
}
