import RosterCore

/// Maps JSON records given as UTF-8 bytes, in one pass and without building a `JSONValue`.
///
/// The decoder walks each object once: it matches keys against the paths the mapping reads
/// (compared as bytes), skips values nobody reads while still checking that they are JSON, and
/// makes a `String` only for the values rules use. The result is the same ``MappedRecord`` as
/// ``Mapping/map(_:)`` gives for the parsed record: both fill the same slots and share one
/// evaluation. Of duplicate keys the last one wins, as in a parsed object.
///
/// Keep one decoder per thread and reuse it: it holds scratch space sized for its mapping.
///
/// ```swift
/// var decoder = MappingDecoder(mapping: mapping)
/// let mapped = try decoder.map(jsonObject: Array(#"{"givenName": "Ada"}"#.utf8))
/// ```
public struct MappingDecoder: ~Copyable {
    /// The mapping records are mapped with.
    public let mapping: Mapping
    /// The mapping's path trie, copied into storage of the decoder's own: read for every key of
    /// every record, where an array's bounds checks and a struct's copies would show.
    private let nodes: UnsafeMutableBufferPointer<PathTrie.Node>
    private let members: UnsafeMutableBufferPointer<PathTrie.Member>
    private let elements: UnsafeMutableBufferPointer<PathTrie.Element>
    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    private let slotList: UnsafeMutableBufferPointer<Int>
    private var slots: RecordSlots
    /// Scratch space for the rules.
    private var work = UTF8Buffer()
    /// Per trie node, the number of the record in which the node last got a value: a second
    /// value within one record means a duplicate key, whose slots are cleared before it is read.
    private let visits: UnsafeMutableBufferPointer<UInt32>
    private var record: UInt32 = 0
    /// Per member of the trie, then per node, the member that followed it in the last object
    /// read (-1 when none yet): a guess to try before the scan.
    private let nextGuess: UnsafeMutableBufferPointer<Int>

    /// A decoder for `mapping`.
    public init(mapping: Mapping) {
        self.mapping = mapping
        let trie = mapping.pathTrie
        nodes = Self.copy(trie.nodes)
        members = Self.copy(trie.members)
        elements = Self.copy(trie.elements)
        keyBytes = Self.copy(trie.keyBytes)
        slotList = Self.copy(trie.slotList)
        slots = RecordSlots(count: mapping.slotPaths.count)
        visits = Self.copy(Array(repeating: 0, count: trie.nodes.count))
        nextGuess = Self.copy(Array(repeating: -1, count: trie.members.count + trie.nodes.count))
    }

    deinit {
        nodes.deallocate()
        members.deallocate()
        elements.deallocate()
        keyBytes.deallocate()
        slotList.deallocate()
        visits.deallocate()
        nextGuess.deallocate()
    }

    private static func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let copy = UnsafeMutableBufferPointer<Element>.allocate(capacity: array.count)
        _ = copy.initialize(from: array)
        return copy
    }

    /// Maps the JSON object in `bytes` (whitespace around it allowed).
    ///
    /// Cost: one pass over the bytes; allocations are the mapped record and the strings the
    /// mapping reads or builds (short ASCII values need none).
    /// - Throws: ``JSONRecordError`` when the bytes are not one JSON object, with the line and
    ///   column (in bytes, from 1) of the first problem.
    public mutating func map(jsonObject bytes: UnsafeRawBufferPointer) throws(JSONRecordError) -> MappedRecord {
        var scanner = JSONScanner(bytes)
        do throws(JSONSyntaxError) {
            return try map(&scanner)
        } catch {
            throw JSONRecordError(error, in: bytes)
        }
    }

    /// Maps the JSON object in `bytes`; see ``map(jsonObject:)-(UnsafeRawBufferPointer)``.
    /// - Throws: ``JSONRecordError`` when the bytes are not one JSON object.
    public mutating func map(jsonObject bytes: [UInt8]) throws(JSONRecordError) -> MappedRecord {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONRecordError) in try map(jsonObject: buffer) }
        }
        return try result.get()
    }

    /// Maps the record object at `scanner`, which must end right after it.
    mutating func map(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> MappedRecord {
        try fillSlots(&scanner)
        return mapping.evaluate(slots, work: &work)
    }

    /// Reads one record object from `scanner` into `slots`; the scanner must end right after it.
    private mutating func fillSlots(_ scanner: inout JSONScanner) throws(JSONSyntaxError) {
        slots.reset()
        record &+= 1
        if record == 0 {
            visits.update(repeating: 0)
            record = 1
        }
        scanner.skipWhitespace()
        guard scanner.current == UInt8(ascii: "{") else { throw scanner.unexpected("a record object starting with '{'") }
        try value(0, &scanner, depth: 0)
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("text after the record's closing '}'; write one record object per line") }
    }

    /// Reads the value at the scanner into the slots of `node` and of the nodes below it.
    private mutating func value(_ node: Int, _ scanner: inout JSONScanner, depth: Int) throws(JSONSyntaxError) {
        // Through a pointer: fields are read where they lie, not copied out with the whole node.
        let entry = nodes.baseAddress! + node
        if visits[node] == record {
            for index in entry.pointee.subtree { slots[slotList[index]] = .missing }
        } else {
            visits[node] = record
        }
        let isRead = !entry.pointee.slots.isEmpty
        switch scanner.current {
        case UInt8(ascii: "\""):
            let token = try scanner.scanString()
            if isRead {
                if token.hasEscapes {
                    var decoded: [UInt8] = []
                    scanner.appendUnescaped(token, to: &decoded)
                    store(decoded.withUnsafeBytes { slots.appendText($0) }, in: entry)
                } else {
                    store(slots.appendText(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.start..<token.end])), in: entry)
                }
            }
        case UInt8(ascii: "{"):
            var more = try scanner.openContainer(depth: depth, close: UInt8(ascii: "}"))
            if isRead { store(.object(isEmpty: !more), in: entry) }
            // Records of one stream list their keys in one order, so the member read after the
            // previous one last time is tried first (`nextGuess`: per member, then per node start).
            var previous = members.count &+ node
            while more {
                let guess = nextGuess[previous]
                let found: Int?
                if guess >= 0, members[guess].isPlain,
                   scanner.skipKey(matching: UnsafeBufferPointer(rebasing: keyBytes[members[guess].key])) {
                    try scanner.finishKey()
                    found = guess
                } else {
                    let key = try scanner.scanKey()
                    found = Self.member(of: entry, named: key, in: scanner, guess: guess, members: members, keyBytes: keyBytes)
                }
                if let found {
                    nextGuess[previous] = found
                    previous = found
                    try value(members[found].node, &scanner, depth: depth + 1)
                } else {
                    try scanner.skipValue(depth: depth + 1)
                }
                more = try scanner.nextMember(close: UInt8(ascii: "}"))
            }
        case UInt8(ascii: "["):
            var more = try scanner.openContainer(depth: depth, close: UInt8(ascii: "]"))
            if isRead { store(.list(isEmpty: !more), in: entry) }
            var index = 0
            while more {
                if let child = Self.element(of: entry, at: index, elements: elements) {
                    try value(child, &scanner, depth: depth + 1)
                } else {
                    try scanner.skipValue(depth: depth + 1)
                }
                index += 1
                more = try scanner.nextMember(close: UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let literal = try scanner.scanLiteral()
            if isRead { store(slots.appendText(literal == .true ? "true" : literal == .false ? "false" : ""), in: entry) }
        default:
            let token = try scanner.scanNumber()
            if isRead {
                store(slots.appendText(try Self.numberText(token, in: scanner)), in: entry)
            } else if token.mayOverflow {
                _ = try scanner.double(token)
            }
        }
    }

    @inline(__always)
    private mutating func store(_ value: SlotValue, in node: UnsafeMutablePointer<PathTrie.Node>) {
        for index in node.pointee.slots { slots[slotList[index]] = value }
    }

    /// The member (index into `trie.members`) read under the object key `key` below `node`, if
    /// any: `guess` first, then the others; signatures first, bytes only for a candidate.
    /// Static, with the tables as arguments: a method would copy the whole decoder to borrow it.
    @inline(__always)
    private static func member(
        of node: UnsafeMutablePointer<PathTrie.Node>, named key: JSONStringToken, in scanner: JSONScanner, guess: Int,
        members: UnsafeMutableBufferPointer<PathTrie.Member>, keyBytes: UnsafeMutableBufferPointer<UInt8>
    ) -> Int? {
        let memberRange = node.pointee.memberRange
        guard !memberRange.isEmpty else { return nil }
        if key.hasEscapes {
            let bytes = Array(scanner.string(key).utf8)
            for index in memberRange where keyBytes[members[index].key].elementsEqual(bytes) { return index }
            return nil
        }
        let signature = PathTrie.signature(of: key, in: scanner)
        if guess >= 0, matches(members[guess], signature, key, scanner, keyBytes) { return guess }
        for index in memberRange where matches(members[index], signature, key, scanner, keyBytes) { return index }
        return nil
    }

    @inline(__always)
    private static func matches(
        _ member: PathTrie.Member, _ signature: UInt64, _ key: JSONStringToken, _ scanner: JSONScanner, _ keyBytes: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        let length = key.end &- key.start
        guard member.signature == signature, member.key.count == length else { return false }
        // The signature holds the first seven bytes; compare the rest.
        guard length > 7 else { return true }
        let wanted = UnsafeRawPointer(keyBytes.baseAddress! + member.key.lowerBound), seen = scanner.bytes.baseAddress! + key.start
        return JSONScanner.bytesEqual(wanted + 7, seen + 7, count: length &- 7)
    }

    @inline(__always)
    private static func element(
        of node: UnsafeMutablePointer<PathTrie.Node>, at index: Int, elements: UnsafeMutableBufferPointer<PathTrie.Element>
    ) -> Int? {
        for position in node.pointee.elementRange where elements[position].index == index {
            return elements[position].node
        }
        return nil
    }

    /// The mapped text of a number: what ``RosterCore/JSONValue/format(_:)`` gives for its Double
    /// value. Integers of up to 15 digits are exact in a Double and print as written (JSON allows
    /// no leading zeros), so they skip the conversion; `-0` prints as `0` as the Double does.
    static func numberText(_ token: JSONNumberToken, in scanner: JSONScanner) throws(JSONSyntaxError) -> String {
        let digits = token.end - token.start - (scanner.bytes[token.start] == UInt8(ascii: "-") ? 1 : 0)
        if token.isInteger && digits <= 15 {
            if digits == 1 && token.end - token.start == 2 && scanner.bytes[token.start + 1] == UInt8(ascii: "0") { return "0" }
            return String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[token.start..<token.end]), as: UTF8.self)
        }
        return JSONValue.format(try scanner.double(token))
    }
}

/// Why bytes given as a record are not one JSON object: where (line and byte column, from 1)
/// and what is wrong.
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

    /// A scanner error placed by counting the line feeds before its offset in `bytes`.
    init(_ error: JSONSyntaxError, in bytes: UnsafeRawBufferPointer, file: String? = nil, firstLine: Int = 1) {
        var line = firstLine, lineStart = 0
        for index in 0..<min(error.offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        self.init(file: file, line: line, column: error.offset - lineStart + 1, message: error.message)
    }

    /// `file:line:column: error: message` (`record:` when there is no file).
    public var description: String { "\(file ?? "record"):\(line):\(column): error: \(message)" }
}
