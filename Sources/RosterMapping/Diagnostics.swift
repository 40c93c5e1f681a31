public import RosterCore

/// One problem found while loading a mapping file, located at `file:line:column`.
public typealias MappingDiagnostic = FileDiagnostic

/// Every problem found in one mapping file; thrown by ``MappingFile/load(path:)`` and
/// ``MappingFile/parse(yaml:path:)`` when the file cannot be used.
///
/// Loading collects all diagnostics instead of stopping at the first, so an administrator
/// fixes a file in one pass.
public struct MappingDiagnostics: Error, Sendable, CustomStringConvertible {
    /// The diagnostics in file order.
    public var diagnostics: [MappingDiagnostic]

    /// Wraps `diagnostics`, sorted by position.
    public init(_ diagnostics: [MappingDiagnostic]) {
        self.diagnostics = diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// One `file:line:col: error: message` line per diagnostic.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
