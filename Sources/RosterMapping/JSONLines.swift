public import RosterCore

extension Mapping {
    /// Maps every record of a JSON-lines stream (one JSON object per line; blank lines skipped;
    /// a UTF-8 byte order mark before the first line ignored; CRLF line ends allowed), calling
    /// `body` with each record's line number and mapped record, in order.
    ///
    /// Each line is parsed into a ``RosterCore/JSONValue`` and mapped by ``map(_:)``, the path a
    /// sync maps pulled pages through. `source` is read in chunks of `chunkSize` bytes (a longer
    /// line grows the buffer), so memory holds one chunk and one line whatever the file's size.
    /// - Parameter file: names the input in errors.
    /// - Returns: the number of records mapped.
    /// - Throws: ``JSONRecordError`` naming `file`, the line and the byte column of the first line
    ///   that is not one JSON object (`body` has then had every record before it);
    ///   ``RosterCore/ByteSourceError`` when reading fails; and whatever `body` throws.
    @discardableResult
    public func mapJSONLines(
        from source: inout some ByteSource, file: String, chunkSize: Int = 1 << 20,
        _ body: (_ line: Int, _ record: MappedRecord) throws -> Void
    ) throws -> Int {
        var lines = LineReader(chunkSize: chunkSize)
        var number = 0, records = 0
        while let line = try lines.next(from: &source) {
            number += 1
            let markLength = number == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let bytes = Array(line.dropFirst(markLength))
            guard let first = bytes.firstIndex(where: { !Self.isJSONSpace($0) }) else { continue }
            let value: JSONValue
            do throws(JSONSyntaxError) {
                value = try JSONByteParser.parseReportingErrors(bytes)
            } catch {
                throw JSONRecordError(file: file, line: number, column: markLength + error.offset + 1, message: error.message)
            }
            guard case .object = value else {
                throw JSONRecordError(file: file, line: number, column: markLength + first + 1,
                                      message: "expected a record object starting with '{'; write one JSON object per line")
            }
            records += 1
            try body(number, map(value))
        }
        return records
    }

    private static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// Cuts a byte stream into lines (without their line feed), reading a chunk at a time.
private struct LineReader {
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk: [UInt8]
    private var atEnd = false

    init(chunkSize: Int) { chunk = [UInt8](repeating: 0, count: max(chunkSize, 16)) }

    /// The next line, or `nil` after the last; a last line without a line feed counts.
    mutating func next(from source: inout some ByteSource) throws -> ArraySlice<UInt8>? {
        var searched = start
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                defer { start = newline + 1 }
                return buffer[start..<newline]
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return buffer[start...]
            }
            buffer.removeSubrange(0..<start)
            start = 0
            searched = buffer.count
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { atEnd = true } else { buffer.append(contentsOf: chunk[0..<count]) }
        }
    }
}

/// A JSON-lines record that could not be read: where it is and what is wrong.
public struct JSONRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input file, when the bytes came from one.
    public var file: String?
    /// The line of the problem, from 1.
    public var line: Int
    /// The byte column of the problem within its line, from 1.
    public var column: Int
    /// What is wrong and what to write instead, e.g. `expected ':' after the key, found ','`.
    public var message: String

    /// An error at `line`:`column` of `file` saying `message`.
    public init(file: String? = nil, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: error: message` (`record:` when there is no file).
    public var description: String { "\(file ?? "record"):\(line):\(column): error: \(message)" }
}
