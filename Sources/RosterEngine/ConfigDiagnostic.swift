public import RosterCore
package import Yams

/// One problem in a config file, located and with its fix:
/// `rostersync.yaml:7:5: error: unknown key 'licences' in catalog; did you mean 'licenses'?`
public typealias ConfigDiagnostic = FileDiagnostic

/// Every problem found in a config file; thrown once, after all were collected.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Walks a composed YAML tree and collects located diagnostics.
package struct YAMLReader {
    package let file: String
    package private(set) var diagnostics: [ConfigDiagnostic] = []

    package init(file: String) { self.file = file }

    /// Composes `text`; a syntax error becomes a located diagnostic and `nil`.
    package mutating func compose(_ text: String) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let (mark, problem): (Mark?, String) = switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                (mark, problem)
            default:
                (nil, "\(error)")
            }
            diagnostics.append(ConfigDiagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                                message: "YAML syntax: \(problem); check indentation and quoting"))
        } catch {
            diagnostics.append(ConfigDiagnostic(file: file, line: 1, column: 1, message: "cannot read YAML: \(error)"))
        }
        return nil
    }

    package mutating func error(_ node: Node?, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message))
    }

    /// The entries of a mapping node; reports unknown keys (with did-you-mean) against `allowed`.
    package mutating func entries(_ node: Node, at path: String, allowed: [String]?) -> [(key: String, keyNode: Node, value: Node)] {
        guard let mapping = node.mapping else {
            error(node, "'\(path)' must be a mapping of key: value lines")
            return []
        }
        var result: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            if let allowed, !allowed.contains(key) {
                let hint = Suggestions.closest(to: key, in: allowed).map { "did you mean '\($0)'?" } ?? "allowed keys: \(allowed.joined(separator: ", "))"
                error(keyNode, "unknown key '\(key)' in \(path); \(hint)")
                continue
            }
            result.append((key, keyNode, value))
        }
        return result
    }

    /// A scalar's text, or a diagnostic when the node is a list or mapping.
    package mutating func string(_ node: Node, at path: String) -> String? {
        guard let scalar = node.scalar else {
            error(node, "'\(path)' must be a single value, not a list or mapping")
            return nil
        }
        return scalar.string
    }
}
