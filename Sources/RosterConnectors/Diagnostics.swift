public import RosterCore
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

/// One problem in a connector file: where, what, and what to write instead, printed like every
/// file diagnostic: `connectors/x.yaml:12:5: error: unknown key 'pagnator' in the connector file; did you mean 'paginator'? …`.
public typealias ConnectorDiagnostic = FileDiagnostic

extension FileDiagnostic {
    /// A diagnostic at a connector-file location.
    init(at location: FileLocation, _ message: String) {
        self.init(file: location.path, line: location.line, column: location.column, message: message)
    }
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
