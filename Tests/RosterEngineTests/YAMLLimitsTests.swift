import Foundation
import RosterConnectors
import RosterEngine
import RosterMapping
import Testing

/// Every YAML file the program reads is composed through one reader with size and alias limits:
/// a "billion laughs" document (nine levels of nine aliases, 10⁹ values once expanded) is refused
/// at once with its location, whichever kind of file it is.
@Suite struct YAMLLimitsTests {
    /// Nine anchors `&a`…`&i` on lines `firstLine`…`firstLine + 8`, each a list of nine aliases of the one before.
    static func laughs(indent: String = "") -> String {
        var lines = [indent + #"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            lines.append(indent + "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n")
    }

    static let config = "catalog:\n" + laughs(indent: "  ") + "\n  roles: *i\n"
    static let connector = "name: laughs\nbase_url: https://example.test\nauth: {type: none}\nheaders:\n" + laughs(indent: "  ") + "\nstreams: [{name: users, path: /users, records: value, id: id}]\n"
    static let mapping = """
        columns:
          First Name: {path: a}
          Last Name: {path: b}
          License: {constant: Enterprise}
          Extension: {constant: ""}
          Email Address: {path: mail}
          Role: {constant: Agent}
          Data Center: {constant: US}
        laughs:
        \(laughs(indent: "  "))
        tests:
          - name: expands
            record: {a: *i}
            row: {First Name: lol}
        """

    /// Runs `load`, which must throw within a second; returns the error's text.
    static func refusal(_ load: () throws -> Void) throws -> String {
        let clock = ContinuousClock()
        let start = clock.now
        var text = ""
        do {
            try load()
            Issue.record("the document was accepted")
        } catch {
            text = "\(error)"
        }
        #expect(clock.now - start < .seconds(10), "took \(clock.now - start); expanding the aliases would take minutes and gigabytes")
        return text
    }

    @Test func aConfigFileOfNestedAliasesIsRefusedAtOnce() throws {
        let text = try Self.refusal { _ = try RosterConfig.parse(Self.config, file: "rostersync.yaml") }
        #expect(text.hasPrefix("rostersync.yaml:7:6: error: the document has more than 200000 values"), "\(text)")
        #expect(text.contains("the aliases in this value repeat most of them"), "\(text)")
    }

    @Test func aConnectorFileOfNestedAliasesIsRefusedAtOnce() throws {
        let text = try Self.refusal { _ = try ConnectorFile.parse(yaml: Self.connector, path: "connectors/laughs.yaml") }
        #expect(text.hasPrefix("connectors/laughs.yaml:10:6: error: the document has more than 200000 values"), "\(text)")
    }

    @Test func aMappingFileOfNestedAliasesIsRefusedAtOnce() throws {
        let text = try Self.refusal { _ = try MappingFile.parse(yaml: Self.mapping, path: "mappings/laughs.yaml") }
        #expect(text.hasPrefix("mappings/laughs.yaml:15:6: error: the document has more than 200000 values"), "\(text)")
        #expect(text.contains("write the repeated values out once"), "\(text)")
    }

    @Test func aFileOverOneMebibyteIsRefusedBeforeParsing() throws {
        let big = "store: x\n#" + String(repeating: "x", count: 1 << 20) + "\n"
        let text = try Self.refusal { _ = try RosterConfig.parse(big, file: "rostersync.yaml") }
        #expect(text.hasPrefix("rostersync.yaml:1:1: error: the file is"), "\(text)")
        #expect(text.contains("more than the 1048576 a YAML file may have"), "\(text)")
    }

    @Test func aFewAliasesStillWork() throws {
        let config = try RosterConfig.parse("catalog:\n  roles: &roles [Team Lead]\n", file: "rostersync.yaml")
        #expect(config.catalog.customRoles == ["Team Lead"])
    }
}
