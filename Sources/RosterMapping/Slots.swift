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

/// A path a rule reads: the slot its value lands in, and how the file spelt it (for messages).
/// Two integers, so rules copy it without touching reference counts.
struct SlotPath: Sendable {
    /// Index into the record's slots.
    let slot: Int
    /// Index into ``Mapping/pathSpellings``.
    let spelling: Int
}

/// A rule read a list or an object where it needs a value; ``Mapping`` turns it into the issue text.
struct SlotProblem: Sendable {
    let path: SlotPath
    /// `true` for a list, `false` for an object.
    let isList: Bool

    /// The issue reason, e.g. `path 'phones' holds a list; index it, e.g. phones.0`.
    func reason(spellings: [String]) -> String {
        let path = spellings[path.spelling]
        return isList
            ? "path '\(path)' holds a list; index it, e.g. \(path).0"
            : "path '\(path)' holds an object; name a key inside it, e.g. \(path).name"
    }
}

/// Numbers the distinct paths of a mapping as the loader meets them: paths with the same
/// segments share a slot however they were spelt (`a.b` and `"a".b`).
struct SlotCatalog {
    /// The paths in slot order.
    private(set) var paths: [SourcePath] = []
    /// Every distinct spelling of a path, for messages.
    private(set) var spellings: [String] = []
    private var slots: [[SourcePath.Segment]: Int] = [:]
    private var spellingNumbers: [String: Int] = [:]

    mutating func slot(for path: SourcePath) -> SlotPath {
        let spelling = spellingNumbers[path.description] ?? spellings.count
        if spelling == spellings.count {
            spellingNumbers[path.description] = spelling
            spellings.append(path.description)
        }
        if let slot = slots[path.segments] { return SlotPath(slot: slot, spelling: spelling) }
        slots[path.segments] = paths.count
        paths.append(path)
        return SlotPath(slot: paths.count - 1, spelling: spelling)
    }
}
