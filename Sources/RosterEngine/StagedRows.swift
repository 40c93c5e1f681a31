import Foundation
import RosterCore

/// The mapped rows of a pull, kept until the run's write transaction plans and applies them.
///
/// A sync pulls every page before it takes the store's write lock, so the rows have to wait
/// somewhere: the first `memoryLimit` stay in memory, the rest go to a temporary file, so a pull
/// of millions of users holds a bounded amount of memory. The file is removed with the value.
/// Rows keep their number, cells, line breaks, attributes, external id and issues (what a pulled
/// row carries; `reportCells` and `fingerprint` are for file imports and are not kept).
final class StagedRows {
    private var inMemory: [SourceRow] = []
    private let memoryLimit: Int
    private var spill: (path: String, handle: FileHandle)?
    private var pending: [UInt8] = []
    /// Rows staged so far.
    private(set) var count = 0

    /// Rows written to the file at a time.
    private static let flushBytes = 1 << 20

    init(memoryLimit: Int = 20_000) {
        self.memoryLimit = memoryLimit
    }

    deinit {
        guard let spill else { return }
        try? spill.handle.close()
        try? FileManager.default.removeItem(atPath: spill.path)
    }

    func append(_ row: SourceRow) throws {
        count += 1
        guard spill != nil || inMemory.count >= memoryLimit else {
            inMemory.append(row)
            return
        }
        if spill == nil { spill = try Self.makeSpillFile() }
        RowCodec.encode(row, into: &pending)
        if pending.count >= Self.flushBytes { try flush() }
    }

    /// Reads the rows back in the order they were staged.
    func makeIterator() throws -> Iterator {
        try flush()
        try spill?.handle.seek(toOffset: 0)
        return Iterator(inMemory: inMemory, file: spill?.handle)
    }

    private func flush() throws {
        guard let spill, !pending.isEmpty else { return }
        try spill.handle.seekToEnd()
        try spill.handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    private static func makeSpillFile() throws -> (path: String, handle: FileHandle) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-staged-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StagingError(path: path)
        }
        return (path, try FileHandle(forUpdating: URL(fileURLWithPath: path)))
    }

    /// The staged rows in order: the in-memory ones, then the file's, a chunk at a time.
    struct Iterator {
        private var inMemory: IndexingIterator<[SourceRow]>
        private let file: FileHandle?
        private var chunk: [UInt8] = []
        private var offset = 0

        init(inMemory: [SourceRow], file: FileHandle?) {
            self.inMemory = inMemory.makeIterator()
            self.file = file
        }

        mutating func next() throws -> SourceRow? {
            if let row = inMemory.next() { return row }
            guard let file else { return nil }
            while true {
                if let (row, used) = RowCodec.decode(chunk, at: offset) {
                    offset = used
                    return row
                }
                guard let more = try file.read(upToCount: StagedRows.flushBytes), !more.isEmpty else { return nil }
                chunk.removeSubrange(0..<offset)
                chunk.append(contentsOf: more)
                offset = 0
            }
        }
    }
}

/// The temporary file for a large pull could not be made.
struct StagingError: Error, CustomStringConvertible {
    var path: String
    var description: String {
        "could not create the temporary file \(path) to hold the pulled rows; check that the temporary folder (TMPDIR) is writable and has space"
    }
}

/// A compact byte form of a pulled row: a 4-byte length, then its fields, strings as a varint
/// length and UTF-8 bytes.
enum RowCodec {
    static func encode(_ row: SourceRow, into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
        appendVarint(UInt64(row.number), to: &bytes)
        for column in TemplateColumn.allCases { appendString(row.row[column], to: &bytes) }
        bytes.append(row.lineBreaks.reduce(UInt8(0)) { $0 | 1 << UInt8($1.rawValue) })
        appendVarint(UInt64(row.attributes.count), to: &bytes)
        for (name, value) in row.attributes.sorted(by: { $0.key < $1.key }) {
            appendString(name, to: &bytes)
            appendString(value, to: &bytes)
        }
        bytes.append(row.externalID == nil ? 0 : 1)
        if let id = row.externalID { appendString(id, to: &bytes) }
        appendVarint(UInt64(row.issues.count), to: &bytes)
        for issue in row.issues {
            bytes.append(issue.column.map { UInt8($0.rawValue) } ?? 0xFF)
            appendString(issue.reason, to: &bytes)
        }
        let length = UInt32(bytes.count - start - 4)
        for shift in 0..<4 { bytes[start + shift] = UInt8(truncatingIfNeeded: length >> (8 * shift)) }
    }

    /// The row whose record starts at `offset`, and the offset after it; `nil` when `bytes` does
    /// not hold the whole record yet.
    static func decode(_ bytes: [UInt8], at offset: Int) -> (SourceRow, Int)? {
        guard bytes.count - offset >= 4 else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        guard bytes.count - offset - 4 >= length else { return nil }
        var reader = Reader(bytes: bytes, position: offset + 4)
        let number = Int(reader.varint())
        var cells = TemplateRow()
        for column in TemplateColumn.allCases { cells[column] = reader.string() }
        let mask = reader.byte()
        let lineBreaks = Set(TemplateColumn.allCases.filter { mask & (1 << UInt8($0.rawValue)) != 0 })
        var attributes: [String: String] = [:]
        for _ in 0..<reader.varint() {
            let name = reader.string()
            attributes[name] = reader.string()
        }
        let externalID = reader.byte() == 1 ? reader.string() : nil
        let issues = (0..<reader.varint()).map { _ in
            let column = reader.byte()
            return RowIssue(TemplateColumn(rawValue: Int(column)), reader.string())
        }
        let row = SourceRow(number: number, row: cells, lineBreaks: lineBreaks, attributes: attributes, externalID: externalID, issues: issues)
        return (row, offset + 4 + length)
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func appendString(_ text: String, to bytes: inout [UInt8]) {
        appendVarint(UInt64(text.utf8.count), to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    private struct Reader {
        let bytes: [UInt8]
        var position: Int

        mutating func byte() -> UInt8 {
            defer { position += 1 }
            return bytes[position]
        }

        mutating func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = byte()
                value |= UInt64(next & 0x7F) << shift
                if next < 0x80 { return value }
                shift += 7
            }
        }

        mutating func string() -> String {
            let count = Int(varint())
            defer { position += count }
            return String(decoding: bytes[position..<position + count], as: UTF8.self)
        }
    }
}
