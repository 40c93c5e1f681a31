package import RosterCore
package import Yams

/// One key of a YAML mapping with the nodes it came from, for located messages.
package typealias YAMLPair = (key: String, keyNode: Node, value: Node)

/// Reads the YAML files people write (the config, connector files, mapping files) and collects
/// located diagnostics in one wording, instead of stopping at the first problem.
///
/// Every message reads `file:line:column: error: what is wrong; what to write instead`. Composing
/// goes through ``YAMLLimits``, so no file can make a walker expand aliases without bound.
package struct YAMLReader {
    /// The file as the caller named it, for messages.
    package let file: String
    /// What one document may cost.
    package let limits: YAMLLimits
    /// Every problem found so far, in the order found.
    package private(set) var diagnostics: [FileDiagnostic] = []

    /// A reader for `file`.
    package init(file: String, limits: YAMLLimits = .standard) {
        self.file = file
        self.limits = limits
    }

    /// Composes `text` into one node tree; `nil` for an empty document. A syntax error, a duplicate
    /// key or a document beyond ``limits`` becomes a located diagnostic and `nil`.
    package mutating func compose(_ text: String) -> Node? {
        if text.utf8.count > limits.maxBytes {
            error(line: 1, column: 1, "the file is \(text.utf8.count) bytes, more than the \(limits.maxBytes) a YAML file may have; split it or remove unused parts")
            return nil
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            diagnostics.append(syntaxDiagnostic(error))
            return nil
        }
        guard let root else { return nil }
        if let excess = limits.excess(in: root) {
            self.error(excess.node, excess.message)
            return nil
        }
        return root
    }

    /// Records `message` at `node`'s position (1:1 without a node).
    package mutating func error(_ node: Node?, _ message: String) {
        error(line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message)
    }

    /// Records `message` at `line`:`column`.
    package mutating func error(line: Int, column: Int, _ message: String) {
        diagnostics.append(FileDiagnostic(file: file, line: line, column: column, message: message))
    }

    /// The key/value pairs of a mapping node; `what` names the node in messages ("the mapping
    /// file", "'auth'"). Reports a node that is not a mapping, and skips keys that are not plain text.
    package mutating func pairs(_ node: Node, _ what: String) -> [YAMLPair]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping of key: value lines")
            return nil
        }
        var result: [YAMLPair] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(keyNode, "keys in \(what) must be plain text")
                continue
            }
            result.append((scalar.string, keyNode, value))
        }
        return result
    }

    /// Reports each pair whose key is not in `allowed`, with a did-you-mean and the valid keys.
    package mutating func rejectUnknownKeys(_ pairs: [YAMLPair], allowed: [String], in what: String) {
        for pair in pairs where !allowed.contains(pair.key) {
            error(pair.keyNode, Self.unknownKeyMessage(pair.key, allowed: allowed, in: what))
        }
    }

    /// The pairs of `node` whose keys are in `allowed` (all when `allowed` is `nil`); the others are reported.
    package mutating func entries(_ node: Node, _ what: String, allowed: [String]?) -> [YAMLPair] {
        guard let pairs = pairs(node, what) else { return [] }
        guard let allowed else { return pairs }
        rejectUnknownKeys(pairs, allowed: allowed, in: what)
        return pairs.filter { allowed.contains($0.key) }
    }

    /// A scalar's text; a list or mapping is reported.
    package mutating func scalar(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(node, "\(what) must be a single value, not a list or mapping")
            return nil
        }
        return scalar.string
    }

    /// `unknown key 'x' in WHAT; did you mean 'y'? valid keys: a, b`.
    package static func unknownKeyMessage(_ key: String, allowed: [String], in what: String) -> String {
        "unknown key '\(key)' in \(what);\(Suggestions.didYouMean(key, in: allowed)) valid keys: \(allowed.joined(separator: ", "))"
    }

    /// A Yams error as a located diagnostic.
    private func syntaxDiagnostic(_ error: any Error) -> FileDiagnostic {
        guard let yamlError = error as? YamlError else {
            return FileDiagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(error); save the file as UTF-8 YAML text")
        }
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return FileDiagnostic(file: file, line: mark.line, column: mark.column,
                                  message: "invalid YAML: \(problem); check indentation, colons and quotes on this line")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return FileDiagnostic(file: file, line: context.mark.line, column: context.mark.column,
                                  message: "key \(names) appears twice in the same mapping; keep one of them")
        case .reader(let problem, _, _, _):
            return FileDiagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(problem); save the file as UTF-8 text")
        default:
            return FileDiagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(yamlError)")
        }
    }
}
