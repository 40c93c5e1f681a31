import RosterEngine
import Testing

/// `api_tokens:` and `http:` in `rostersync.yaml`.
@Suite struct HTTPConfigTests {
    func diagnostics(_ text: String) throws -> [ConfigDiagnostic] {
        try #require(throws: ConfigError.self) { try RosterConfig.parse(text, file: "rostersync.yaml") }.diagnostics
    }

    @Test func tokensAndUploadLimit() throws {
        let hex = String(repeating: "ab", count: 32)
        let config = try RosterConfig.parse("""
            api_tokens:
              - { name: ci, token: env:CI_TOKEN, scope: write }
              - { name: dashboard, sha256: "s4lt$\(hex)" }
            http:
              upload_limit_mb: 5
            """, file: "rostersync.yaml")
        #expect(config.http.tokens == [
            APITokenConfig(name: "ci", credential: .environment("CI_TOKEN"), scope: .write, line: 2),
            APITokenConfig(name: "dashboard", credential: .sha256(salt: "s4lt", hex: hex), scope: .read, line: 3),
        ])
        #expect(config.http.uploadLimit == 5 * 1024 * 1024)
    }

    @Test func defaults() throws {
        #expect(try RosterConfig.parse("", file: "rostersync.yaml").http == HTTPConfig(tokens: [], uploadLimit: 50 * 1024 * 1024))
    }

    @Test(arguments: [
        ("api_tokens:\n  - { name: ci, token: s3cret }\n", "never the token itself"),
        ("api_tokens:\n  - { name: ci, sha256: abc }\n", "SALT$HEX"),
        ("api_tokens:\n  - { name: ci }\n", "exactly one of"),
        ("api_tokens:\n  - { name: ci, token: env:A, scope: admin }\n", "read or write"),
        ("api_tokens:\n  - { token: env:A }\n", "needs 'name"),
        ("api_tokens:\n  - { name: a, token: env:A }\n  - { name: a, token: env:B }\n", "two API tokens"),
        ("api_tokens: ci\n", "must be a list"),
        ("http:\n  upload_limit_mb: lots\n", "whole number of megabytes"),
        ("http:\n  upload_limt_mb: 5\n", "did you mean 'upload_limit_mb'"),
    ])
    func rejected(text: String, words: String) throws {
        let found = try diagnostics(text)
        #expect(found.contains { $0.message.contains(words) }, "\(found)")
        #expect(found.allSatisfy { $0.line >= 1 })
    }
}
