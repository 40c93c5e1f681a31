public import RosterCore

/// One problem in a config file, located and with its fix:
/// `rostersync.yaml:7:5: error: unknown key 'licences' in catalog; did you mean 'licenses'?`
public typealias ConfigDiagnostic = FileDiagnostic

/// Every problem found in a config file; thrown once, after all were collected.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
