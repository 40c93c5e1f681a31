/// Why a whole file was rejected (DESIGN §1, exit code 3): nothing from it is written.
///
/// Each reason says what is wrong and what to write instead, e.g.
/// `header cell 2 "E-mail Address:" has punctuation; write "Email Address"`.
public struct FileRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as the user named it.
    public var file: String
    /// The 1-based line the problem is on, when there is one (the header is line 1).
    public var line: Int?
    /// Every reason found, each a full sentence with its fix.
    public var reasons: [String]

    public init(file: String, line: Int? = nil, reasons: [String]) {
        self.file = file
        self.line = line
        self.reasons = reasons
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return reasons.map { "\(location): error: \($0)" }.joined(separator: "\n")
    }
}

/// What a file looks like before any row is read: its delimiter and encoding.
public struct CSVFormat: Sendable, Equatable {
    public var delimiter: UInt8
    public var encoding: TextEncoding
    /// Line feeds in the file: an upper bound on its rows, used to size indexes once.
    public var lineCount: Int
    /// Whether some of the file's non-ASCII text is not in ``encoding`` (most of it is): then
    /// every cell is checked, and a cell in the other encoding fails its row instead of being
    /// decoded wrongly.
    public var mixesEncodings: Bool

    public init(delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, lineCount: Int = 0, mixesEncodings: Bool = false) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.lineCount = lineCount
        self.mixesEncodings = mixesEncodings
    }

    /// A name for messages: "comma", "semicolon" or "tab".
    public var delimiterName: String {
        switch delimiter {
        case UInt8(ascii: ";"): "semicolon"
        case UInt8(ascii: "\t"): "tab"
        default: "comma"
        }
    }

    /// Inspects a file: rejects spreadsheets, UTF-16 text and empty files, detects the delimiter
    /// from the header line and the encoding from a full pass over the bytes: UTF-8 when valid,
    /// Windows-1252 when no non-ASCII character is UTF-8, else the encoding of most of them, with
    /// ``mixesEncodings`` set.
    ///
    /// Cost: one extra sequential read of the file; no bytes are kept.
    /// - Throws: ``FileRejection`` for a workbook, UTF-16 text or an empty file; ``ByteSourceError`` when reading fails.
    public static func detect<Source: ByteSource>(in source: inout Source, file: String) throws -> CSVFormat {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 8)
        defer { chunk.deallocate() }
        var evidence = EncodingEvidence()
        var head: [UInt8] = []
        var lineCount = 0
        while true {
            let count = try source.read(into: chunk)
            if count == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<count])
            if head.count < 64 << 10 { head.append(contentsOf: bytes.prefix(64 << 10 - head.count)) }
            evidence.feed(bytes)
            lineCount += countLineFeeds(bytes)
        }
        evidence.finish()
        try rejectNonCSV(head: head, file: file)
        // A UTF-8 BOM is no text: a UTF-8 file edited later in a Windows-1252 editor keeps it.
        let hasByteOrderMark = head.starts(with: [0xEF, 0xBB, 0xBF])
        let (encoding, mixed) = encoding(utf8Characters: evidence.utf8Characters - (hasByteOrderMark ? 1 : 0), invalidSequences: evidence.invalidSequences)
        return CSVFormat(delimiter: delimiter(inFirstLineOf: head), encoding: encoding, lineCount: lineCount, mixesEncodings: mixed)
    }

    /// The encoding of a whole file from the counts of its non-ASCII text: UTF-8 when every byte
    /// is valid UTF-8; Windows-1252 when no non-ASCII character is valid UTF-8; otherwise the file
    /// mixes encodings and the one of most of its non-ASCII characters wins (UTF-8 on a tie):
    /// cells in the other fail their rows, so no part of the file is silently decoded wrongly.
    package static func encoding(utf8Characters: Int, invalidSequences: Int) -> (TextEncoding, mixed: Bool) {
        if invalidSequences == 0 { return (.utf8, false) }
        if utf8Characters <= 0 { return (.windows1252, false) }
        return (utf8Characters >= invalidSequences ? .utf8 : .windows1252, true)
    }

    /// Counts `\n` bytes eight at a time with an exact zero-byte test.
    private static func countLineFeeds(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var index = 0
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            let nonZero = ((word & low7) &+ low7) | word
            count += (~nonZero & 0x8080_8080_8080_8080).nonzeroBitCount
            index += 8
        }
        while index < bytes.count {
            if bytes[index] == 0x0A { count += 1 }
            index += 1
        }
        return count
    }

    private static func rejectNonCSV(head: [UInt8], file: String) throws {
        func reject(_ reason: String) -> FileRejection { FileRejection(file: file, reasons: [reason]) }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw reject("this is a spreadsheet, not CSV; in Excel use File > Save As > \"CSV (Comma delimited) (*.csv)\" and import that file")
        }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            throw reject("this file is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8 (Comma delimited)\" instead")
        }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let content = head.starts(with: bom) ? head.dropFirst(3) : head[...]
        if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw reject("the file is empty; start from `rostersync template` and add one row per user under the header")
        }
    }

    /// The most frequent of `,` `;` and tab outside quotes on the first line; comma on a tie.
    private static func delimiter(inFirstLineOf head: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var inQuotes = false
        for byte in head {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if inQuotes { continue }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\t") { counts[byte, default: 0] += 1 }
        }
        let comma = counts[UInt8(ascii: ","), default: 0]
        guard let best = counts.max(by: { $0.value < $1.value }), best.value > comma else { return UInt8(ascii: ",") }
        return best.key
    }
}
