import Yams

/// Column, attribute and filter rules: the part of the loader that compiles values.
extension MappingLoader {
    static let ruleKeys = ["path", "constant", "first_of", "template", "transforms", "map", "default"]
    static let sourceKeys = ["path", "constant", "first_of", "template"]
    static let filterKeys = ["include", "exclude"]
    static let filterRuleKeys = ["path", "equals", "in", "exists", "regex"]

    /// Compiles the rule for the column or attribute `name`; `what` names it in messages.
    mutating func loadRule(_ node: Node, name: String, _ what: String) -> FieldRule? {
        guard case .mapping = node else {
            let text = node.scalar?.string ?? "fieldName"
            error(node, "\(what) needs a rule, not a bare value; write {path: \(text)} to read a source field or {constant: \(text)} for fixed text")
            return nil
        }
        guard let entries = pairs(node, what) else { return nil }
        rejectUnknownKeys(entries, allowed: Self.ruleKeys, in: what)
        let sources = entries.filter { Self.sourceKeys.contains($0.key) }
        guard let sourceEntry = sources.first else {
            error(node, "\(what) has no source; add one of: path:, constant:, first_of:, template:")
            return nil
        }
        if sources.count > 1 {
            error(sources[1].keyNode, "\(what) has both \(sources[0].key): and \(sources[1].key):; keep one source")
        }
        var valid = true
        var source = FieldRule.Source.constant("")
        switch sourceEntry.key {
        case "path":
            if let path = sourcePath(sourceEntry.value, "\(what) path") { source = .path(path) } else { valid = false }
        case "constant":
            if let text = scalarText(sourceEntry.value, "\(what) constant") { source = .constant(text) } else { valid = false }
        case "first_of":
            if let paths = loadFirstOf(sourceEntry.value, what) { source = .firstOf(paths) } else { valid = false }
        default:
            if let pieces = loadTemplate(sourceEntry.value, what) { source = .template(pieces) } else { valid = false }
        }
        var transforms: [Transform] = []
        var valueMap: [String: String]?
        var defaultValue: String?
        for entry in entries {
            switch entry.key {
            case "transforms":
                if let loaded = loadTransforms(entry.value, what) { transforms = loaded } else { valid = false }
            case "map":
                if let loaded = loadValueMap(entry.value, what) { valueMap = loaded } else { valid = false }
            case "default":
                if let text = scalarText(entry.value, "\(what) default") { defaultValue = text } else { valid = false }
            default:
                break
            }
        }
        guard valid else { return nil }
        return FieldRule(name: name, source: source, transforms: transforms, valueMap: valueMap, defaultValue: defaultValue)
    }

    private mutating func loadFirstOf(_ node: Node, _ what: String) -> [SlotPath]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            error(node, "\(what) first_of must be a list of paths, e.g. first_of: [mail, userPrincipalName]")
            return nil
        }
        let paths = items.compactMap { sourcePath($0, "\(what) first_of") }
        return paths.count == items.count ? paths : nil
    }

    /// Splits `"{{firstName}} {{lastName}}"` into literal text and compiled paths.
    private mutating func loadTemplate(_ node: Node, _ what: String) -> [FieldRule.TemplatePiece]? {
        guard let text = scalarText(node, "\(what) template") else { return nil }
        var pieces: [FieldRule.TemplatePiece] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                error(node, "\(what) template has '{{' without '}}'; close every placeholder, e.g. \"{{firstName}} {{lastName}}\"")
                return nil
            }
            let inner = String(rest[open.upperBound..<close.lowerBound]).trimmingSpaces()
            do {
                pieces.append(.path(slotCatalog.slot(for: try SourcePath(parsing: inner))))
            } catch {
                self.error(node, "\(what) template placeholder {{\(inner)}}: \(error.description)")
                return nil
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        guard pieces.contains(where: { if case .path = $0 { true } else { false } }) else {
            error(node, "\(what) template has no {{path}} placeholder; use constant: for fixed text")
            return nil
        }
        return pieces
    }

    /// `map:` entries under their keys as written; duplicates ignoring case are reported.
    private mutating func loadValueMap(_ node: Node, _ what: String) -> [String: String]? {
        guard let entries = pairs(node, "\(what) map") else { return nil }
        var result: [String: String] = [:]
        var firstSpelling: [String: String] = [:]
        for entry in entries {
            let key = FieldRule.mapKey(entry.key)
            if let earlier = firstSpelling[key] {
                error(entry.keyNode, "\(what) map has '\(entry.key)' and '\(earlier)', which are the same key (keys ignore case); keep one")
                continue
            }
            guard let value = scalarText(entry.value, "\(what) map value for '\(entry.key)'") else { continue }
            firstSpelling[key] = entry.key
            result[entry.key] = value
        }
        return result
    }

    mutating func loadFilter(_ node: Node) -> RecordFilter {
        guard let entries = pairs(node, "filter:") else { return RecordFilter() }
        rejectUnknownKeys(entries, allowed: Self.filterKeys, in: "filter:")
        var filter = RecordFilter()
        for entry in entries {
            guard case .sequence(let items) = entry.value else {
                error(entry.value, "filter \(entry.key): must be a list of rules, e.g. - {path: accountEnabled, equals: true}")
                continue
            }
            let rules = items.compactMap { loadFilterRule($0, "filter \(entry.key) rule") }
            if entry.key == "include" { filter.include = rules } else if entry.key == "exclude" { filter.exclude = rules }
        }
        return filter
    }

    private mutating func loadFilterRule(_ node: Node, _ what: String) -> RecordFilter.Rule? {
        guard let entries = pairs(node, what) else { return nil }
        rejectUnknownKeys(entries, allowed: Self.filterRuleKeys, in: what)
        guard let pathEntry = entries.first(where: { $0.key == "path" }) else {
            error(node, "\(what) has no path:; write e.g. {path: accountEnabled, equals: true}")
            return nil
        }
        let tests = entries.filter { $0.key != "path" && Self.filterRuleKeys.contains($0.key) }
        guard let testEntry = tests.first else {
            error(node, "\(what) has no test; add one of: equals:, in:, exists:, regex:")
            return nil
        }
        if tests.count > 1 {
            error(tests[1].keyNode, "\(what) has both \(tests[0].key): and \(tests[1].key):; write one rule per test")
        }
        guard let path = sourcePath(pathEntry.value, "\(what) path") else { return nil }
        switch testEntry.key {
        case "equals":
            return scalarText(testEntry.value, "\(what) equals").map { .init(path: path, test: .equals($0.lowercased())) }
        case "in":
            guard case .sequence(let items) = testEntry.value else {
                error(testEntry.value, "\(what) in: must be a list, e.g. in: [agent, admin]")
                return nil
            }
            let values = items.compactMap { scalarText($0, "\(what) in: item")?.lowercased() }
            return .init(path: path, test: .oneOf(Set(values)))
        case "exists":
            guard let flag = testEntry.value.bool else {
                error(testEntry.value, "\(what) exists: must be true or false")
                return nil
            }
            return .init(path: path, test: .exists(flag))
        default:
            return compileRegex(testEntry.value, "\(what) regex").map { .init(path: path, test: .regex($0)) }
        }
    }

    mutating func compileRegex(_ node: Node, _ what: String) -> CompiledRegex? {
        guard let pattern = scalarText(node, what) else { return nil }
        do {
            return try CompiledRegex(pattern)
        } catch {
            self.error(node, "\(what): '\(pattern)' is not a valid regular expression (ICU syntax); check brackets, parentheses and escapes, and quote it in single quotes so YAML keeps backslashes")
            return nil
        }
    }
}
