public import RosterCore
import Dispatch
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
    /// stays flat whatever the file's size. A chunk's lines are mapped on two threads when there
    /// are enough of them (128 KiB or more): they are cut into pieces of about 64 KiB, which the
    /// caller's thread takes from the front, calling `body` as it goes, while a helper takes them
    /// from the back; `body` then gets the helper's records. `body` always runs on the caller's
    /// thread, in line order.
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
        var decoder = MappingDecoder(mapping: self)
        let helper = JSONLinesHelper(mapping: self, file: file)
        var buffer = [UInt8](repeating: 0, count: max(chunkSize, 16))
        var spare = buffer
        var filled = 0, linesBefore = 0, records = 0
        var atEnd = false
        while true {
            let complete = atEnd ? filled : buffer.withUnsafeBytes { Self.completeLinesLength(UnsafeRawBufferPointer(rebasing: $0[..<filled])) }
            if complete == 0 && !atEnd {
                // No whole line yet: read on, growing the buffer for a line longer than it.
                if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
                atEnd = try Self.read(&source, into: &buffer, after: &filled)
                continue
            }
            // While the helper maps this chunk, this thread reads the next one into `spare`, after
            // the incomplete line left over here; a read error waits until this chunk is delivered.
            var spareFilled = 0, spareAtEnd = false
            var readFailure: (any Error)?
            try buffer.withUnsafeBytes { bytes in
                try Self.mapCompleteLines(
                    UnsafeRawBufferPointer(rebasing: bytes[..<complete]), linesBefore: &linesBefore, records: &records,
                    file: file, decoder: &decoder, helper: helper,
                    readAhead: {
                        guard !atEnd else { return }
                        if spare.count < bytes.count { spare = [UInt8](repeating: 0, count: bytes.count) }
                        spareFilled = filled - complete
                        spare.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[complete..<filled])) }
                        do {
                            spareAtEnd = try Self.read(&source, into: &spare, after: &spareFilled)
                        } catch {
                            readFailure = error
                        }
                    }, body)
            }
            if atEnd { return records }
            if let readFailure { throw readFailure }
            swap(&buffer, &spare)
            filled = spareFilled
            atEnd = spareAtEnd
        }
    }

    /// Maps `lines` (whole lines; the last may lack its line feed) and calls `body` with every
    /// record in order. Long enough lines are cut into pieces that this thread takes from the
    /// front, mapping and handing on each record at once, while `helper` takes them from the
    /// back; when the two meet, the helper's records follow. `readAhead` runs once the helper
    /// has started, before this thread maps.
    private static func mapCompleteLines(
        _ lines: UnsafeRawBufferPointer, linesBefore: inout Int, records: inout Int, file: String,
        decoder: inout MappingDecoder, helper: JSONLinesHelper, readAhead: () -> Void,
        _ body: (_ line: Int, _ record: MappedRecord) throws -> Void
    ) throws {
        let startsStream = linesBefore == 0
        let pieces = JSONLinesHelper.pieces(of: lines)
        let shared = pieces.count > 1
        if shared { helper.start(pieces, startsStream: startsStream) }
        readAhead()
        do {
            var next = shared ? helper.claimFront() : 0
            while let index = next {
                linesBefore = try mapLines(
                    pieces[index], linesBefore: linesBefore, startsStream: startsStream && index == 0, file: file, decoder: &decoder
                ) { line, record in
                    records += 1
                    try body(line, record)
                }
                next = shared ? helper.claimFront() : nil
            }
        } catch {
            if shared { helper.stop() }
            throw error
        }
        guard shared else { return }
        let firstShared = helper.finish()
        for share in helper.shares[firstShared..<pieces.count] {
            for (line, record) in zip(share.lines, share.records) {
                records += 1
                try body(linesBefore + line, record)
            }
            if let failure = share.failure {
                guard var failure = failure as? JSONRecordError else { throw failure }
                failure.line += linesBefore
                throw failure
            }
            linesBefore += share.lineCount
        }
    }

    /// Reads once from `source` into `buffer` after its first `filled` bytes, counting them into
    /// `filled`; returns whether the stream has ended.
    private static func read(_ source: inout some ByteSource, into buffer: inout [UInt8], after filled: inout Int) throws -> Bool {
        let count = try buffer.withUnsafeMutableBytes { [filled] in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
        }
        filled += count
        return count == 0
    }

    /// The length of `bytes` up to and including its last line feed (0 when it has none).
    private static func completeLinesLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        var end = bytes.count
        while end > 0, bytes[end - 1] != 0x0A { end -= 1 }
        return end
    }

    /// Maps the lines of `lines`, the last of which may lack its line feed, numbering them from
    /// `linesBefore + 1`, and calls `emit` with each record; returns the number of the last line.
    /// A byte order mark is skipped when the lines `startsStream`.
    static func mapLines(
        _ lines: UnsafeRawBufferPointer, linesBefore: Int, startsStream: Bool, file: String, decoder: inout MappingDecoder,
        emit: (_ line: Int, _ record: MappedRecord) throws -> Void
    ) throws -> Int {
        guard let base = lines.baseAddress else { return linesBefore }
        var number = linesBefore, start = 0
        while start < lines.count {
            let end = memchr(base + start, 0x0A, lines.count - start).map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? lines.count
            number += 1
            let line = UnsafeRawBufferPointer(rebasing: lines[start..<end])
            let skipsMark = startsStream && start == 0
            if let mapped = try mapLine(line, number: number, skipsMark: skipsMark, file: file, decoder: &decoder) {
                try emit(number, mapped)
            }
            start = end + 1
        }
        return number
    }

    /// The mapped record on one line (without its line feed), or `nil` for a blank line.
    private static func mapLine(
        _ line: UnsafeRawBufferPointer, number: Int, skipsMark: Bool, file: String, decoder: inout MappingDecoder
    ) throws(JSONRecordError) -> MappedRecord? {
        var scanner = JSONScanner(line)
        if skipsMark, line.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.position = 3 }
        scanner.skipWhitespace()
        if scanner.isAtEnd { return nil }
        do throws(JSONSyntaxError) {
            return try decoder.map(&scanner)
        } catch {
            throw JSONRecordError(error, in: line, file: file, firstLine: number)
        }
    }
}
