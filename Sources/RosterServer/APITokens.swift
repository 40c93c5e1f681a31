public import Crypto
public import Foundation
public import RosterEngine

/// The API tokens the server accepts, resolved from the config once at start.
public struct APITokens: Sendable {
    private struct Entry: Sendable {
        var name: String
        var scope: APITokenConfig.Scope
        var check: Check
    }

    private enum Check: Sendable {
        case plain([UInt8])
        case salted(salt: String, digest: [UInt8])
    }

    private let entries: [Entry]

    /// Resolves `tokens`, reading `env:` references from `environment`.
    /// - Throws: ``ConfigError`` naming the token whose environment variable is unset or empty.
    public init(_ tokens: [APITokenConfig], environment: [String: String], configFile: String) throws {
        var diagnostics: [ConfigDiagnostic] = []
        var entries: [Entry] = []
        for token in tokens {
            switch token.credential {
            case .environment(let variable):
                guard let value = environment[variable], !value.isEmpty else {
                    diagnostics.append(ConfigDiagnostic(
                        file: configFile, line: token.line, column: 1,
                        message: "API token '\(token.name)': environment variable \(variable) is not set; export it before `rostersync serve --http`"))
                    continue
                }
                entries.append(Entry(name: token.name, scope: token.scope, check: .plain(Array(value.utf8))))
            case .sha256(let salt, let hex):
                entries.append(Entry(name: token.name, scope: token.scope, check: .salted(salt: salt, digest: Self.bytes(hex: hex))))
            }
        }
        guard diagnostics.isEmpty else { throw ConfigError(diagnostics) }
        self.entries = entries
    }

    /// No token configured: the API answers 401 to everything but `/healthz`.
    public var isEmpty: Bool { entries.isEmpty }

    /// The name and scope of the token `presented`, or `nil` when it matches none.
    public func caller(for presented: String) -> (name: String, scope: APITokenConfig.Scope)? {
        let bytes = Array(presented.utf8)
        for entry in entries {
            switch entry.check {
            case .plain(let expected):
                if Self.constantTimeEqual(bytes, expected) { return (entry.name, entry.scope) }
            case .salted(let salt, let digest):
                if Self.constantTimeEqual(Self.digest(salt: salt, token: presented), digest) { return (entry.name, entry.scope) }
            }
        }
        return nil
    }

    /// A new random token and the `sha256:` value to put in the config for it.
    public static func create() -> (token: String, sha256: String) {
        let token = "rs_" + randomHex(bytes: 24)
        let salt = randomHex(bytes: 8)
        let hex = digest(salt: salt, token: token).map { String(format: "%02x", $0) }.joined()
        return (token, "\(salt)$\(hex)")
    }

    /// `count` random bytes as lower-case hex.
    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    private static func digest(salt: String, token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data((salt + token).utf8)))
    }

    private static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    /// Compares without stopping at the first difference, so timing tells nothing about the token.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
