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
