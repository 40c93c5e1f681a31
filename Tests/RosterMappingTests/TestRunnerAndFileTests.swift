import Foundation
import RosterCore
import RosterMapping
import Testing

@Suite struct TestRunnerTests {
    static let text = yaml(firstName: "{path: first, transforms: [upper]}", extra: """
        id: key
        filter:
          exclude: [{path: skip, equals: true}]
        attributes:
          Team: {path: team}
        tests:
          - name: passes
            record: {first: ada, team: A, key: 7}
            row: {First Name: ADA, Email: a@b.c}
            attributes: {Team: A}
            id: "7"
          - name: wrong cell, attribute and id
            record: {first: bob, team: B, key: 8}
            row: {First Name: Bob, Role: ~}
            attributes: {Team: C}
            id: "9"
          - name: expected filtered but kept
            record: {first: cy, skip: false}
            filtered: true
          - name: expected a row but filtered
            record: {first: di, skip: true}
            row: {First Name: DI}
        """)

    @Test func reportsEveryMismatchPerTest() throws {
        let mapping = try MappingFile.parse(yaml: Self.text, path: "t.yaml")
        let results = mapping.runTests()
        #expect(results.map(\.name) == ["passes", "wrong cell, attribute and id", "expected filtered but kept", "expected a row but filtered"])
        #expect(results.map(\.passed) == [true, false, false, false])
        #expect(results[0].line == 15)
        let mismatches = results[1].mismatches
        #expect(mismatches == [
            .init(column: "First Name", expected: "Bob", got: "BOB"),
            .init(column: "Role", expected: "", got: "Agent"),
            .init(column: "Team", expected: "C", got: "B"),
            .init(column: "id", expected: "9", got: "8"),
        ])
        #expect(mismatches[0].description == "First Name: expected 'Bob', got 'BOB'")
        #expect(results[2].mismatches == [.init(column: "filtered", expected: "true", got: "false")])
        #expect(results[3].mismatches == [.init(column: "filtered", expected: "false", got: "true")])
    }
}

@Suite struct MappingFileTests {
    @Test func loadsFromDiskAndNamesTheFileInDiagnostics() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.yaml").path
        let bad = directory.appendingPathComponent("bad.yaml").path
        try yaml(firstName: "{path: givenName}").write(toFile: good, atomically: true, encoding: .utf8)
        try yaml(firstName: "{path: givenName, transforms: [lowr]}").write(toFile: bad, atomically: true, encoding: .utf8)

        let mapping = try MappingFile.load(path: good)
        #expect(mapping.path == good)
        #expect(mapping.map(.object(["givenName": .string("Ada")])).row.firstName == "Ada")

        #expect(throws: MappingDiagnostics.self) { try MappingFile.load(path: bad) }
        do {
            _ = try MappingFile.load(path: bad)
        } catch {
            #expect(error.description == "\(bad):2:46: error: unknown transform 'lowr'; did you mean 'lower'? transforms: trim, lower, upper, title, digits, first, last, regex, replace, split, prefix, suffix")
        }
    }

    @Test func missingFileIsADiagnostic() {
        do {
            _ = try MappingFile.load(path: "/nonexistent/\(UUID().uuidString).yaml")
            Issue.record("expected a diagnostic")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.description.contains(":1:1: error: mapping file not found or unreadable at /nonexistent/"))
        }
    }
}
