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
        let read = try cells(text)
        #expect(read.first == Template.headers)
        #expect(read[1] == rows[0])
        #expect(read[2] == rows[1].map { $0 == "plain" ? $0 : "'" + $0 })
    }
}
