public import RosterCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Mapping {
    /// Maps every record of a JSON-lines stream (one JSON object per line; blank lines skipped;
    /// a UTF-8 byte order mark before the first line ignored), calling `body` with each record's
    /// line number and mapped record, in order.
    ///
    /// Reads `source` in chunks of `chunkSize` bytes (a longer line grows the buffer), so memory
    /// stays flat whatever the file's size. Each line goes through one ``MappingDecoder``.
    /// - Parameter file: names the input in errors.
    /// - Returns: the number of records mapped.
    /// - Throws: ``JSONRecordError`` naming `file`, the line and the byte column of the first line
    ///   that is not one JSON object; ``RosterCore/ByteSourceError`` when reading fails; and
    ///   whatever `body` throws.
    @discardableResult
    public func mapJSONLines(
        from source: inout some ByteSource, file: String, chunkSize: Int = 256 * 1024,
        _ body: (_ line: Int, _ record: MappedRecord) throws -> Void
    ) throws -> Int {
        var decoder = MappingDecoder(mapping: self)
        var buffer = [UInt8](repeating: 0, count: max(chunkSize, 16))
        var filled = 0, lineNumber = 0, records = 0
        var atEnd = false
        while true {
            // Map the complete lines in the buffer; `consumed` is where the first incomplete one starts.
            let consumed = try buffer.withUnsafeBytes { bytes -> Int in
                var start = 0
                while start < filled {
                    let remaining = filled - start
                    let newline = memchr(bytes.baseAddress! + start, 0x0A, remaining).map { $0 - UnsafeMutableRawPointer(mutating: bytes.baseAddress!) }
                    guard let end = newline ?? (atEnd ? filled : nil) else { break }
                    lineNumber += 1
                    if let mapped = try Self.mapLine(
                        UnsafeRawBufferPointer(rebasing: bytes[start..<end]), number: lineNumber, file: file, decoder: &decoder) {
                        records += 1
                        try body(lineNumber, mapped)
                    }
                    start = end + 1
                }
                return min(start, filled)
            }
            if atEnd { return records }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { bytes in
                    bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + consumed, byteCount: filled - consumed)
                }
                filled -= consumed
            }
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = try buffer.withUnsafeMutableBytes { bytes in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]))
            }
            if count == 0 { atEnd = true } else { filled += count }
        }
    }

    /// The mapped record on one line (without its line feed), or `nil` for a blank line.
    private static func mapLine(
        _ line: UnsafeRawBufferPointer, number: Int, file: String, decoder: inout MappingDecoder
    ) throws(JSONRecordError) -> MappedRecord? {
        var scanner = JSONScanner(line)
        if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.position = 3 }
        scanner.skipWhitespace()
        if scanner.isAtEnd { return nil }
        do throws(JSONSyntaxError) {
            return try decoder.map(&scanner)
        } catch {
            throw JSONRecordError(error, in: line, file: file, firstLine: number)
        }
    }
}
