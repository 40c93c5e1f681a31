import RosterCore

/// What a record holds at one path the mapping reads: all that rules and filters need of it.
///
/// Every way into a mapping fills these: ``Mapping/map(_:)`` resolves each path in a `JSONValue`,
/// ``CSVRowMapper`` takes a row's cells.
/// Rules then evaluate slots only, so the ways in cannot disagree. Plain integers, so filling
/// and reading slots touches no reference counts.
enum SlotValue: Sendable, Hashable {
    /// Nothing at the path (a key or index missing, or a step into a scalar).
    case missing
    /// A scalar as mapped text (see ``RosterCore/JSONValue/mappedText``; `null` is empty text):
    /// bytes `start..<end` of ``RecordSlots/text``.
    case text(start: Int, end: Int)
    /// An array, which a rule cannot use as text.
    case list(isEmpty: Bool)
    /// An object, which a rule cannot use as text.
    case object(isEmpty: Bool)
}

/// One record as rules see it: a value per slot, with every text in one UTF-8 buffer.
///
/// Texts are bytes rather than `String`s so that a value no rule keeps costs no allocation, and
/// transforms run on bytes (see ``FieldRule``). Reuse one per thread: ``reset()`` keeps the
/// buffers' capacity.
struct RecordSlots: ~Copyable {
    /// One value per slot, in storage of its own: set for every value of every record, so it
    /// skips an array's uniqueness check.
    private let values: UnsafeMutableBufferPointer<SlotValue>
    /// The UTF-8 of every text slot, one after another; always valid UTF-8.
    private(set) var text = UTF8Buffer()

    /// Slots `0..<count`, all missing.
    init(count: Int) {
        values = .allocate(capacity: count)
        values.initialize(repeating: .missing)
    }

    deinit { values.deallocate() }

    /// Makes every slot missing again.
    mutating func reset() {
        values.update(repeating: .missing)
        text.removeAll()
    }

    subscript(slot: Int) -> SlotValue {
        get { values[slot] }
        nonmutating set { values[slot] = newValue }
    }

    /// Appends `utf8` (valid UTF-8) to the text buffer and returns its slot value.
    mutating func appendText(_ utf8: UnsafeRawBufferPointer) -> SlotValue {
        let start = text.count
        text.append(utf8)
        return .text(start: start, end: text.count)
    }

    /// Appends `string`'s UTF-8 to the text buffer and returns its slot value.
    mutating func appendText(_ string: String) -> SlotValue {
        let start = text.count
        text.append(string)
        return .text(start: start, end: text.count)
    }

    /// The UTF-8 of the text at `slot` (empty unless it holds text); valid until the slots change.
    func bytes(_ slot: Int) -> UnsafeBufferPointer<UInt8> {
        guard case .text(let start, let end) = values[slot] else { return UnsafeBufferPointer(start: nil, count: 0) }
        return text.bytes(start..<end)
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
