import Foundation
import RosterMapping
import Testing

@Suite struct DiagnosticTests {
    static let broken = """
        columns:
          Frist Name: {path: givenName}
          Last Name: {path: "a..b"}
          License: {constant: Enterprise, trnasforms: [trim]}
          Extension: {path: phone, transforms: [lowercase, {last: x}]}
          Email: {path: mail}
          Email Address: {path: upn}
          Role: {path: dept, transforms: [{regex: '([a-z'}]}
          Data Center: US
        """

    /// `line:col` and a distinctive part of the message, for every diagnostic of `broken`, in order.
    static let expected: [(String, String)] = [
        ("1:1", "template column 'First Name' is not mapped; add it under columns:"),
        ("2:3", "unknown template column 'Frist Name'; did you mean 'First Name'?"),
        ("3:21", "column 'Last Name' path: path 'a..b' has an empty key"),
        ("4:35", "unknown key 'trnasforms' in column 'License'; did you mean 'transforms'?"),
        ("5:41", "unknown transform 'lowercase'; did you mean 'lower'?"),
        ("5:59", "transform 'last' takes a number of characters; write {last: 4}"),
        ("7:3", "column 'Email Address' is mapped twice ('Email' at line 6 and 'Email Address'); keep one of them"),
        ("8:43", "'([a-z' is not a valid regular expression"),
        ("9:16", "column 'Data Center' needs a rule, not a bare value; write {path: US}"),
    ]

    @Test func everyProblemIsReportedWithItsPosition() {
        let found = diagnostics(Self.broken)
        #expect(found.count == Self.expected.count, "\(found.map(\.description).joined(separator: "\n"))")
        for (diagnostic, (position, message)) in zip(found, Self.expected) {
            #expect("\(diagnostic.line):\(diagnostic.column)" == position, "\(diagnostic)")
            #expect(diagnostic.message.contains(message), "\(diagnostic)")
            #expect(diagnostic.description.hasPrefix("m.yaml:\(position): error: "))
        }
    }

    @Test func thrownErrorListsEveryLine() {
        do {
            _ = try MappingFile.parse(yaml: Self.broken, path: "mappings/x.yaml")
            Issue.record("expected diagnostics")
        } catch {
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == Self.expected.count)
            #expect(lines.allSatisfy { $0.hasPrefix("mappings/x.yaml:") && $0.contains(": error: ") })
        }
    }

    @Test(arguments: [
        ("colums:\n  First Name: {path: a}\n", "1:1", "unknown key 'colums' in the mapping file; did you mean 'columns'?"),
        ("columns:\n  First Name: {path: a\n", "3:1", "invalid YAML"),
        ("columns:\n  Role: {path: a}\n  Role: {path: b}\n", "2:3", "key 'Role' appears twice"),
        ("", "1:1", "mapping file is empty"),
        ("- a\n- b\n", "1:1", "the mapping file must be a mapping"),
    ])
    func fileLevelProblems(text: String, position: String, message: String) {
        let found = diagnostics(text)
        let match = found.first { $0.message.contains(message) }
        #expect(match.map { "\($0.line):\($0.column)" } == position, "\(found)")
    }

    @Test(arguments: [
        ("{path: a, constant: b}", "2:25", "column 'First Name' has both path: and constant:; keep one source"),
        ("{transforms: [trim]}", "2:15", "column 'First Name' has no source"),
        ("{first_of: a}", "2:26", "first_of must be a list of paths"),
        ("{template: 'Hi {{name'}", "2:26", "template has '{{' without '}}'"),
        ("{template: 'plain'}", "2:26", "template has no {{path}} placeholder; use constant:"),
        ("{path: '@odata.type'}", "2:22", "quote the key: \"@odata\" (or \"@odata.type\" if that is one key with dots)"),
        ("{path: a, transforms: [last]}", "2:38", "transform 'last' needs an argument; write {last: 4}"),
        ("{path: a, transforms: [{trim: yes}]}", "2:39", "transform 'trim' takes no argument"),
        ("{path: a, transforms: [uppercase]}", "2:38", "did you mean 'upper'?"),
        ("{path: a, transforms: [digit]}", "2:38", "did you mean 'digits'?"),
        ("{path: a, transforms: [{regex: {pattern: '(a)', group: 3}}]}", "2:46", "group: 3 but the pattern has 1 capture group(s)"),
        ("{path: a, transforms: [{split: {separator: ' '}}]}", "2:46", "split' needs a whole-number index:"),
        ("{path: a, transforms: [{replace: {to: x}}]}", "2:48", "needs a non-empty from:"),
        ("{path: a, map: {gb: UK, GB: UK}}", "2:39", "map has 'GB' and 'gb', which are the same key"),
        ("{path: a, mpa: {x: y}}", "2:25", "unknown key 'mpa' in column 'First Name'; did you mean 'map'?"),
    ])
    func ruleProblems(rule: String, position: String, message: String) {
        let found = diagnostics(yaml(firstName: rule))
        #expect(found.count == 1, "\(found)")
        #expect(found.first.map { "\($0.line):\($0.column)" } == position, "\(found)")
        #expect(found.first?.message.contains(message) == true, "\(found)")
    }

    @Test(arguments: [
        ("filter:\n  incude: []", "10:3", "unknown key 'incude' in filter:; did you mean 'include'?"),
        ("filter:\n  include: [{path: a}]", "10:13", "filter include rule has no test"),
        ("filter:\n  include: [{path: a, equals: b, in: [c]}]", "10:34", "has both equals: and in:"),
        ("filter:\n  exclude: [{path: a, regx: b}]", "10:23", "unknown key 'regx' in filter exclude rule; did you mean 'regex'?"),
        ("filter:\n  exclude: [{path: a, regex: '*'}]", "10:30", "is not a valid regular expression"),
        ("filter:\n  exclude: [{path: a, exists: maybe}]", "10:31", "exists: must be true or false"),
        ("tests:\n  - {name: t, record: {}, row: {Emial: x}}", "10:33", "row names unknown column 'Emial'; did you mean 'Email'?"),
        ("tests:\n  - {name: t, row: {Role: x}}", "10:5", "test 't' has no record:"),
        ("tests:\n  - {name: t, record: {}}", "10:5", "test 't' has no row:"),
        ("tests:\n  - {name: t, record: {}, filtered: true, atributes: {}}", "10:43", "did you mean 'attributes'?"),
        ("attributes:\n  Team: {path: t}\ntests:\n  - {name: t, record: {}, filtered: true, attributes: {Tema: x}}", "12:56", "unknown attribute 'Tema'; did you mean 'Team'?"),
        ("id: 'a..b'", "9:5", "id: path 'a..b' has an empty key"),
    ])
    func sectionProblems(extra: String, position: String, message: String) {
        let found = diagnostics(yaml(firstName: "{path: a}", extra: extra))
        #expect(found.contains { "\($0.line):\($0.column)" == position && $0.message.contains(message) }, "\(found)")
    }

    @Test(arguments: [
        ("{path: a, transforms: [lowercase]}", "did you mean 'lower'?"),
        ("{path: a, transforms: [titel]}", "did you mean 'title'?"),
        ("{path: a, transforms: [{sufix: x}]}", "did you mean 'suffix'?"),
        ("{path: a, trnasforms: [trim]}", "did you mean 'transforms'?"),
        ("{path: a, defualt: x}", "did you mean 'default'?"),
        ("{path: a, firstof: [b]}", "did you mean 'first_of'?"),
    ])
    func didYouMean(rule: String, suggestion: String) {
        let found = diagnostics(yaml(firstName: rule))
        #expect(found.contains { $0.message.contains(suggestion) }, "\(found)")
    }

    @Test(arguments: [("Frist Name", "First Name"), ("dat center", "Data Center"), ("Emial", "Email"), ("Rol", "Role")])
    func didYouMeanColumn(written: String, suggestion: String) {
        let text = yaml(firstName: "{path: a}").replacingOccurrences(of: "Role:", with: "\(written):")
        let found = diagnostics(text)
        #expect(found.contains { $0.message.contains("did you mean '\(suggestion)'?") }, "\(found)")
    }

    @Test func noSuggestionForUnrelatedWords() {
        let found = diagnostics(yaml(firstName: "{path: a, transforms: [zzz]}"))
        #expect(found.count == 1)
        #expect(found.first?.message.contains("did you mean") == false)
        #expect(found.first?.message.contains("transforms: trim, lower, upper, title, digits") == true)
    }
}
