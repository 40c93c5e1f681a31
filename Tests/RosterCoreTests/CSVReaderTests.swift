import RosterCore
import Testing

/// The streaming reader's RFC 4180 rules (DESIGN §1 reading rules).
@Suite struct CSVReaderTests {
    @Test(arguments: [
        ("LF", "a,b\n1,2\n"),
        ("CRLF", "a,b\r\n1,2\r\n"),
        ("CR only", "a,b\r1,2\r"),
        ("no final line end", "a,b\n1,2"),
        ("mixed", "a,b\r\n1,2\n"),
    ])
    func lineEndings(name: String, text: String) throws {
        let records = try read(Array(text.utf8))
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"]], "\(name)")
        #expect(records.map(\.number) == [1, 2], "\(name)")
    }

    @Test func utf8ByteOrderMarkIsDropped() throws {
        let records = try read([0xEF, 0xBB, 0xBF] + Array("First Name,Last Name\nBob,Hawkins\n".utf8))
        #expect(records.map(\.fields) == [["First Name", "Last Name"], ["Bob", "Hawkins"]])
    }

    @Test(arguments: [
        ("quoted delimiter", "\"Anytown, WW\",x\n", ["Anytown, WW", "x"]),
        ("doubled quotes", "\"ha \"\"ha\"\" ha\",x\n", ["ha \"ha\" ha", "x"]),
        ("empty quoted", "\"\",\"\"\n", ["", ""]),
        ("only a doubled quote", "\"\"\"\"\n", ["\""]),
        ("empty cells", "a,,c,\n", ["a", "", "c", ""]),
        ("text after closing quote", "\"ab\"c,d\n", ["abc", "d"]),
        ("quoted line break LF", "\"one\ntwo\",x\n", ["one\ntwo", "x"]),
        ("quoted line break CRLF", "\"one\r\ntwo\",x\r\n", ["one\r\ntwo", "x"]),
        ("spaces kept by field()", "  a  , b\n", ["  a  ", " b"]),
    ])
    func quoting(name: String, text: String, expected: [String]) throws {
        #expect(try cells(text) == [expected], "\(name)")
    }

    @Test func lineBreakInsideQuotesIsFlagged() throws {
        let records = try read(Array("a,b,c\n1,\"Once upon\na time\",3\n4,5,6\n".utf8))
        #expect(records.map(\.lineBreaks) == [[false, false, false], [false, true, false], [false, false, false]])
        #expect(records.map(\.number) == [1, 2, 3], "a record spanning two lines is one spreadsheet row")
    }

    @Test(arguments: [
        ("LF", "a\n\n\nb\n\nc\n", [1, 4, 6]),
        ("CRLF", "a\r\n\r\nb\r\n", [1, 3]),
        ("CR", "a\r\rb\r", [1, 3]),
        ("leading blank lines", "\n\na\nb\n", [3, 4]),
        ("trailing blank lines", "a\nb\n\n\n", [1, 2]),
    ])
    func blankLinesAreSkippedButCounted(name: String, text: String, numbers: [Int]) throws {
        let records = try read(Array(text.utf8))
        #expect(records.map(\.number) == numbers, "\(name)")
        #expect(records.allSatisfy { $0.fields != [""] }, "\(name)")
    }

    @Test func unterminatedQuoteIsFlagged() throws {
        let records = try read(Array("a,b\n1,\"never closed\n2,3\n".utf8))
        let last = try #require(records.last)
        #expect(records.count == 2)
        #expect(last.unterminated)
        #expect(last.fields == ["1", "never closed\n2,3\n"])
        #expect(records.first?.unterminated == false)
    }

    @Test(arguments: [(";", "a;b;\"c;d\"\n1;2;3\n"), ("\t", "a\tb\t\"c\td\"\n1\t2\t3\n")])
    func otherDelimiters(delimiter: String, text: String) throws {
        let delimiter = try #require(delimiter.first)
        #expect(try cells(text, delimiter: delimiter) == [["a", "b", delimiter == ";" ? "c;d" : "c\td"], ["1", "2", "3"]])
        #expect(try cells("a,b\n", delimiter: delimiter) == [["a,b"]], "a comma is plain text in a \(delimiter) file")
    }

    @Test(arguments: [
        ([UInt8]([0x80]), "€"), ([0xE9], "é"), ([0x43, 0x61, 0x66, 0xE9], "Café"), ([0x93, 0x68, 0x69, 0x94], "\u{201C}hi\u{201D}"),
        ([0x9F], "Ÿ"), ([0xFF], "ÿ"), ([0x41], "A"),
    ])
    func windows1252Decoding(bytes: [UInt8], expected: String) throws {
        let records = try read(bytes + [0x2C, 0x78, 0x0A], encoding: .windows1252)
        #expect(records.map(\.fields) == [[expected, "x"]])
    }

    @Test(arguments: [
        ("  padded  ", "padded"), ("\tTabbed\t", "Tabbed"), ("inner  space", "inner  space"), ("", ""), ("   ", ""),
    ])
    func trimmedField(cell: String, expected: String) throws {
        let reader = CSVReader(source: MemoryByteSource("\"\(cell)\",x\n"))
        #expect(try reader.next())
        #expect(reader.trimmedField(0) == expected)
        #expect(reader.trimmedField(5) == "", "past the last field reads as empty")
    }

    @Test(arguments: [1, 2, 3, 5, 16, 17, 64])
    func tinyChunksReadLikeLargeOnes(size: Int) throws {
        for seed in UInt64(1)...12 {
            let bytes = Self.generatedCSV(seed: seed)
            let large = try read(bytes)
            let chunked = try read(bytes, chunkSize: size)
            let trickled = try readAll(CSVReader(source: TrickleByteSource(bytes, step: size), chunkSize: 16))
            #expect(chunked == large, "chunk size \(size), seed \(seed)")
            #expect(trickled == large, "reads of \(size) bytes, seed \(seed)")
        }
    }

    @Test(arguments: UInt64(1)...12)
    func generatedCSVReadsBackExactly(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let records = Self.generatedRecords(&generator)
        let bytes = Self.encode(records, &generator)
        #expect(try read(bytes, chunkSize: 16).map(\.fields) == records)
    }

    /// A pipe or a short-reading source may hand over the BOM a byte at a time.
    @Test(arguments: [1, 2, 3])
    func byteOrderMarkSplitAcrossReadsIsDropped(step: Int) throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8)
        let records = try readAll(CSVReader(source: TrickleByteSource(bytes, step: step)))
        #expect(records.map(\.fields) == [["a", "b"]])
    }

    /// A file saved as "CSV UTF-8" and then edited in a Latin-1 editor starts with a BOM but is not
    /// valid UTF-8: it is read as Windows-1252, and the BOM must still be dropped.
    @Test func byteOrderMarkIsDroppedInWindows1252Files() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("First Name,x\nRen".utf8) + [0xE9, 0x65, 0x0A]
        let records = try read(bytes, encoding: .windows1252)
        #expect(records.last?.fields == ["Renée"])
        #expect(records.first?.fields == ["First Name", "x"])
    }

    /// Records with quotes, delimiters, both line ends, non-ASCII text and empty cells.
    static func generatedRecords(_ generator: inout SeededGenerator) -> [[String]] {
        let pieces = ["a", "Bob", "é", "€", " ", ",", "\"", "\n", "\r\n", "1000", "x y", ""]
        return (0..<Int.random(in: 5...40, using: &generator)).map { _ in
            (0..<Int.random(in: 2...7, using: &generator)).map { _ in
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            }
        }
    }

    /// RFC 4180 text of `records`, quoting only where needed, with LF or CRLF line ends at random.
    static func encode(_ records: [[String]], _ generator: inout SeededGenerator) -> [UInt8] {
        var text = ""
        for record in records {
            text += record.map { cell in
                cell.utf8.contains(where: { [0x2C, 0x22, 0x0D, 0x0A].contains($0) }) ? "\"" + cell.replacingAll("\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",")
            text += Bool.random(using: &generator) ? "\r\n" : "\n"
        }
        return Array(text.utf8)
    }

    static func generatedCSV(seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        let records = generatedRecords(&generator)
        return encode(records, &generator)
    }
}
