import Foundation
import Testing

/// `rostersync token hash-password` through the real binary.
@Suite struct HashPasswordTests {
    static let password = "correct horse battery staple"

    @Test("reads the password from stdin and prints the admin_password line with its bcrypt hash, never the password")
    func printsConfigLine() async throws {
        try await Workspace.with { workspace async throws in
            let result = try await workspace.run(["token", "hash-password"], database: false, input: Self.password + "\n")
            #expect(result.status == 0, "\(result)")
            let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(line.hasPrefix("admin_password: { bcrypt: \"$2b$12$") && line.hasSuffix("\" }"), "\(result)")
            #expect(line.count == "admin_password: { bcrypt: \"\" }".count + 60, "\(line)")
            #expect(!result.stdout.contains(Self.password) && !result.stderr.contains(Self.password), "\(result)")
            #expect(result.stderr.contains("under http:"), "\(result)")

            // The line it printed is a config the server loads.
            _ = try workspace.write("rostersync.yaml", "http:\n  \(line)\n")
            let file = try workspace.writeRows("users.csv", [bob])
            let imported = try await workspace.run(["import", file, "--config", workspace.path("rostersync.yaml")])
            #expect(imported.status == 0, "\(imported)")
        }
    }

    @Test("a short or missing password is refused with what to do")
    func refusesShortPassword() async throws {
        try await Workspace.with { workspace async throws in
            let short = try await workspace.run(["token", "hash-password"], database: false, input: "hunter2\n")
            #expect(short.status == 2, "\(short)")
            #expect(short.stderr.contains("at least 12 characters"), "\(short)")
            #expect(!short.stderr.contains("hunter2"), "\(short)")
            let none = try await workspace.run(["token", "hash-password"], database: false)
            #expect(none.status == 2, "\(none)")
            #expect(none.stderr.contains("no password"), "\(none)")
        }
    }

    @Test("a password written in the config instead of its hash is refused without echoing it")
    func plainPasswordInConfig() async throws {
        try await Workspace.with { workspace async throws in
            _ = try workspace.write("rostersync.yaml", "http:\n  admin_password: { bcrypt: \"my-secret-password\" }\n")
            let file = try workspace.writeRows("users.csv", [bob])
            let result = try await workspace.run(["import", file, "--config", workspace.path("rostersync.yaml")])
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("rostersync.yaml:2"), "\(result)")
            #expect(result.stderr.contains("token hash-password"), "\(result)")
            #expect(!result.stderr.contains("my-secret-password"), "\(result)")
        }
    }
}
