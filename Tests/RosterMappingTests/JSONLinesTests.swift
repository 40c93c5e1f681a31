import Foundation
import RosterCore
import RosterMapping
import Testing

@Suite struct MalformedRecordTests {
    @Test(arguments: [
        (#"{"a":1"#, 7, "cut short"),
        (#"{"a" 1}"#, 6, "expected ':' after the key, found '1'"),
        (#"{"a":1,}"#, 8, "expected a key in double quotes, found '}'"),
        (#"[1]"#, 1, "expected a record object starting with '{'"),
        (#"{"a":tru}"#, 6, "expected a value"),
        (#"{"a":"x\q"}"#, 9, "expected an escape"),
        (#"{"a":01}"#, 7, "expected ',' or '}' after the member, found '1'"),
        (#"{"a":"\u12"}"#, 11, "four hex digits"),
        (#"{"a":"\ud800\u0041"}"#, 13, "must be followed by a low one"),
        (#"{"a":1} x"#, 9, "text after the JSON value"),
        (#"{"a":1e400}"#, 6, "out of range"),
        (#"{"unread":[-1E-400,1e400]}"#, 20, "out of range"),
        (#"{"a":-}"#, 7, "a digit after '-'"),
        (#"{"a":1.}"#, 8, "a digit after the decimal point"),
        (#"{"a":+1}"#, 6, "expected a value"),
        (#"{"a":"open}"#, 6, "unterminated string"),
        ("{\"a\":\"tab\there\"}", 10, "control character 0x9"),
        (#"{"a":[1 2]}"#, 9, "expected ',' or ']' after the item, found '2'"),
    ])
    func malformedRecordSaysWhereAndWhat(text: String, column: Int, message: String) throws {
        let error = try Self.firstError(Array(text.utf8))
        #expect(error.line == 1)
        #expect(error.column == column, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func invalidUTF8IsRejectedAtItsByte() throws {
        for bytes: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let error = try Self.firstError(Array(#"{"skipped":""#.utf8) + bytes + Array(#""}"#.utf8))
            #expect(error.column == 13, "\(error)")
            #expect(error.message.contains("UTF-8"), "\(error)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let text = "{\"skip\":" + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}"
        let error = try Self.firstError(Array(text.utf8))
        #expect(error.message.contains("nested deeper than"))
    }

    /// The error of the one-line JSON-lines input `bytes`.
    static func firstError(_ bytes: [UInt8]) throws -> JSONRecordError {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        var source = TrickleSource(bytes: bytes, step: 1 << 16)
        return try #require(throws: JSONRecordError.self) { try mapping.mapJSONLines(from: &source, file: "x.jsonl") { _, _ in } }
    }
}

/// A byte source that hands out at most `step` bytes per read, to exercise chunk boundaries.
struct TrickleSource: ByteSource {
    var bytes: [UInt8]
    var step: Int
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(step, buffer.count, bytes.count - offset)
        for index in 0..<count { buffer[index] = bytes[offset + index] }
        offset += count
        return count
    }
}

@Suite struct JSONLinesTests {
    static let lines = [
        "\u{FEFF}" + #"{"id":"1","text":"Ada","mail":"Ada@X.com","list":["+1 425 555 0100"]}"#,
        "",
        #"  {"id":"2","text":"caf\u00e9","obj":{"key":"k"}}  "#,
        "   \t",
        #"{"id":"3","text":"Zoë","number":1000.0,"skip":{"long":"\#(String(repeating: "x", count: 300))"}}"#,
    ]

    @Test(arguments: [("\n", false), ("\r\n", false), ("\n", true)], [7, 64, 1 << 18])
    func mapsEveryLineAsTheJSONValuePathDoes(ending: (String, Bool), chunkSize: Int) throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        let text = Self.lines.joined(separator: ending.0) + (ending.1 ? ending.0 : "")
        var source = TrickleSource(bytes: Array(text.utf8), step: chunkSize)
        var seen: [(Int, MappedRecord)] = []
        let count = try mapping.mapJSONLines(from: &source, file: "users.jsonl", chunkSize: chunkSize) { seen.append(($0, $1)) }
        #expect(count == 3)
        #expect(seen.map(\.0) == [1, 3, 5])
        let expected = [0, 2, 4].map { index in
            mapping.map(JSONByteParser.parse(Array(Self.lines[index].utf8.drop(while: { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF })))!)
        }
        #expect(seen.map(\.1) == expected)
        #expect(seen.map(\.1.externalID) == ["1", "2", "3"])
    }

    @Test func malformedLineNamesFileLineAndColumn() throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        let text = "{\"id\":\"1\"}\n\n{\"id\":\"2\",}\n{\"id\":\"3\"}\n"
        var source = MemoryByteSource(text)
        var mapped = 0
        let error = try #require(throws: JSONRecordError.self) {
            try mapping.mapJSONLines(from: &source, file: "users.jsonl") { _, _ in mapped += 1 }
        }
        #expect(mapped == 1)
        #expect(error.description == "users.jsonl:3:11: error: expected a key in double quotes, found '}'")
    }

    @Test func aLineThatIsNotAnObjectIsRejected() throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        var source = MemoryByteSource("{\"id\":\"1\"}\n[{\"id\":\"2\"}]\n")
        let error = try #require(throws: JSONRecordError.self) { try mapping.mapJSONLines(from: &source, file: "x.ndjson") { _, _ in } }
        #expect((error.line, error.column) == (2, 1))
    }

    @Test func anEmptyStreamMapsNothing() throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        var source = MemoryByteSource("")
        #expect(try mapping.mapJSONLines(from: &source, file: "empty.jsonl") { _, _ in Issue.record("no record expected") } == 0)
    }

    @Test func previewNumbersRowsByRecordAndValidates() throws {
        let mapping = try MappingFile.load(path: mappingsDirectory.appendingPathComponent("microsoft-graph-users.yaml").path)
        let text = """
            {"id":"a","givenName":"Ada","surname":"Lovelace","mail":"ada@x.com","businessPhones":["+1 425 555 1001"],"accountEnabled":true}

            {"id":"b","givenName":"Old","accountEnabled":false}
            """
        var source = MemoryByteSource(text)
        let rows = try mapping.previewJSONLines(from: &source, file: "users.jsonl", catalog: Catalog())
        #expect(rows.map(\.index) == [1, 2])
        #expect(rows.map(\.externalID) == ["a", "b"])
        #expect(rows.map(\.isFilteredOut) == [false, true])
        #expect(rows[0].row.extension == "1001")
    }
}

/// Long streams over many chunks: records arrive in line order, numbered as in the file, and an
/// error stops at the right line with every record before it delivered.
@Suite struct LongJSONLinesTests {
    /// `count` lines of about 70 bytes; every 7th is blank, so line and record numbers differ.
    static func lines(_ count: Int) -> [String] {
        (1...count).map { $0 % 7 == 0 ? "" : #"{"id":"\#($0)","text":"User \#($0)","mail":"U\#($0)@X.com","list":["\#($0 % 10)"]}"# }
    }

    @Test(arguments: [1 << 20, 40_000])
    func recordsArriveInLineOrderAsTheJSONValuePathMapsThem(chunkSize: Int) throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        let lines = Self.lines(6_000)
        // A byte order mark before line 1 is skipped.
        var source = MemoryByteSource("\u{FEFF}" + lines.joined(separator: "\n"))
        var seen: [(Int, MappedRecord)] = []
        let count = try mapping.mapJSONLines(from: &source, file: "users.jsonl", chunkSize: chunkSize) { seen.append(($0, $1)) }
        let expected = lines.indices.filter { !lines[$0].isEmpty }
        #expect(count == expected.count)
        #expect(seen.map(\.0) == expected.map { $0 + 1 })
        #expect(seen.map(\.1) == expected.map { mapping.map(JSONByteParser.parse(Array(lines[$0].utf8))!) })
    }

    @Test(arguments: [1_000, 5_000])
    func aMalformedLineStopsThereWithEveryRecordBefore(badLine: Int) throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        var lines = Self.lines(6_000)
        lines[badLine - 1] = #"{"id":"bad",}"#
        var source = MemoryByteSource(lines.joined(separator: "\n"))
        var lastLine = 0, mapped = 0
        let error = try #require(throws: JSONRecordError.self) {
            try mapping.mapJSONLines(from: &source, file: "users.jsonl") { line, _ in
                lastLine = line
                mapped += 1
            }
        }
        #expect(error.description == "users.jsonl:\(badLine):13: error: expected a key in double quotes, found '}'")
        #expect(lastLine == badLine - 1)
        #expect(mapped == (1..<badLine).count { $0 % 7 != 0 })
    }

    /// A read that fails leaves every record read before it delivered, then ends the stream with its error.
    @Test func aFailedReadComesAfterEveryRecordReadBeforeIt() throws {
        struct ReadFailed: Error {}
        struct FailingSource: ByteSource {
            var rest: TrickleSource
            mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                let count = try rest.read(into: buffer)
                guard count > 0 else { throw ReadFailed() }
                return count
            }
        }
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        let lines = Self.lines(6_000)
        var source = FailingSource(rest: TrickleSource(bytes: Array((lines.joined(separator: "\n") + "\n").utf8), step: 1 << 20))
        var mapped = 0
        #expect(throws: ReadFailed.self) {
            try mapping.mapJSONLines(from: &source, file: "users.jsonl") { _, _ in mapped += 1 }
        }
        #expect(mapped == lines.count { !$0.isEmpty })
    }

    @Test func aFailingBodyStopsTheStream() throws {
        struct Stop: Error {}
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        var source = MemoryByteSource(Self.lines(6_000).joined(separator: "\n"))
        var calls = 0
        #expect(throws: Stop.self) {
            try mapping.mapJSONLines(from: &source, file: "users.jsonl") { line, _ in
                calls += 1
                if line == 4_000 { throw Stop() }
            }
        }
        #expect(calls == (1...4_000).count { $0 % 7 != 0 })
    }
}
