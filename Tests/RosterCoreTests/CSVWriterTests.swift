import RosterCore
import Testing

/// Every CSV RosterSync writes: RFC 4180 quoting and formula neutralisation (DESIGN §1).
@Suite struct CSVWriterTests {
    @Test(arguments: [
        ("plain", "plain"), ("", ""), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("a;b", "\"a;b\""),
        ("line\nbreak", "\"line\nbreak\""), ("cr\r\nlf", "\"cr\r\nlf\""), ("Zoë", "Zoë"), ("inner = sign", "inner = sign"),
    ])
    func quoting(cell: String, written: String) {
        #expect(CSVWriter.escape(cell) == written)
    }

    @Test(arguments: [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+1 555 0100", "'+1 555 0100"), ("-12", "'-12"), ("@import", "'@import"),
        ("\tcmd", "'\tcmd"), ("\rcmd", "\"'\rcmd\""), ("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""),
        ("=1;2", "\"'=1;2\""),
    ])
    func formulaLeadsAreNeutralised(cell: String, written: String) {
        #expect(CSVWriter.escape(cell) == written)
    }

    @Test func documentEndsEveryLineWithCRLF() {
        let text = CSVWriter.document(header: ["a", "b"], rows: [["1", "2"], ["3", "=4"]])
        #expect(text == "a,b\r\n1,2\r\n3,'=4\r\n")
    }

    @Test func roundTripThroughTheReader() throws {
        let rows = [
            ["Bob", "Hawkins", "a,b", "say \"hi\"", "line\nbreak", "", "Zoë; €"],
            ["=cmd", "+1", "-1", "@x", "\tt", "\rr", "plain"],
        ]
        let text = CSVWriter.document(header: Template.headers, rows: rows)
        let read = try trimmedCells(text)
        #expect(read.first == Template.headers)
        #expect(read[1] == rows[0])
        #expect(read[2] == rows[1], "the formula guard is taken off again")
    }

    /// Write a cell as an error report does, read it back as an import does: the same value,
    /// and the written cell never starts like a formula.
    @Test(arguments: [
        "=SUM(A1:A9)", "+49 30 1234", "-Ann", "-a@example.com", "@handle", "\tTabbed", "\rReturn", "=", "-",
        "'=already quoted", "''+two", "'-", "'plain", "O'Brien", "'", "''", "Zoë", "=HYPERLINK(\"http://x\",\"y\")",
    ])
    func formulaGuardRoundTrip(value: String) throws {
        let line = CSVWriter.line([value, "next"])
        let written = try #require(try read(Array((line + "\r\n").utf8)).first?.fields.first)
        let lead = written.unicodeScalars.first { $0 != "'" }
        #expect(written.first == "'" || !["=", "+", "-", "@", "\t", "\r"].contains(lead), "\(written.debugDescription) would run as a formula")
        let reader = CSVReader(source: MemoryByteSource(line + "\r\n"))
        #expect(try reader.next())
        #expect(reader.trimmedField(0) == value, "\(value.debugDescription) was written as \(line.debugDescription)")
        #expect(reader.trimmedField(1) == "next")
    }

    @Test func aGuardTheWriterDidNotAddStays() throws {
        #expect(try trimmedCells("'Ann,'5,O'Brien,' =x, '=y \n").first == ["'Ann", "'5", "O'Brien", "' =x", "=y"])
    }

    /// The trimmed cells of every record of `text`, as imports read them.
    func trimmedCells(_ text: String) throws -> [[String]] {
        let reader = CSVReader(source: MemoryByteSource(text))
        var records: [[String]] = []
        while try reader.next() { records.append((0..<reader.fieldCount).map(reader.trimmedField)) }
        return records
    }
}
