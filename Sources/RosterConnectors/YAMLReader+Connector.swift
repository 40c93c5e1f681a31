import RosterCore
import RosterYAML
import Yams

/// Connector-file readings on top of the shared reader: values looked up by key path, so messages
/// name them as `'streams[0].paginator.limit'`.
extension YAMLReader {
    func location(of node: Node) -> FileLocation {
        FileLocation(path: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// Records `message` at `location`.
    mutating func error(_ location: FileLocation, _ message: String) {
        error(line: location.line, column: location.column, message)
    }

    /// How messages name the value at `keyPath`.
    func what(_ keyPath: String) -> String { keyPath.isEmpty ? "the connector file" : "'\(keyPath)'" }

    /// `node` as a mapping, or a diagnostic.
    mutating func mapping(_ node: Node, keyPath: String) -> Node.Mapping? {
        if case .mapping(let mapping) = node { return mapping }
        error(node, "\(what(keyPath)) must be a mapping of key: value lines")
        return nil
    }

    /// Reports every key of `mapping` not in `allowed`, with a suggestion.
    mutating func checkKeys(_ mapping: Node.Mapping, allowed: [String], keyPath: String) {
        for (key, _) in mapping where !allowed.contains(key.string ?? "") {
            error(key, Self.unknownKeyMessage(key.string ?? "", allowed: allowed, in: what(keyPath)))
        }
    }

    func join(_ keyPath: String, _ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

    /// The value under `key`, reporting it when required and absent.
    mutating func value(_ mapping: Node.Mapping, _ key: String, keyPath: String, required: Bool, owner: Node) -> Node? {
        if let found = mapping[key] { return found }
        if required { error(owner, "missing required key '\(join(keyPath, key))'; add '\(key): …' to \(what(keyPath))") }
        return nil
    }

    /// A scalar string under `key`.
    mutating func string(_ mapping: Node.Mapping, _ key: String, keyPath: String, required: Bool = false, owner: Node) -> String? {
        guard let node = value(mapping, key, keyPath: keyPath, required: required, owner: owner) else { return nil }
        return scalar(node, "'\(join(keyPath, key))'")
    }

    /// A template string under `key`, with placeholder syntax checked.
    mutating func template(_ mapping: Node.Mapping, _ key: String, keyPath: String, required: Bool = false, owner: Node) -> TemplateString? {
        guard let text = string(mapping, key, keyPath: keyPath, required: required, owner: owner), let node = mapping[key] else {
            return nil
        }
        return template(text, at: node)
    }

    /// Parses a template from scalar text written at `node`.
    mutating func template(_ text: String, at node: Node) -> TemplateString? {
        do {
            return try TemplateString.parse(text, location: location(of: node))
        } catch {
            self.error(node, error.message)
            return nil
        }
    }

    /// An integer under `key` within `range`.
    mutating func int(_ mapping: Node.Mapping, _ key: String, keyPath: String, range: ClosedRange<Int>) -> Int? {
        guard let node = mapping[key] else { return nil }
        guard let number = node.int, range.contains(number) else {
            error(node, "'\(join(keyPath, key))' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    /// A non-negative number under `key`.
    mutating func seconds(_ mapping: Node.Mapping, _ key: String, keyPath: String) -> Double? {
        guard let node = mapping[key] else { return nil }
        guard let number = node.float ?? node.int.map(Double.init), number >= 0 else {
            error(node, "'\(join(keyPath, key))' must be a number of seconds, 0 or more")
            return nil
        }
        return number
    }

    /// A boolean under `key`.
    mutating func bool(_ mapping: Node.Mapping, _ key: String, keyPath: String) -> Bool? {
        guard let node = mapping[key] else { return nil }
        guard let flag = node.bool else {
            error(node, "'\(join(keyPath, key))' must be true or false")
            return nil
        }
        return flag
    }

    /// A scalar as a JSON value, using YAML's plain-scalar typing.
    func jsonValue(_ node: Node) -> JSONValue {
        if node.null != nil { return .null }
        if let flag = node.bool { return .bool(flag) }
        if let number = node.int { return .number(Double(number)) }
        if let number = node.float { return .number(number) }
        return .string(node.string ?? "")
    }

    /// A sequence's items, or a single value as a one-item list.
    func items(_ node: Node) -> [Node] {
        if case .sequence(let sequence) = node { return Array(sequence) }
        return [node]
    }
}
