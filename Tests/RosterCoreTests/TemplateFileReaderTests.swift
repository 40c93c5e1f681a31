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

    /// Blocks split the file anywhere without changing a row, its number or its flags.
    @Test func blocksGiveTheSameRowsAsReadingOneByOne() throws {
        let text = """
            Email Address,First Name,Last Name,License,Extension,Role,Data Center
            bob@company.com,Bob,Hawkins,,1000,Agent,US

            ann@company.com,"Ann
            Marie",Lee,,,Agent,US
            ,,,,,,
            cy@company.com, Cy ,Po,Contact,,Admin,BR
            di@company.com,Di,"Ro,,,Agent,US

            """
        let expected = try rows(text)
        let reader = try TemplateFileReader(reader: CSVReader(source: MemoryByteSource(text)), file: "f.csv")
        var fromBlocks: [TemplateFileRow] = []
        var blockSizes: [Int] = []
        while let block = try reader.readBlock(maxRows: 2) {
            blockSizes.append(block.count)
            fromBlocks += (0..<block.count).map(block.row)
        }
        #expect(blockSizes == [2, 2])
        #expect(fromBlocks.map(\.row) == expected.map(\.row))
        #expect(fromBlocks.map(\.number) == expected.map(\.number))
        #expect(fromBlocks.map(\.number) == [2, 4, 6, 7])
        #expect(fromBlocks.map(\.lineBreaks) == [[], [.firstName], [], [.lastName]])
        #expect(fromBlocks.map(\.hasUnterminatedQuote) == [false, false, false, true])
    }

    /// A fingerprint hashes the raw cells in template order as the store hashes canonical rows,
    /// and is withheld when the bytes cannot stand for the row's Strings.
    @Test func fingerprintsStandOnlyForPlainUTF8Rows() throws {
        let text = "Email Address,First Name,Last Name,License,Extension,Role,Data Center\nBob@Company.com,Bob,Hawkins,Enterprise,1000,Agent,US\nann@company.com,\"A\nB\",Lee,,,Agent,US\n"
        let reader = try TemplateFileReader(reader: CSVReader(source: MemoryByteSource(text)), file: "f.csv")
        let block = try #require(try reader.readBlock(maxRows: 10))
        let fingerprint = try #require(block.fingerprint(0))
        var content = StableHash()
        for cell in ["Bob", "Hawkins", "Enterprise", "1000", "Bob@Company.com", "Agent", "US"] { content.combine(cell) }
        #expect(fingerprint.contentHash == content.value)
        #expect(fingerprint.emailHash == StableHash.ofLowercased("bob@company.com"))
        #expect(fingerprint.roleHash == StableHash.of("Agent"))
        #expect(fingerprint.dataCenterHash == StableHash.of("US"))
        #expect(fingerprint.number == 2)
        #expect(block.fingerprint(1) == nil, "a line break in a cell")

        let latin1 = Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\nJos".utf8) + [0xE9] + Array(",H,,,j@c.de,Agent,US\n".utf8)
        let windows = try TemplateFileReader(reader: CSVReader(source: MemoryByteSource(latin1), encoding: .windows1252), file: "f.csv")
        let windowsBlock = try #require(try windows.readBlock(maxRows: 10))
        #expect(windowsBlock.fingerprint(0) == nil, "Windows-1252 bytes are not the Strings' UTF-8")
        #expect(windowsBlock.row(0).row.firstName == "José")
    }
}
