/// A streaming RFC 4180 reader over any ``ByteSource``.
///
/// It reads fixed-size chunks and walks them with a byte state machine; only the cells a caller
/// asks for become `String`s. Quoted delimiters, doubled quotes and line breaks inside quotes are
/// kept; CRLF and LF both end a record; blank lines are skipped but still counted in
/// ``recordNumber`` so that row numbers match what a spreadsheet shows. A leading UTF-8 BOM is dropped.
///
/// Trimmed cells (``trimmedField(_:)``) lose the formula guard RosterSync's own CSV files add
/// (``CSVWriter/escape(_:)``): one leading `'` before `=`, `+`, `-`, `@`, tab or CR (after any
/// further `'`s), so an error report imports back to exactly the values that were written.
///
/// Cost: one pass over the bytes, one copy of each cell's bytes, memory bounded by the chunk
/// size plus the longest record.
public final class CSVReader<Source: ByteSource> {
    private enum State { case recordStart, fieldStart, unquoted, quoted, quoteInQuoted }

    private var source: Source
    public let delimiter: UInt8
    public let encoding: TextEncoding
    /// Whether the file mixes encodings, so that each cell is checked (``fieldIsForeign(_:)``).
    public let mixesEncodings: Bool
    private let buffer: UnsafeMutableRawBufferPointer
    private var position = 0
    private var end = 0
    private var atEndOfInput = false
    private var skipLineFeed = false
    private var atFirstByte = true
    private var isSpecial = [Bool](repeating: false, count: 256)

    private var bytes: [UInt8] = []
    private var fieldEnds: [Int] = []
    private var lineBreaks: [Bool] = []

    /// The number of the record just read (1 = the first line), counting skipped blank lines.
    public private(set) var recordNumber = 0
    /// True when the record just read ended inside an opening quote that never closed.
    public private(set) var hasUnterminatedQuote = false

    public init(
        source: Source, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding = .utf8, mixesEncodings: Bool = false,
        chunkSize: Int = 256 << 10
    ) {
        self.source = source
        self.delimiter = delimiter
        self.encoding = encoding
        self.mixesEncodings = mixesEncodings
        buffer = .allocate(byteCount: max(chunkSize, 16), alignment: 8)
        for special in [delimiter, UInt8(ascii: "\r"), UInt8(ascii: "\n")] { isSpecial[Int(special)] = true }
        bytes.reserveCapacity(1024)
    }

    /// A reader of `source` in the delimiter and encoding ``CSVFormat/detect(in:file:)`` found.
    public convenience init(source: Source, format: CSVFormat) {
        self.init(source: source, delimiter: format.delimiter, encoding: format.encoding, mixesEncodings: format.mixesEncodings)
    }

    deinit { buffer.deallocate() }

    /// The number of fields in the record just read.
    public var fieldCount: Int { fieldEnds.count }

    /// Field `index` of the record just read, exactly as written (quotes removed).
    public func field(_ index: Int) -> String { withRecord { encoding.decode($0.bytes(index)) } }

    /// Field `index` without surrounding spaces and tabs, and without a formula guard; empty
    /// when `index` is past the last field.
    public func trimmedField(_ index: Int) -> String { withRecord { encoding.decode($0.trimmedBytes(index)) } }

    /// Calls `body` with the bytes of ``trimmedField(_:)`` (empty past the last field): lets
    /// callers hash cells without making Strings.
    public func withTrimmedFieldBytes<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withRecord { body($0.trimmedBytes(index)) }
    }

    /// Whether the bytes of ``trimmedField(_:)`` are in another encoding than the file's (see
    /// ``TextEncoding/isForeign(_:)``); always `false` in a file that does not mix encodings.
    public func fieldIsForeign(_ index: Int) -> Bool { withRecord { $0.isForeign(index) } }

    /// Whether field `index` holds a line break (only possible inside quotes).
    public func fieldHasLineBreak(_ index: Int) -> Bool { withRecord { $0.hasLineBreak(index) } }

    /// Calls `body` with the record just read. A caller that looks at several fields of a record
    /// takes them all in one call: each access to the reader's buffers costs a dynamic
    /// exclusivity check and a retain, which per field would cost more than the parsing.
    public func withRecord<Result>(_ body: (CSVRecord) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBufferPointer { bytes in
            try fieldEnds.withUnsafeBufferPointer { fieldEnds in
                try lineBreaks.withUnsafeBufferPointer { lineBreaks in
                    try body(CSVRecord(
                        allBytes: bytes, fieldEnds: fieldEnds, lineBreaks: lineBreaks, encoding: encoding,
                        mixesEncodings: mixesEncodings, number: recordNumber, hasUnterminatedQuote: hasUnterminatedQuote))
                }
            }
        }
    }

    /// All fields of the record just read, as written.
    public var fields: [String] { (0..<fieldCount).map(field) }

    /// Reads the next non-blank record.
    /// - Returns: `false` at the end of the input.
    /// - Throws: ``ByteSourceError`` when reading fails.
    public func next() throws -> Bool {
        var found = false
        try forEachRecord { _ in
            found = true
            return false
        }
        return found
    }

    /// Reads the next non-blank records one after another, handing each to `body`, until `body`
    /// returns `false` (that record stays the one just read, as after ``next()``) or the input ends.
    ///
    /// For callers that take many records: the reader's state is loaded once per call here, not
    /// once per record as with ``next()``.
    /// - Throws: ``ByteSourceError`` when reading fails, or what `body` throws.
    public func forEachRecord(_ body: (CSVRecord) throws -> Bool) throws {
        // The hot loop works on locals: touching class properties per byte would cost a dynamic
        // exclusivity check each time. They are written back on every exit.
        var bytes = self.bytes, fieldEnds = self.fieldEnds, lineBreaks = self.lineBreaks
        self.bytes = []
        self.fieldEnds = []
        self.lineBreaks = []
        bytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        lineBreaks.removeAll(keepingCapacity: true)
        var position = self.position, end = self.end, skipLineFeed = self.skipLineFeed, recordNumber = self.recordNumber
        var unterminatedQuote = false
        defer {
            self.bytes = bytes
            self.fieldEnds = fieldEnds
            self.lineBreaks = lineBreaks
            self.position = position
            self.end = end
            self.skipLineFeed = skipLineFeed
            self.recordNumber = recordNumber
            self.hasUnterminatedQuote = unterminatedQuote
        }
        let buffer = self.buffer, delimiter = self.delimiter, isSpecial = self.isSpecial
        let encoding = self.encoding, mixesEncodings = self.mixesEncodings
        var state = State.recordStart
        var fieldHasBreak = false

        func endField() {
            fieldEnds.append(bytes.count)
            lineBreaks.append(fieldHasBreak)
            fieldHasBreak = false
        }

        /// Hands the record just ended to `body`; when it wants more, starts the next one.
        func endRecord() throws -> Bool {
            recordNumber += 1
            let wantsMore = try bytes.withUnsafeBufferPointer { bytes in
                try fieldEnds.withUnsafeBufferPointer { fieldEnds in
                    try lineBreaks.withUnsafeBufferPointer { lineBreaks in
                        try body(CSVRecord(
                            allBytes: bytes, fieldEnds: fieldEnds, lineBreaks: lineBreaks, encoding: encoding,
                            mixesEncodings: mixesEncodings, number: recordNumber, hasUnterminatedQuote: unterminatedQuote))
                    }
                }
            }
            guard wantsMore else { return false }
            bytes.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
            lineBreaks.removeAll(keepingCapacity: true)
            unterminatedQuote = false
            state = .recordStart
            return true
        }

        while true {
            if position == end {
                repeat { (position, end) = try refill() } while position == end && !atEndOfInput
                if position == end {
                    if state == .recordStart { return }
                    unterminatedQuote = state == .quoted
                    endField()
                    _ = try endRecord()
                    return
                }
            }
            let byte = buffer[position]
            if skipLineFeed {
                skipLineFeed = false
                if byte == UInt8(ascii: "\n") { position += 1; continue }
            }
            switch state {
            case .recordStart:
                if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    position += 1
                    skipLineFeed = byte == UInt8(ascii: "\r")
                    recordNumber += 1
                    continue
                }
                state = .fieldStart
            case .fieldStart:
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    state = .quoted
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var scan = position
                while scan < end, !isSpecial[Int(buffer[scan])] { scan += 1 }
                if scan > position { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position..<scan])) }
                position = scan
                guard scan < end else { continue }
                let terminator = buffer[scan]
                position += 1
                endField()
                if terminator == delimiter {
                    state = .fieldStart
                } else {
                    skipLineFeed = terminator == UInt8(ascii: "\r")
                    guard try endRecord() else { return }
                }
            case .quoted:
                var scan = position
                while scan < end, buffer[scan] != UInt8(ascii: "\"") {
                    if buffer[scan] == UInt8(ascii: "\n") || buffer[scan] == UInt8(ascii: "\r") { fieldHasBreak = true }
                    scan += 1
                }
                if scan > position { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position..<scan])) }
                position = scan
                guard scan < end else { continue }
                position += 1
                state = .quoteInQuoted
            case .quoteInQuoted:
                position += 1
                if byte == UInt8(ascii: "\"") {
                    bytes.append(byte)
                    state = .quoted
                } else if byte == delimiter {
                    endField()
                    state = .fieldStart
                } else if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                    endField()
                    skipLineFeed = byte == UInt8(ascii: "\r")
                    guard try endRecord() else { return }
                } else {
                    // Text after a closing quote (`"ab"c`): keep it, as spreadsheets do.
                    bytes.append(byte)
                    state = .unquoted
                }
            }
        }
    }

    /// Reads the next chunk and returns the new (position, end); equal at the end of the input.
    /// The first chunk drops a UTF-8 BOM, whatever the encoding (a "CSV UTF-8" file edited later
    /// in a Latin-1 editor keeps its BOM bytes), reading on until three bytes are there to compare.
    private func refill() throws -> (Int, Int) {
        guard !atEndOfInput else { return (0, 0) }
        var end = try source.read(into: buffer)
        if atFirstByte {
            atFirstByte = false
            while end > 0, end < 3 {
                let more = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
                if more == 0 { break }
                end += more
            }
            if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { return (3, end) }
        }
        if end == 0 { atEndOfInput = true }
        return (0, end)
    }

}

/// The record a ``CSVReader`` just read, lent to ``CSVReader/withRecord(_:)``'s body: its fields'
/// bytes, valid only inside that call.
public struct CSVRecord {
    fileprivate let allBytes: UnsafeBufferPointer<UInt8>
    fileprivate let fieldEnds: UnsafeBufferPointer<Int>
    fileprivate let lineBreaks: UnsafeBufferPointer<Bool>
    fileprivate let encoding: TextEncoding
    fileprivate let mixesEncodings: Bool
    /// The number of the record (1 = the first line), counting skipped blank lines.
    public let number: Int
    /// True when the record ended inside an opening quote that never closed.
    public let hasUnterminatedQuote: Bool

    /// The number of fields in the record.
    public var fieldCount: Int { fieldEnds.count }

    /// The bytes of field `index`, exactly as written (quotes removed).
    public func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: allBytes[(index == 0 ? 0 : fieldEnds[index - 1])..<fieldEnds[index]])
    }

    /// The bytes of field `index` without surrounding spaces and tabs, and without a formula
    /// guard (see ``CSVReader``); empty past the last field.
    public func trimmedBytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index < fieldEnds.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        var field = bytes(index)[...]
        while let first = field.first, Self.isBlank(first) { field = field.dropFirst() }
        while let last = field.last, Self.isBlank(last) { field = field.dropLast() }
        if field.first == UInt8(ascii: "'"), FormulaGuard.isGuarded(field) { field = field.dropFirst() }
        return UnsafeBufferPointer(rebasing: field)
    }

    /// Whether field `index` holds a line break (only possible inside quotes).
    public func hasLineBreak(_ index: Int) -> Bool { index < lineBreaks.count && lineBreaks[index] }

    /// Whether the trimmed bytes of field `index` are in another encoding than the file's (see
    /// ``TextEncoding/isForeign(_:)``); always `false` in a file that does not mix encodings.
    public func isForeign(_ index: Int) -> Bool { mixesEncodings && encoding.isForeign(trimmedBytes(index)) }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
}
