public import RosterCore

/// How one template column or custom attribute gets its value from a record, compiled at load time.
///
/// Evaluation order: source → `transforms` in order → `map` (case-insensitive) → `default`.
struct FieldRule: Sendable {
    /// Where the raw value comes from.
    enum Source: Sendable {
        case path(SourcePath)
        case constant(String)
        /// The first path whose value is not blank.
        case firstOf([SourcePath])
        /// Literal text with `{{path}}` placeholders.
        case template([TemplatePiece])
    }

    enum TemplatePiece: Sendable {
        case literal(String)
        case path(SourcePath)
    }

    var source: Source
    var transforms: [Transform] = []
    /// Lower-cased, trimmed keys → replacement; `nil` when the rule has no `map:`.
    var valueMap: [String: String]?
    /// Used when the value is empty, or when `map:` is set and has no entry for the value.
    var defaultValue: String?

    /// The mapped text for `record`; a path that holds an array or object adds a reason to `problem`.
    func evaluate(_ record: JSONValue, problem: inout String?) -> String {
        var value = rawValue(record, problem: &problem)
        for transform in transforms { value = transform.apply(value) }
        if let valueMap {
            if let mapped = valueMap[FieldRule.mapKey(value)] { return mapped }
            return defaultValue ?? value
        }
        if value.isEmpty, let defaultValue { return defaultValue }
        return value
    }

    /// The key a value is looked up under in `map:` (and stored under at load): trimmed, lower-cased.
    static func mapKey(_ text: String) -> String { text.trimmingSpaces().lowercased() }

    private func rawValue(_ record: JSONValue, problem: inout String?) -> String {
        switch source {
        case .constant(let text):
            return text
        case .path(let path):
            return FieldRule.text(at: path, in: record, problem: &problem)
        case .firstOf(let paths):
            for path in paths {
                let text = FieldRule.text(at: path, in: record, problem: &problem)
                if !text.trimmingSpaces().isEmpty { return text }
            }
            return ""
        case .template(let pieces):
            var text = ""
            for piece in pieces {
                switch piece {
                case .literal(let literal): text += literal
                case .path(let path): text += FieldRule.text(at: path, in: record, problem: &problem)
                }
            }
            return text
        }
    }

    private static func text(at path: SourcePath, in record: JSONValue, problem: inout String?) -> String {
        guard let value = path.resolve(in: record) else { return "" }
        if let text = value.mappedText { return text }
        let kind = if case .array = value { "a list; index it, e.g. \(path).0" } else { "an object; name a key inside it, e.g. \(path).name" }
        problem = "path '\(path)' holds \(kind)"
        return ""
    }
}

/// Which records a mapping keeps: every `include` rule must hold and no `exclude` rule may.
struct RecordFilter: Sendable {
    struct Rule: Sendable {
        enum Test: Sendable {
            /// Case-insensitive equality with a lower-cased text.
            case equals(String)
            /// Case-insensitive membership in lower-cased texts.
            case oneOf(Set<String>)
            /// Whether the value is present and not blank (`true`), or missing/blank (`false`).
            case exists(Bool)
            case regex(CompiledRegex)
        }

        var path: SourcePath
        var test: Test

        func holds(for record: JSONValue) -> Bool {
            let value = path.resolve(in: record)
            switch test {
            case .exists(let wanted):
                return RecordFilter.isPresent(value) == wanted
            case .equals(let expected):
                return value?.mappedText.map { $0.lowercased() == expected } ?? false
            case .oneOf(let expected):
                return value?.mappedText.map { expected.contains($0.lowercased()) } ?? false
            case .regex(let regex):
                return value?.mappedText.map(regex.matches) ?? false
            }
        }
    }

    var include: [Rule] = []
    var exclude: [Rule] = []

    func admits(_ record: JSONValue) -> Bool {
        include.allSatisfy { $0.holds(for: record) } && !exclude.contains { $0.holds(for: record) }
    }

    static func isPresent(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .array(let items)?: return !items.isEmpty
        case .object(let members)?: return !members.isEmpty
        case let scalar?: return !(scalar.mappedText ?? "").trimmingSpaces().isEmpty
        }
    }
}
