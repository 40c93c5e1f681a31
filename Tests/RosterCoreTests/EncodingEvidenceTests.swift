import RosterCore
import Testing

/// Choosing a file's encoding from all of its bytes, and finding the cells of a file that
/// mixes encodings (DESIGN §1 reading rules).
@Suite struct EncodingEvidenceTests {
    static let header = Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\n".utf8)

    /// A template file of `rows` UTF-8 rows named Zoë, with `bad` (Windows-1252 bytes) as row `badRow`'s last name.
    static func utf8File(rows: Int, badRow: Int, bad: [UInt8]) -> [UInt8] {
        var bytes = header
        for number in 2...(rows + 1) {
            let last = number == badRow ? bad : Array("Müller".utf8)
            bytes += Array("Zoë,".utf8) + last + Array(",,,u\(number)@company.com,Agent,US\n".utf8)
        }
        return bytes
    }

    @Test func oneBadByteDeepInAUTF8FileKeepsUTF8() throws {
        let bytes = Self.utf8File(rows: 40_000, badRow: 30_001, bad: Array("Ren".utf8) + [0xE9])
        let format = try detect(bytes)
        #expect(format.encoding == .utf8)
        #expect(format.mixesEncodings)
        #expect(format.lineCount == 40_001)
    }

    @Test(arguments: [1, 3, 4096])
    func cellsInTheOtherEncodingAreFlaggedAndTheRestDecodesAsUTF8(chunkSize: Int) throws {
        let bytes = Self.utf8File(rows: 20, badRow: 12, bad: Array("Ren".utf8) + [0xE9])
        var probe = TrickleByteSource(bytes, step: chunkSize)
        let format = try CSVFormat.detect(in: &probe, file: "f.csv")
        let reader = try TemplateFileReader(reader: CSVReader(source: TrickleByteSource(bytes, step: chunkSize), format: format), file: "f.csv")
        let block = try #require(try reader.readBlock(maxRows: 100))
        #expect(block.count == 20)
        for index in 0..<block.count {
            let row = block.row(index)
            #expect(row.row.firstName == "Zoë")
            if row.number == 12 {
                #expect(row.issues.map(\.column) == [.lastName])
                let reason = try #require(row.issues.first?.reason)
                #expect(reason.contains("not UTF-8"), "\(reason)")
                #expect(reason.contains("save the file as \"CSV UTF-8"), "\(reason)")
                #expect(block.fingerprint(index) == nil)
            } else {
                #expect(row.issues.isEmpty, "row \(row.number)")
                #expect(row.row.lastName == "Müller")
                #expect(block.fingerprint(index) != nil)
            }
        }
    }

    @Test func aWindows1252FileWithOneUTF8CellFailsThatCell() throws {
        var bytes = Self.header
        for number in 2...30 { bytes += Array("Ren".utf8) + [0xE9] + Array(",M".utf8) + [0xFC] + Array("ller,,,u\(number)@company.com,Agent,US\n".utf8) }
        bytes += Array("Zoë,Lee,,,zoe@company.com,Agent,US\n".utf8)
        let format = try detect(bytes)
        #expect(format.encoding == .windows1252)
        #expect(format.mixesEncodings)
        let reader = try TemplateFileReader(reader: CSVReader(source: MemoryByteSource(bytes), format: format), file: "f.csv")
        let block = try #require(try reader.readBlock(maxRows: 100))
        #expect(block.row(0).row.firstName == "René")
        #expect(block.row(0).row.lastName == "Müller")
        #expect(block.row(0).issues.isEmpty)
        let last = block.row(block.count - 1)
        #expect(last.issues.map(\.column) == [.firstName])
        #expect(last.issues.first?.reason.contains("holds UTF-8 text, though the rest of the file is Windows-1252") == true)
    }

    @Test func aWindows1252FileWithNoUTF8StaysPlainWindows1252() throws {
        let bytes = Self.header + Array("Ren".utf8) + [0xE9] + Array(",Fran".utf8) + [0xE7] + Array("ois,,,r@company.com,Agent,US\n".utf8)
        #expect(try detect(bytes) == CSVFormat(encoding: .windows1252, lineCount: 2))
        let withBOM = [0xEF, 0xBB, 0xBF] + bytes
        #expect(try detect(withBOM) == CSVFormat(encoding: .windows1252, lineCount: 2), "a kept BOM is no UTF-8 text")
    }

    @Test(arguments: [
        (0, 0, TextEncoding.utf8, false), (10, 0, .utf8, false), (0, 10, .windows1252, false),
        (39_999, 1, .utf8, true), (5, 5, .utf8, true), (1, 500, .windows1252, true),
    ])
    func theEncodingOfMostCharactersWins(utf8: Int, invalid: Int, encoding: TextEncoding, mixed: Bool) {
        let decision = CSVFormat.encoding(utf8Characters: utf8, invalidSequences: invalid)
        #expect(decision.0 == encoding)
        #expect(decision.mixed == mixed)
    }

    @Test(arguments: [
        (Array("ascii only".utf8), 0, 0), (Array("Zoë €𝄞".utf8), 3, 0), ([0xE9], 0, 1), ([0x43, 0x61, 0x66, 0xE9, 0x2C], 0, 1),
        ([0xC3], 0, 1), ([0xC0, 0xAF], 0, 2), ([0xED, 0xA0, 0x80], 0, 3), ([0xE2, 0x82, 0x41], 0, 1), ([0xFC, 0xC3, 0xAB], 1, 1),
    ])
    func evidenceCountsCharactersAndBadBytes(bytes: [UInt8], characters: Int, invalid: Int) {
        for step in [1, 2, bytes.count] where step > 0 {
            var evidence = EncodingEvidence()
            var offset = 0
            while offset < bytes.count {
                let chunk = Array(bytes[offset..<min(offset + step, bytes.count)])
                chunk.withUnsafeBytes { evidence.feed($0) }
                offset += step
            }
            evidence.finish()
            #expect(evidence.utf8Characters == characters, "\(bytes) in steps of \(step)")
            #expect(evidence.invalidSequences == invalid, "\(bytes) in steps of \(step)")
        }
    }
}
