import RosterCore
/// A position in a connector file, as `path:line:column` (1-based, libYAML columns).
public struct FileLocation: Sendable, Hashable, CustomStringConvertible {
    /// The connector file path as given to the loader.
    public var path: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    /// Creates a location.
    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String { "\(path):\(line):\(column)" }
}

/// One problem in a connector file: where, what, and what to write instead.
///
/// Prints as `connectors/x.yaml:12:5: error: unknown key 'pagnator'; did you mean 'paginator'?`.
public struct ConnectorDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var location: FileLocation
    /// Dotted key path, e.g. `streams[0].paginator.type`.
    public var keyPath: String
    /// What is wrong and the fix. Never contains a secret value.
    public var message: String

    /// Creates a diagnostic.
    public init(location: FileLocation, keyPath: String, message: String) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String { "\(location): error: \(message)" }
}

/// A connector file could not be loaded or resolved; carries every diagnostic found.
public struct ConnectorFileError: Error, Sendable, CustomStringConvertible {
    /// All problems found, in file order.
    public var diagnostics: [ConnectorDiagnostic]

    /// Creates an error from collected diagnostics.
    public init(diagnostics: [ConnectorDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Suggestion helpers for unknown keys and kinds.
enum Suggestion {
    /// `; did you mean 'x'?` for the closest candidate, else `; use one of: a, b, c`.
    static func hint(for word: String, among candidates: [String]) -> String {
        Suggestions.closest(to: word, in: candidates).map { "; did you mean '\($0)'?" }
            ?? "; use one of: " + candidates.joined(separator: ", ")
    }
}
