import RosterCore

/// How one template column or custom attribute gets its value from a record, compiled at load time.
///
/// Evaluation order: source → `transforms` in order → `map` (case-insensitive) → `default`.
/// A final class rather than a struct so the per-record loop retains one reference per rule
/// instead of copying every field.
final class FieldRule: Sendable {
    /// Where the raw value comes from.
    enum Source: Sendable {
        case path(SlotPath)
        case constant(String)
        /// The first path whose value is not blank.
        case firstOf([SlotPath])
        /// Literal text with `{{path}}` placeholders.
        case template([TemplatePiece])
    }

    enum TemplatePiece: Sendable {
        case literal(String)
        case path(SlotPath)
    }

    /// The column header or attribute name, for issues.
    let name: String
    let source: Source
    let transforms: [Transform]
    /// The `map:` entries; `nil` when the rule has no `map:`.
    let valueMap: FoldedTable?
    /// Used when the value is empty, or when `map:` is set and has no entry for the value.
    let defaultValue: String?

    /// The rule's value when it reads no path (a `constant:` source): worked out once at load.
    private let fixedValue: String?
    /// The path of a rule that only copies it, or trims it (`copyTrims`), with no `map:`: the most
    /// common rule, whose `String` is made straight from the record's bytes.
    private let copiedPath: SlotPath?
    private let copyTrims: Bool

    /// A rule; `valueMap` holds `map:` keys as written (compared ignoring case and surrounding spaces).
    init(name: String, source: Source, transforms: [Transform], valueMap: [String: String]?, defaultValue: String?) {
        self.name = name
        self.source = source
        self.transforms = transforms
        let table = valueMap.map { table in
            FoldedTable(table.map { ($0.key, $0.value) }, fold: FieldRule.mapKey, asciiFold: .trimmedLowercase)
        }
        self.valueMap = table
        self.defaultValue = defaultValue
        if case .constant(let text) = source {
            var work = UTF8Buffer()
            work.append(text)
            for transform in transforms { transform.apply(to: &work) }
            fixedValue = FieldRule.finish(work, valueMap: table, defaultValue: defaultValue)
        } else {
            fixedValue = nil
        }
        copyTrims = transforms.count == 1 && { if case .trim = transforms[0] { true } else { false } }()
        if case .path(let path) = source, table == nil, transforms.isEmpty || copyTrims {
            copiedPath = path
        } else {
            copiedPath = nil
        }
    }

    /// The mapped text for a record's slots; a path that holds an array or object sets `problem`.
    ///
    /// The value is built as bytes in `work` (scratch space the caller reuses, so its capacity
    /// carries over) and becomes a `String` once, at the end; a `map:` hit or the default makes none.
    func evaluate(_ record: borrowing RecordSlots, work: inout UTF8Buffer, problem: inout SlotProblem?) -> String {
        if let fixedValue { return fixedValue }
        if let copiedPath, let copied = copy(copiedPath, of: record) { return copied }
        work.removeAll()
        appendRawValue(record, to: &work, problem: &problem)
        // Through the buffer, transforms are read in place; the array's subscript would copy each one.
        transforms.withUnsafeBufferPointer { steps in
            for index in steps.indices { steps[index].apply(to: &work) }
        }
        return FieldRule.finish(work, valueMap: valueMap, defaultValue: defaultValue)
    }

    /// The value of a rule that copies (or trims) `path`, or `nil` when the general way must
    /// decide: a list or object there, or a trim that only `String` can do.
    @inline(__always)
    private func copy(_ path: SlotPath, of record: borrowing RecordSlots) -> String? {
        switch record[path.slot] {
        case .missing:
            return defaultValue ?? ""
        case .text:
            var bytes = record.bytes(path.slot)
            if copyTrims {
                guard let kept = UTF8Text.trimmedRange(bytes) else { return nil }
                bytes = UnsafeBufferPointer(rebasing: bytes[kept])
            }
            if bytes.isEmpty, let defaultValue { return defaultValue }
            return String(decoding: bytes, as: UTF8.self)
        case .list, .object:
            return nil
        }
    }

    /// The transformed value `work` after `map:` and `default:`.
    private static func finish(_ work: borrowing UTF8Buffer, valueMap: FoldedTable?, defaultValue: String?) -> String {
        if let valueMap {
            if let mapped = valueMap.value(forUTF8: work.bytes) { return mapped }
            if let defaultValue { return defaultValue }
        } else if work.isEmpty, let defaultValue {
            return defaultValue
        }
        return work.string
    }

    /// The key a value is looked up under in `map:` (and stored under at load): trimmed, lower-cased.
    static func mapKey(_ text: String) -> String {
        Transform.lowercased(text.trimmingSpaces())
    }

    private func appendRawValue(_ record: borrowing RecordSlots, to work: inout UTF8Buffer, problem: inout SlotProblem?) {
        switch source {
        case .constant(let text):
            work.append(text)
        case .path(let path):
            FieldRule.appendText(at: path, of: record, to: &work, problem: &problem)
        case .firstOf(let paths):
            for path in paths {
                FieldRule.appendText(at: path, of: record, to: &work, problem: &problem)
                if !UTF8Text.isBlank(work.bytes) { return }
                work.removeAll()
            }
        case .template(let pieces):
            for piece in pieces {
                switch piece {
                case .literal(let literal): work.append(literal)
                case .path(let path): FieldRule.appendText(at: path, of: record, to: &work, problem: &problem)
                }
            }
        }
    }

    private static func appendText(at path: SlotPath, of record: borrowing RecordSlots, to work: inout UTF8Buffer, problem: inout SlotProblem?) {
        switch record[path.slot] {
        case .text(let start, let end): work.append(record.text.bytes(start..<end))
        case .missing: break
        case .list: problem = SlotProblem(path: path, isList: true)
        case .object: problem = SlotProblem(path: path, isList: false)
        }
    }
}

/// Which records a mapping keeps: every `include` rule must hold and no `exclude` rule may.
struct RecordFilter: Sendable {
    /// A class so that checking it retains one reference rather than copying its test's payload.
    final class Rule: Sendable {
        enum Test: Sendable {
            /// Case-insensitive equality with a lower-cased text.
            case equals(String)
            /// Case-insensitive membership in lower-cased texts.
            case oneOf(Set<String>)
            /// Whether the value is present and not blank (`true`), or missing/blank (`false`).
            case exists(Bool)
            case regex(CompiledRegex)
        }

        let path: SlotPath
        let test: Test

        init(path: SlotPath, test: Test) {
            self.path = path
            self.test = test
        }

        func holds(for record: borrowing RecordSlots) -> Bool {
            let value = record[path.slot]
            if case .exists(let wanted) = test { return RecordFilter.isPresent(value, in: record) == wanted }
            guard case .text(let start, let end) = value else { return false }
            let bytes = record.text.bytes(start..<end)
            switch test {
            case .exists: return false
            case .equals(let expected): return RecordFilter.equalsIgnoringCase(bytes, lowercased: expected)
            case .oneOf(let expected): return expected.contains(String(decoding: bytes, as: UTF8.self).lowercased())
            case .regex(let regex): return regex.matches(String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    var include: [Rule] = []
    var exclude: [Rule] = []

    func admits(_ record: borrowing RecordSlots) -> Bool {
        for rule in include where !rule.holds(for: record) { return false }
        for rule in exclude where rule.holds(for: record) { return false }
        return true
    }

    /// `text.lowercased() == expected` for the text whose UTF-8 is `bytes`, without making a
    /// `String` when it is ASCII.
    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, lowercased expected: String) -> Bool {
        var expected = expected
        let asciiVerdict = expected.withUTF8 { wanted -> Bool? in
            guard UTF8Text.isASCII(wanted) else { return nil }
            guard bytes.count == wanted.count else { return UTF8Text.isASCII(bytes) ? false : nil }
            for index in bytes.indices {
                let byte = bytes[index]
                if byte >= 0x80 { return nil }
                if UTF8Text.lowercased(byte) != wanted[index] { return false }
            }
            return true
        }
        return asciiVerdict ?? (String(decoding: bytes, as: UTF8.self).lowercased() == expected)
    }

    /// Whether a value is there: not missing or `null`, not blank text, not an empty list or object.
    static func isPresent(_ value: SlotValue, in record: borrowing RecordSlots) -> Bool {
        switch value {
        case .missing: return false
        case .text(let start, let end):
            return !UTF8Text.isBlank(record.text.bytes(start..<end))
        case .list(let isEmpty), .object(let isEmpty): return !isEmpty
        }
    }
}
