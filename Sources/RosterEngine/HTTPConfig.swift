import Foundation
import RosterYAML
import Yams

/// Who may call the HTTP API (`rostersync serve --http`), read from `api_tokens:` in
/// `rostersync.yaml`, and the `http:` settings (docs/http-api.md).
///
/// ```yaml
/// api_tokens:
///   - { name: ci, token: env:ROSTERSYNC_CI_TOKEN, scope: write }
///   - { name: dashboard, sha256: "9f2c…$5e88…", scope: read }   # from `rostersync token create dashboard`
/// http:
///   upload_limit_mb: 50
///   admin_password: { bcrypt: "$2b$12$…" }   # from `rostersync token hash-password`
/// ```
public struct HTTPConfig: Sendable, Equatable {
    /// Tokens in file order; names are unique.
    public var tokens: [APITokenConfig] = []
    /// The largest upload `POST /api/imports` accepts, in bytes.
    public var uploadLimit = 50 * 1024 * 1024
    /// The bcrypt hash of the console's admin password (`$2b$…`, 60 characters); `nil` when the
    /// console signs in with API tokens only. Never printed.
    public var adminPasswordHash: String?

    public init(tokens: [APITokenConfig] = [], uploadLimit: Int = 50 * 1024 * 1024, adminPasswordHash: String? = nil) {
        self.tokens = tokens
        self.uploadLimit = uploadLimit
        self.adminPasswordHash = adminPasswordHash
    }
}

/// One API token of the config: its name, how the secret is known and what it may do.
public struct APITokenConfig: Sendable, Equatable {
    /// What a token may do.
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        /// View users, jobs, runs and reports.
        case read
        /// Also upload files and start runs.
        case write
    }

    /// How the server knows the token.
    public enum Credential: Sendable, Equatable {
        /// The token itself is in this environment variable (`token: env:NAME`).
        case environment(String)
        /// SHA-256 of salt + token, hex (`sha256: SALT$HEX`): the token is not stored anywhere.
        case sha256(salt: String, hex: String)
    }

    public var name: String
    public var credential: Credential
    public var scope: Scope
    /// The config line of the token, for messages.
    public var line: Int

    public init(name: String, credential: Credential, scope: Scope, line: Int = 1) {
        self.name = name
        self.credential = credential
        self.scope = scope
        self.line = line
    }
}

extension HTTPConfig {
    /// Parses the `api_tokens:` list into `config`.
    static func parseTokens(_ node: Node, into config: inout HTTPConfig, _ reader: inout YAMLReader) {
        guard let items = node.sequence else {
            reader.error(node, "'api_tokens' must be a list, each item like '- { name: ci, token: env:ROSTERSYNC_CI_TOKEN, scope: write }'")
            return
        }
        for item in items {
            var fields: [String: Node] = [:]
            for (key, _, value) in reader.entries(item, "an API token", allowed: ["name", "token", "sha256", "scope"]) { fields[key] = value }
            func text(_ key: String) -> String? { fields[key].flatMap { reader.scalar($0, "'\(key)'") } }
            guard let name = text("name"), !name.isEmpty else {
                reader.error(item, "an API token needs 'name: …' (who uses it, e.g. ci or dashboard)")
                continue
            }
            if config.tokens.contains(where: { $0.name == name }) {
                reader.error(fields["name"], "two API tokens are named '\(name)'; give each token its own name")
            }
            let scopeText = text("scope") ?? "read"
            guard let scope = APITokenConfig.Scope(rawValue: scopeText) else {
                reader.error(fields["scope"], "API token '\(name)': scope must be read or write, not '\(scopeText)'")
                continue
            }
            let credential: APITokenConfig.Credential
            switch (text("token"), text("sha256")) {
            case (let reference?, nil):
                guard reference.hasPrefix("env:"), reference.count > 4 else {
                    reader.error(fields["token"], "API token '\(name)': token must be an environment reference like env:ROSTERSYNC_CI_TOKEN, never the token itself; or use sha256: from `rostersync token create \(name)`")
                    continue
                }
                credential = .environment(String(reference.dropFirst(4)))
            case (nil, let hashed?):
                let parts = hashed.split(separator: "$", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else {
                    reader.error(fields["sha256"], "API token '\(name)': sha256 must be SALT$HEX (64 hex digits) as `rostersync token create \(name)` prints it")
                    continue
                }
                credential = .sha256(salt: String(parts[0]), hex: parts[1].lowercased())
            default:
                reader.error(item, "API token '\(name)' needs exactly one of 'token: env:NAME' or 'sha256: SALT$HEX'")
                continue
            }
            config.tokens.append(APITokenConfig(name: name, credential: credential, scope: scope, line: item.mark?.line ?? 1))
        }
    }

    /// Parses the `http:` settings into `config`.
    static func parseSettings(_ node: Node, into config: inout HTTPConfig, _ reader: inout YAMLReader) {
        for (key, _, value) in reader.entries(node, "'http'", allowed: ["upload_limit_mb", "admin_password"]) {
            if key == "admin_password" {
                parseAdminPassword(value, into: &config, &reader)
                continue
            }
            guard let text = reader.scalar(value, "'http.upload_limit_mb'") else { continue }
            guard let megabytes = Int(text), megabytes > 0 else {
                reader.error(value, "http.upload_limit_mb must be a whole number of megabytes, e.g. 50; got '\(text)'")
                continue
            }
            config.uploadLimit = megabytes * 1024 * 1024
        }
    }

    /// Parses `admin_password: { bcrypt: "$2b$12$…" }`; the messages never show the value.
    private static func parseAdminPassword(_ node: Node, into config: inout HTTPConfig, _ reader: inout YAMLReader) {
        let howTo = "run `rostersync token hash-password` and paste the line it prints"
        guard node.mapping != nil else {
            reader.error(node, "http.admin_password must be written as admin_password: { bcrypt: \"$2b$…\" }, never the password itself; \(howTo)")
            return
        }
        for (_, _, value) in reader.entries(node, "'http.admin_password'", allowed: ["bcrypt"]) {
            guard let hash = reader.scalar(value, "'http.admin_password.bcrypt'") else { continue }
            let prefixes = ["$2a$", "$2b$", "$2y$"]
            guard hash.count == 60, prefixes.contains(where: hash.hasPrefix) else {
                reader.error(value, "http.admin_password.bcrypt must be a bcrypt hash ($2b$…, 60 characters), never the password itself; \(howTo)")
                continue
            }
            config.adminPasswordHash = hash
        }
    }
}
