

/// A credential value (client secret, API token, private key) that never prints.
///
/// `description`, `debugDescription`, reflection and any `Encoder` all show `****`. The only way
/// to read the value is ``revealForTransport()``, called where request headers and bodies are built.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, Encodable
{
    private let value: String

    /// Wraps `value`. Prefer ``fromEnvironmentReference(_:environment:)`` for user configuration.
    public init(_ value: String) { self.value = value }

    /// The wrapped value, for building an HTTP header or form body. Never log or store the result.
    public func revealForTransport() -> String { value }

    /// Always `****`.
    public var description: String { "****" }
    /// Always `****`.
    public var debugDescription: String { "****" }
    /// Hides the stored value from `dump` and `Mirror`.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Encodes as the string `****`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode("****")
    }

    /// Resolves a configuration reference of the form `env:NAME` from `environment`.
    ///
    /// - Throws: ``SecretReferenceError`` when the reference is not `env:NAME` or the variable is
    ///   missing or empty. The error names the variable, never a value.
    public static func fromEnvironmentReference(
        _ reference: String, environment: [String: String]
    ) throws(SecretReferenceError) -> Secret {
        guard reference.hasPrefix("env:") else { throw .notAnEnvironmentReference }
        let name = String(reference.dropFirst(4))
        guard !name.isEmpty else { throw .notAnEnvironmentReference }
        guard let value = environment[name], !value.isEmpty else { throw .variableMissing(name) }
        return Secret(value)
    }
}

/// Why an `env:NAME` secret reference could not be resolved. Never carries the value.
public enum SecretReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reference was not written as `env:NAME` (secrets are never written inline).
    case notAnEnvironmentReference
    /// The environment variable is not set or is empty.
    case variableMissing(String)

    public var description: String {
        switch self {
        case .notAnEnvironmentReference:
            "secret reference must be written as env:NAME (an environment variable); inline secrets are not accepted"
        case .variableMissing(let name):
            "environment variable \(name) is not set or empty; export \(name) before running the job"
        }
    }
}
