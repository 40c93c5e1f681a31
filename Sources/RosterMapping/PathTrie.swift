import RosterCore

/// The paths of a mapping as a tree of object keys and array indexes, so the byte decoder can
/// tell at each member whether anyone reads it.
///
/// An unquoted digits segment (`phones.0`) is both an object key and an array index, as in
/// ``SourcePath/resolve(in:)``; so a node's member children and element children are built
/// separately from the path suffixes that may continue there. Stored flat (nodes, members and
/// slot lists in arrays of plain integers) so the decoder's inner loop touches no reference counts.
struct PathTrie: Sendable {
    /// One node: ranges into the shared lists.
    struct Node: Sendable {
        /// Slots of the paths that end here: `slotList[slots]`.
        var slots: Range<Int>
        /// Object members read below: `members[memberRange]`.
        var memberRange: Range<Int>
        /// Array elements read below: `elements[elementRange]`.
        var elementRange: Range<Int>
        /// Every slot at or below this node, `slotList[subtree]`: cleared when a duplicate key
        /// gives the node a second value (the last one wins, as in a dictionary).
        var subtree: Range<Int>
    }

    /// An object key read below a node.
    struct Member: Sendable {
        /// ``PathTrie/signature(length:byte:)`` of the key: length and first seven bytes.
        var signature: UInt64
        /// The key's UTF-8 bytes: `keyBytes[key]`.
        var key: Range<Int>
        /// Whether the key holds no quote, backslash or control character, so a record spells it
        /// in JSON with exactly these bytes (see ``RosterCore/JSONScanner/skipKey(matching:)``).
        var isPlain: Bool
        var node: Int
    }

    /// An array position read below a node.
    struct Element: Sendable {
        var index: Int
        var node: Int
    }

    /// Node 0 is the root (the record object).
    private(set) var nodes: [Node] = []
    private(set) var members: [Member] = []
    private(set) var elements: [Element] = []
    private(set) var keyBytes: [UInt8] = []
    private(set) var slotList: [Int] = []

    /// The trie of `paths`; slot `i` is `paths[i]`.
    init(_ paths: [SourcePath]) {
        _ = add(paths.enumerated().map { ($0.offset, $0.element.segments[...]) })
    }

    /// A key's length and first seven bytes in one word: equal keys have equal signatures, and
    /// keys of up to seven bytes are equal when their signatures are.
    @inline(__always)
    static func signature(length: Int, byte: (Int) -> UInt8) -> UInt64 {
        var signature = UInt64(truncatingIfNeeded: length) << 56
        for offset in 0..<min(length, 7) { signature |= UInt64(byte(offset)) << (offset * 8) }
        return signature
    }

    /// ``signature(length:byte:)`` of a scanned key without escapes, from one 8-byte load when
    /// the text goes on that far (it does but at the very end: a key is followed by `:` and a value).
    @inline(__always)
    static func signature(of key: JSONStringToken, in scanner: JSONScanner) -> UInt64 {
        let length = key.end &- key.start
        guard key.start &+ 8 <= scanner.bytes.count else {
            return signature(length: length) { scanner.bytes[key.start &+ $0] }
        }
        let word = UInt64(littleEndian: scanner.bytes.loadUnaligned(fromByteOffset: key.start, as: UInt64.self))
        let kept = UInt64(truncatingIfNeeded: min(length, 7) &* 8)
        return word & ((1 &<< kept) &- 1) | UInt64(truncatingIfNeeded: length) &<< 56
    }

    private typealias Suffix = (slot: Int, rest: ArraySlice<SourcePath.Segment>)

    /// Adds the node for `suffixes` and its subtree; returns the node's number.
    private mutating func add(_ suffixes: [Suffix]) -> Int {
        let id = nodes.count
        nodes.append(Node(slots: 0..<0, memberRange: 0..<0, elementRange: 0..<0, subtree: 0..<0))
        var ends: [Int] = []
        var keys: [String] = [], byKey: [String: [Suffix]] = [:]
        var indexes: [Int] = [], byIndex: [Int: [Suffix]] = [:]
        for (slot, rest) in suffixes {
            guard let first = rest.first else {
                ends.append(slot)
                continue
            }
            let key: String
            switch first {
            case .key(let name):
                key = name
            case .indexOrKey(let index, let name):
                key = name
                if byIndex[index] == nil { indexes.append(index) }
                byIndex[index, default: []].append((slot, rest.dropFirst()))
            }
            if byKey[key] == nil { keys.append(key) }
            byKey[key, default: []].append((slot, rest.dropFirst()))
        }
        let memberNodes = keys.map { add(byKey[$0]!) }
        let elementNodes = indexes.map { add(byIndex[$0]!) }
        let memberStart = members.count
        for (key, node) in zip(keys, memberNodes) {
            let bytes = Array(key.utf8)
            members.append(Member(
                signature: Self.signature(length: bytes.count) { bytes[$0] },
                key: keyBytes.count..<keyBytes.count + bytes.count,
                isPlain: !bytes.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }, node: node))
            keyBytes += bytes
        }
        let elementStart = elements.count
        elements += zip(indexes, elementNodes).map { Element(index: $0, node: $1) }
        var below = ends
        for child in memberNodes + elementNodes {
            below += slotList[nodes[child].subtree].filter { !below.contains($0) }
        }
        let slotStart = slotList.count
        slotList += ends
        let subtreeStart = slotList.count
        slotList += below
        nodes[id] = Node(
            slots: slotStart..<slotStart + ends.count, memberRange: memberStart..<members.count,
            elementRange: elementStart..<elements.count, subtree: subtreeStart..<slotList.count)
        return id
    }
}
