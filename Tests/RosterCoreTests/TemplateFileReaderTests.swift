import RosterCore
import Testing

/// Reading a template CSV: header, then trimmed rows in template order with their spreadsheet numbers.
@Suite struct TemplateFileReaderTests {
    func rows(_ text: String) throws -> [TemplateFileRow] {
        let reader = try TemplateFileReader(reader: CSVReader(source: MemoryByteSource(text)), file: "f.csv")
        var rows: [TemplateFileRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    @Test func rowsComeInTemplateOrderTrimmed() throws {
        let text = "Email,Role,Data Center,First Name,Last Name,License,Extension,Notes\n bob@company.com , agent ,us, Bob ,Hawkins,,1000,x\n"
        let row = try #require(try rows(text).first)
        #expect(row.number == 2)
        #expect(row.row == TemplateRow(firstName: "Bob", lastName: "Hawkins", license: "", extension: "1000",
                                       email: "bob@company.com", role: "agent", dataCenter: "us"))
    }

    @Test func emptyRowsAreSkippedAndNumbersCountThem() throws {
        let text = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\n\n,,,,,,\nBob,H,,,b@c.de,Agent,US\n ,  ,,,,,\nAnn,L,,,a@c.de,Agent,US\n"
        #expect(try rows(text).map(\.number) == [4, 6])
    }

    @Test func shortRowsReadMissingCellsAsEmpty() throws {
        let row = try #require(try rows("First Name,Last Name,License,Extension,Email Address,Role,Data Center\nBob,Hawkins\n").first)
        #expect(row.row.cells == ["Bob", "Hawkins", "", "", "", "", ""])
    }

    @Test func lineBreaksAndUnterminatedQuotesAreReported() throws {
        let text = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\n\"Bob\nby\",H,,,b@c.de,Agent,US\nAnn,\"L,,,a@c.de,Agent,US\n"
        let rows = try rows(text)
        #expect(rows.map(\.lineBreaks) == [[.firstName], [.lastName]])
        #expect(rows.map(\.hasUnterminatedQuote) == [false, true])
    }

    @Test func singleCellHeaderSuggestsADelimiter() throws {
        let rejection = try #require(throws: FileRejection.self) { try rows("First Name|Last Name|Email\nBob|H|b@c.de\n") }
        #expect(rejection.reasons.contains { $0.contains("single cell") })
    }

    @Test func emptyInputIsRejected() throws {
        let rejection = try #require(throws: FileRejection.self) { try rows("") }
        #expect(rejection.reasons.first?.contains("empty") == true)
    }
}
