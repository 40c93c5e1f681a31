import RosterCore

/// One record as the reader saw it: its cells, its record number and what it flagged.
struct ReadRecord: Equatable, CustomStringConvertible {
    var number: Int
    var fields: [String]
    var lineBreaks: [Bool]
    var unterminated: Bool

    var description: String { "#\(number) \(fields) breaks=\(lineBreaks) unterminated=\(unterminated)" }
}

/// A source that hands out at most `step` bytes per read, as a pipe or a slow disk might.
struct TrickleByteSource: ByteSource {
    private let bytes: [UInt8]
    private let step: Int
    private var offset = 0

    init(_ bytes: [UInt8], step: Int) {
        self.bytes = bytes
        self.step = step
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(step, buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        for index in 0..<count { buffer[index] = bytes[offset + index] }
        offset += count
        return count
    }
}

/// Every record of `reader`, in order.
func readAll<Source: ByteSource>(_ reader: CSVReader<Source>) throws -> [ReadRecord] {
    var records: [ReadRecord] = []
    while try reader.next() {
        records.append(ReadRecord(
            number: reader.recordNumber, fields: reader.fields,
            lineBreaks: (0..<reader.fieldCount).map(reader.fieldHasLineBreak), unterminated: reader.hasUnterminatedQuote))
    }
    return records
}

/// Reads `bytes` from memory with the given delimiter, encoding and chunk size.
func read(
    _ bytes: [UInt8], delimiter: Character = ",", encoding: TextEncoding = .utf8, chunkSize: Int = 256 << 10
) throws -> [ReadRecord] {
    try readAll(CSVReader(
        source: MemoryByteSource(bytes), delimiter: delimiter.asciiValue!, encoding: encoding, chunkSize: chunkSize))
}

/// Reads `text` (UTF-8) and returns only the cells of each record.
func cells(_ text: String, delimiter: Character = ",", chunkSize: Int = 256 << 10) throws -> [[String]] {
    try read(Array(text.utf8), delimiter: delimiter, chunkSize: chunkSize).map(\.fields)
}

/// Runs format detection over `bytes` held in memory.
func detect(_ bytes: [UInt8], file: String = "roster.csv") throws -> CSVFormat {
    var source = MemoryByteSource(bytes)
    return try CSVFormat.detect(in: &source, file: file)
}

/// A small deterministic generator (SplitMix64), so fuzzed inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A valid sample row with one cell replaced, for validator tables.
func sampleRow(_ column: TemplateColumn? = nil, _ value: String = "") -> TemplateRow {
    var row = TemplateRow(
        firstName: "Bob", lastName: "Hawkins", license: "Enterprise", extension: "1000",
        email: "bob@company.com", role: "Agent", dataCenter: "US")
    if let column { row[column] = value }
    return row
}
