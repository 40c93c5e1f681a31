import RosterCore

/// What a record holds at one path the mapping reads: all that rules and filters need of it.
///
/// Both ways into a mapping fill these: ``Mapping/map(_:)`` resolves each path in a `JSONValue`,
/// ``MappingDecoder`` writes them while it walks the bytes. Rules then evaluate slots only, so
/// the two ways cannot disagree.
enum SlotValue: Sendable, Hashable {
    /// Nothing at the path (a key or index missing, or a step into a scalar).
    case missing
    /// A scalar as mapped text (see ``RosterCore/JSONValue/mappedText``): `null` is empty text.
    case text(String)
    /// An array, which a rule cannot use as text.
    case list(isEmpty: Bool)
    /// An object, which a rule cannot use as text.
    case object(isEmpty: Bool)

    /// The slot for `value`, as ``SourcePath/resolve(in:)`` found it.
    init(_ value: JSONValue?) {
        switch value {
        case nil: self = .missing
        case .array(let items)?: self = .list(isEmpty: items.isEmpty)
        case .object(let members)?: self = .object(isEmpty: members.isEmpty)
        case let scalar?: self = .text(scalar.mappedText ?? "")
        }
    }
}

/// A path a rule reads, with the number of the slot its value lands in.
struct SlotPath: Sendable, CustomStringConvertible {
    /// The path as the mapping file wrote it (for messages).
    let path: SourcePath
    /// Index into the record's slots.
    let slot: Int

    var description: String { path.description }
}

/// Numbers the distinct paths of a mapping as the loader meets them: paths with the same
/// segments share a slot however they were spelt (`a.b` and `"a".b`).
struct SlotCatalog {
    /// The paths in slot order.
    private(set) var paths: [SourcePath] = []
    private var slots: [[SourcePath.Segment]: Int] = [:]

    mutating func slot(for path: SourcePath) -> SlotPath {
        if let slot = slots[path.segments] { return SlotPath(path: path, slot: slot) }
        slots[path.segments] = paths.count
        paths.append(path)
        return SlotPath(path: path, slot: paths.count - 1)
    }
}

/// The paths of a mapping as a tree of object keys and array indexes, so the byte decoder can
/// tell at each member whether anyone reads it.
///
/// An unquoted digits segment (`phones.0`) is both an object key and an array index, as in
/// ``SourcePath/resolve(in:)``; so a node's member children and element children are built
/// separately from the path suffixes that may continue there.
final class PathTrieNode: Sendable {
    /// Position of the node in its trie (for the decoder's per-node bookkeeping).
    let id: Int
    /// Slots of the paths that end at this node.
    let slots: [Int]
    /// Object members read below this node: the key's UTF-8 bytes and its node.
    let members: [(key: [UInt8], node: PathTrieNode)]
    /// Array elements read below this node.
    let elements: [(index: Int, node: PathTrieNode)]
    /// Every slot at or below this node: cleared when a duplicate key gives the node a second value
    /// (the last one wins, as in a dictionary).
    let subtreeSlots: [Int]

    private init(
        id: Int, slots: [Int], members: [(key: [UInt8], node: PathTrieNode)], elements: [(index: Int, node: PathTrieNode)]
    ) {
        self.id = id
        self.slots = slots
        self.members = members
        self.elements = elements
        var below = slots
        for child in members.map(\.node) + elements.map(\.node) {
            below += child.subtreeSlots.filter { !below.contains($0) }
        }
        subtreeSlots = below
    }

    /// The root of the trie for `paths` (slot `i` is `paths[i]`), and its node count.
    static func build(_ paths: [SourcePath]) -> (root: PathTrieNode, count: Int) {
        var count = 0
        let root = build(paths.enumerated().map { ($0.offset, $0.element.segments[...]) }, count: &count)
        return (root, count)
    }

    private static func build(_ suffixes: [(slot: Int, rest: ArraySlice<SourcePath.Segment>)], count: inout Int) -> PathTrieNode {
        let id = count
        count += 1
        var ends: [Int] = []
        var keys: [String] = [], byKey: [String: [(slot: Int, rest: ArraySlice<SourcePath.Segment>)]] = [:]
        var indexes: [Int] = [], byIndex: [Int: [(slot: Int, rest: ArraySlice<SourcePath.Segment>)]] = [:]
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
        let members = keys.map { (key: Array($0.utf8), node: build(byKey[$0]!, count: &count)) }
        let elements = indexes.map { (index: $0, node: build(byIndex[$0]!, count: &count)) }
        return PathTrieNode(id: id, slots: ends, members: members, elements: elements)
    }

    /// The child read under the object key `key`, if any.
    @inline(__always)
    func member(_ key: JSONStringToken, in scanner: JSONScanner) -> PathTrieNode? {
        for member in members where member.key.withUnsafeBytes({ scanner.string(key, equals: $0) }) { return member.node }
        return nil
    }

    /// The child read at array position `index`, if any.
    @inline(__always)
    func element(_ index: Int) -> PathTrieNode? {
        for element in elements where element.index == index { return element.node }
        return nil
    }
}
