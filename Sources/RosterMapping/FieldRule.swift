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

    /// A rule; `valueMap` holds `map:` keys as written (compared ignoring case and surrounding spaces).
    init(name: String, source: Source, transforms: [Transform], valueMap: [String: String]?, defaultValue: String?) {
        self.name = name
        self.source = source
        self.transforms = transforms
        self.valueMap = valueMap.map { table in FoldedTable(table.map { ($0.key, $0.value) }, fold: FieldRule.mapKey) }
        self.defaultValue = defaultValue
    }

    /// The mapped text for a record's `slots`; a path that holds an array or object sets `problem`.
    func evaluate(_ slots: [SlotValue], problem: inout SlotProblem?) -> String {
        var value = rawValue(slots, problem: &problem)
        // Through the buffer, transforms are applied in place; the array's subscript would copy each one.
        transforms.withUnsafeBufferPointer { steps in
            for index in steps.indices { value = steps[index].apply(value) }
        }
        if let valueMap {
            if let mapped = valueMap.value(for: value) { return mapped }
            return defaultValue ?? value
        }
        if value.isEmpty, let defaultValue { return defaultValue }
        return value
    }

    /// The key a value is looked up under in `map:` (and stored under at load): trimmed, lower-cased.
    static func mapKey(_ text: String) -> String {
        Transform.lowercased(text.trimmingSpaces())
    }

    /// Whether `text` is empty or only spaces, tabs, line breaks, NBSP or BOM; allocates nothing.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(isSpace)
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{A0}" || scalar == "\u{FEFF}"
    }

    private func rawValue(_ slots: [SlotValue], problem: inout SlotProblem?) -> String {
        switch source {
        case .constant(let text):
            return text
        case .path(let path):
            return FieldRule.text(at: path, in: slots, problem: &problem)
        case .firstOf(let paths):
            for path in paths {
                let text = FieldRule.text(at: path, in: slots, problem: &problem)
                if !FieldRule.isBlank(text) { return text }
            }
            return ""
        case .template(let pieces):
            var text = ""
            for piece in pieces {
                switch piece {
                case .literal(let literal): text += literal
                case .path(let path): text += FieldRule.text(at: path, in: slots, problem: &problem)
                }
            }
            return text
        }
    }

    private static func text(at path: SlotPath, in slots: [SlotValue], problem: inout SlotProblem?) -> String {
        switch slots[path.slot] {
        case .text(let text): return text
        case .missing: return ""
        case .list: problem = SlotProblem(path: path, isList: true)
        case .object: problem = SlotProblem(path: path, isList: false)
        }
        return ""
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

        func holds(for slots: [SlotValue]) -> Bool {
            let value = slots[path.slot]
            if case .exists(let wanted) = test { return RecordFilter.isPresent(value) == wanted }
            guard case .text(let text) = value else { return false }
            switch test {
            case .exists: return false
            case .equals(let expected): return RecordFilter.equalsIgnoringCase(text, lowercased: expected)
            case .oneOf(let expected): return expected.contains(text.lowercased())
            case .regex(let regex): return regex.matches(text)
            }
        }
    }

    var include: [Rule] = []
    var exclude: [Rule] = []

    func admits(_ slots: [SlotValue]) -> Bool {
        include.allSatisfy { $0.holds(for: slots) } && !exclude.contains { $0.holds(for: slots) }
    }

    /// `text.lowercased() == expected` without building the lower-cased copy for ASCII text.
    static func equalsIgnoringCase(_ text: String, lowercased expected: String) -> Bool {
        let asciiVerdict = Transform.withBytes(text) { bytes in
            Transform.withBytes(expected) { wanted -> Bool? in
                guard bytes.count == wanted.count else { return nil }
                for index in bytes.indices {
                    let byte = bytes[index]
                    if byte >= 0x80 { return nil }
                    if (byte &- 0x41 < 26 ? byte | 0x20 : byte) != wanted[index] { return false }
                }
                return true
            }
        }
        return asciiVerdict ?? (text.lowercased() == expected)
    }

    /// Whether a value is there: not missing or `null`, not blank text, not an empty list or object.
    static func isPresent(_ value: SlotValue) -> Bool {
        switch value {
        case .missing: return false
        case .text(let text): return !FieldRule.isBlank(text)
        case .list(let isEmpty), .object(let isEmpty): return !isEmpty
        }
    }
}
