import RosterCore
import Yams

/// Reads Yams nodes with their marks and collects diagnostics instead of stopping at the first.
struct YAMLReader {
    let path: String
    private(set) var diagnostics: [ConnectorDiagnostic] = []

    init(path: String) { self.path = path }

    func location(of node: Node) -> FileLocation {
        FileLocation(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    mutating func report(_ message: String, at node: Node, keyPath: String) {
        diagnostics.append(ConnectorDiagnostic(location: location(of: node), keyPath: keyPath, message: message))
    }

    mutating func report(_ message: String, at location: FileLocation, keyPath: String) {
        diagnostics.append(ConnectorDiagnostic(location: location, keyPath: keyPath, message: message))
    }

    /// `node` as a mapping, or a diagnostic.
    mutating func mapping(_ node: Node, keyPath: String) -> Node.Mapping? {
        if case .mapping(let mapping) = node { return mapping }
        report("'\(keyPath)' must be a mapping of keys to values", at: node, keyPath: keyPath)
        return nil
    }

    /// Reports every key of `mapping` not in `allowed`, with a suggestion.
    mutating func checkKeys(_ mapping: Node.Mapping, allowed: [String], keyPath: String) {
        for (key, _) in mapping {
            let name = key.string ?? ""
            guard !allowed.contains(name) else { continue }
            let where_ = keyPath.isEmpty ? "" : " in '\(keyPath)'"
            report("unknown key '\(name)'\(where_)" + Suggestion.hint(for: name, among: allowed), at: key, keyPath: join(keyPath, name))
        }
    }

    func join(_ keyPath: String, _ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

    /// The value under `key`, reporting it when required and absent.
    mutating func value(_ mapping: Node.Mapping, _ key: String, keyPath: String, required: Bool, owner: Node) -> Node? {
        if let found = mapping[key] { return found }
        if required { report("missing required key '\(join(keyPath, key))'", at: owner, keyPath: join(keyPath, key)) }
        return nil
    }

    /// A scalar string under `key`.
    mutating func string(_ mapping: Node.Mapping, _ key: String, keyPath: String, required: Bool = false, owner: Node) -> String? {
        guard let node = value(mapping, key, keyPath: keyPath, required: required, owner: owner) else { return nil }
        guard case .scalar(let scalar) = node else {
            report("'\(join(keyPath, key))' must be a single value, not a list or mapping", at: node, keyPath: join(keyPath, key))
            return nil
        }
        return scalar.string
    }

    /// A template string under `key`, with placeholder syntax checked.
    mutating func template(_ mapping: Node.Mapping, _ key: String, keyPath: String, required: Bool = false, owner: Node) -> TemplateString? {
        guard let text = string(mapping, key, keyPath: keyPath, required: required, owner: owner), let node = mapping[key] else {
            return nil
        }
        return template(text, at: node, keyPath: join(keyPath, key))
    }

    /// Parses a template from scalar text written at `node`.
    mutating func template(_ text: String, at node: Node, keyPath: String) -> TemplateString? {
        do {
            return try TemplateString.parse(text, location: location(of: node))
        } catch {
            report(error.message, at: node, keyPath: keyPath)
            return nil
        }
    }

    /// An integer under `key` within `range`.
    mutating func int(_ mapping: Node.Mapping, _ key: String, keyPath: String, range: ClosedRange<Int>) -> Int? {
        guard let node = mapping[key] else { return nil }
        guard let number = node.int, range.contains(number) else {
            report("'\(join(keyPath, key))' must be a whole number from \(range.lowerBound) to \(range.upperBound)", at: node, keyPath: join(keyPath, key))
            return nil
        }
        return number
    }

    /// A non-negative number under `key`.
    mutating func seconds(_ mapping: Node.Mapping, _ key: String, keyPath: String) -> Double? {
        guard let node = mapping[key] else { return nil }
        guard let number = node.float ?? node.int.map(Double.init), number >= 0 else {
            report("'\(join(keyPath, key))' must be a number of seconds, 0 or more", at: node, keyPath: join(keyPath, key))
            return nil
        }
        return number
    }

    /// A boolean under `key`.
    mutating func bool(_ mapping: Node.Mapping, _ key: String, keyPath: String) -> Bool? {
        guard let node = mapping[key] else { return nil }
        guard let flag = node.bool else {
            report("'\(join(keyPath, key))' must be true or false", at: node, keyPath: join(keyPath, key))
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
