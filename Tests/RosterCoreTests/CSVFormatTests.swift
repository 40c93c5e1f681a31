import RosterCore
import Testing

/// What `CSVFormat.detect` decides before a row is read (DESIGN §1 file-level rules).
@Suite struct CSVFormatTests {
    @Test(arguments: [
        ("xlsx", [UInt8]([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])),
        ("xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
    ])
    func spreadsheetsAreRejected(kind: String, magic: [UInt8]) throws {
        let rejection = try #require(throws: FileRejection.self) { try detect(magic + Array(repeating: 0x41, count: 600), file: "roster.csv") }
        let reason = try #require(rejection.reasons.first, "\(kind)")
        #expect(reason.contains("Save As"), "\(kind): \(reason)")
        #expect(reason.contains("CSV"), "\(kind): \(reason)")
        #expect(rejection.file == "roster.csv")
        #expect(rejection.description.hasPrefix("roster.csv"))
    }

    @Test(arguments: [[UInt8]([0xFF, 0xFE, 0x46, 0x00, 0x69, 0x00]), [0xFE, 0xFF, 0x00, 0x46, 0x00, 0x69]])
    func utf16IsRejected(bytes: [UInt8]) throws {
        let rejection = try #require(throws: FileRejection.self) { try detect(bytes) }
        #expect(rejection.reasons.first?.contains("UTF-16") == true)
        #expect(rejection.reasons.first?.contains("CSV UTF-8") == true)
    }

    @Test(arguments: [[UInt8](), Array("   \n\r\n\t \n".utf8), [0xEF, 0xBB, 0xBF], [0xEF, 0xBB, 0xBF, 0x0D, 0x0A]])
    func emptyFilesAreRejected(bytes: [UInt8]) throws {
        let rejection = try #require(throws: FileRejection.self) { try detect(bytes) }
        #expect(rejection.reasons.first?.contains("empty") == true)
    }

    @Test(arguments: [
        ("First Name,Last Name,Email\n", ","),
        ("First Name;Last Name;Email\n", ";"),
        ("First Name\tLast Name\tEmail\n", "\t"),
        ("\"Doe; John\",Last Name,Email\n", ","),
        ("\"a;b;c;d\",x\n", ","),
        ("a,b;c;d\n1,2,3,4,5,6,7,8\n", ";"),
        ("a;b\n1,2,3,4,5,6,7\n", ";"),
        ("a,b;c\n", ","),
        ("single\n", ","),
        ("a;b\r\nx,y,z,w\r\n", ";"),
    ])
    func delimiterFromTheHeaderLine(text: String, expected: String) throws {
        let format = try detect(Array(text.utf8))
        #expect(format.delimiter == expected.utf8.first!, "\(text.debugDescription)")
    }

    static let encodings: [(bytes: [UInt8], encoding: TextEncoding)] = [
        (Array("plain ascii\n".utf8), .utf8),
        (Array("Zoë,Müller,€\n".utf8), .utf8),
        ([0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8), .utf8),
        (Array("Caf".utf8) + [0xE9] + Array(",x\n".utf8), .windows1252),
        (Array("price ".utf8) + [0x80] + Array("\n".utf8), .windows1252),
        (Array("cut ".utf8) + [0xC3], .windows1252),
        (Array("overlong ".utf8) + [0xC0, 0xAF], .windows1252),
        (Array("surrogate ".utf8) + [0xED, 0xA0, 0x80], .windows1252),
    ]

    @Test(arguments: encodings)
    func encoding(bytes: [UInt8], expected: TextEncoding) throws {
        #expect(try detect(bytes).encoding == expected)
    }

    @Test func invalidUTF8FarIntoALargeFileStillChoosesWindows1252() throws {
        let line = Array("Bob,Hawkins,Enterprise,1000,bob@company.com,Agent,US\n".utf8)
        var bytes = Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\n".utf8)
        for _ in 0..<20_000 { bytes += line }
        bytes += Array("Ren".utf8) + [0xE9] + Array(",Roux,,,rene@company.com,Agent,US\n".utf8)
        let format = try detect(bytes)
        #expect(format.encoding == .windows1252)
        #expect(format.lineCount == 20_002)
    }

    @Test(arguments: [("a\nb\nc\n", 3), ("a\nb\nc", 2), ("a\r\nb\r\n", 2), ("a\rb\r", 0), ("a", 0), ("a\n\n\n\n\n\n\n\n\nb", 9)])
    func lineCount(text: String, count: Int) throws {
        #expect(try detect(Array(text.utf8)).lineCount == count)
    }

    @Test func detectionWorksOnShortReads() throws {
        let bytes = Array("a;b;c\n1;2;3\n".utf8) + [0xE9]
        var source = TrickleByteSource(bytes, step: 3)
        let format = try CSVFormat.detect(in: &source, file: "f.csv")
        #expect(format == CSVFormat(delimiter: UInt8(ascii: ";"), encoding: .windows1252, lineCount: 2))
    }

    @Test func delimiterNames() {
        #expect(CSVFormat(delimiter: UInt8(ascii: ",")).delimiterName == "comma")
        #expect(CSVFormat(delimiter: UInt8(ascii: ";")).delimiterName == "semicolon")
        #expect(CSVFormat(delimiter: UInt8(ascii: "\t")).delimiterName == "tab")
    }
}
