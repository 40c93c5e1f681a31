import Foundation
import Testing

/// `allowed_folders:` confines the files jobs read (connector, mapping, `file:` URLs); `serve`
/// confines them to the config file's folder unless the config lists others.
@Suite struct AllowedFoldersTests {
    static let repository = SyncCommandTests.repository

    /// A config whose job `crm` reads `url` through the shipped csv-url connector, the connector
    /// and mapping copied beside the config.
    static func config(_ workspace: Workspace, url: String, allowed: String? = nil, schedule: Bool = false) throws -> String {
        for (from, to) in [("connectors/csv-url.yaml", "csv-url.yaml"), ("mappings/custom-columns-csv.yaml", "mapping.yaml")]
        where !FileManager.default.fileExists(atPath: workspace.path(to)) {
            try FileManager.default.copyItem(atPath: "\(repository)/\(from)", toPath: workspace.path(to))
        }
        return try workspace.write("rostersync.yaml", (allowed.map { "allowed_folders: \($0)\n" } ?? "") + """
            jobs:
              - name: crm
                connector: csv-url.yaml
                settings: {url: "\(url)"}
                mapping: mapping.yaml
            """ + (schedule ? "\n    schedule: \"0 * * * *\"\n" : "\n"))
    }

    static let export = SyncCommandTests.header + SyncCommandTests.rows.joined()

    @Test func aFileOutsideTheAllowedFoldersIsRefusedWithTheJobAndTheFix() async throws {
        try await Workspace.with { workspace in
            let outside = try Workspace()
            defer { try? FileManager.default.removeItem(at: outside.directory) }
            try outside.write("secret.csv", Self.export)
            let config = try Self.config(workspace, url: "file://\(outside.path("secret.csv"))", allowed: "[.]")
            let result = try await workspace.run(["sync", "crm", "--config", config])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("rostersync.yaml:3:1: error: job 'crm': settings.url reads \(outside.path("secret.csv")), outside the allowed folders"), "\(result)")
            #expect(result.stderr.contains("add its folder to allowed_folders"))
            #expect(!result.stderr.contains("Priya"), "no line of the file is shown")
            #expect(!FileManager.default.fileExists(atPath: workspace.database), "refused before the store is opened")
        }
    }

    @Test func aLinkOrDotDotOutOfAnAllowedFolderIsRefused() async throws {
        try await Workspace.with { workspace in
            let outside = try Workspace()
            defer { try? FileManager.default.removeItem(at: outside.directory) }
            try outside.write("secret.csv", Self.export)
            try FileManager.default.createSymbolicLink(atPath: workspace.path("link.csv"), withDestinationPath: outside.path("secret.csv"))
            for url in ["file:link.csv", "file:../\(outside.directory.lastPathComponent)/secret.csv"] {
                let config = try Self.config(workspace, url: url, allowed: "[.]")
                let result = try await workspace.run(["sync", "crm", "--config", config])
                #expect(result.status == 2 && result.stderr.contains("outside the allowed folders"), "\(url): \(result)")
            }
        }
    }

    @Test func filesInsideAnAllowedFolderAreRead() async throws {
        try await Workspace.with { workspace in
            try FileManager.default.createDirectory(atPath: workspace.path("exports"), withIntermediateDirectories: true)
            try workspace.write("exports/crm.csv", Self.export)
            let config = try Self.config(workspace, url: "file:exports/crm.csv", allowed: "[., exports]")
            let result = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(result.status == 0, "\(result)")
            #expect(try result.json()["created"] as? Int == 3)
        }
    }

    @Test func aMissingAllowedFolderIsAConfigError() async throws {
        try await Workspace.with { workspace in
            let config = try Self.config(workspace, url: "file:crm.csv", allowed: "[., nowhere]")
            let result = try await workspace.run(["sync", "crm", "--config", config])
            #expect(result.status == 2 && result.stderr.contains("rostersync.yaml:1:") && result.stderr.contains("error: allowed folder") && result.stderr.contains("does not exist"), "\(result)")
        }
    }

    @Test func oneOffCommandsAreNotConfinedUnlessConfigured() async throws {
        try await Workspace.with { workspace in
            let outside = try Workspace()
            defer { try? FileManager.default.removeItem(at: outside.directory) }
            try outside.write("crm.csv", Self.export)
            let config = try Self.config(workspace, url: "file://\(outside.path("crm.csv"))")
            let result = try await workspace.run(["sync", "crm", "--config", config, "--json"])
            #expect(result.status == 0, "\(result)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func serveConfinesToTheConfigFolderByDefault() async throws {
        try await Workspace.with { workspace in
            let outside = try Workspace()
            defer { try? FileManager.default.removeItem(at: outside.directory) }
            try outside.write("crm.csv", Self.export)
            let config = try Self.config(workspace, url: "file://\(outside.path("crm.csv"))", schedule: true)
            let result = try await workspace.run(["serve", "--config", config])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("`serve` reads only files in the config file's folder unless allowed_folders lists others"), "\(result)")
        }
    }
}

extension AllowedFoldersTests {
    @Test func aFileURLWrittenInTheConnectorFileIsConfinedToo() async throws {
        try await Workspace.with { workspace in
            let outside = try Workspace()
            defer { try? FileManager.default.removeItem(at: outside.directory) }
            try outside.write("secret.csv", Self.export)
            let config = try Self.config(workspace, url: "unused", allowed: "[.]")
            try workspace.write("csv-url.yaml", """
                name: csv-url
                base_url: "file://\(outside.path("secret.csv"))"
                schemes: [file]
                auth: {type: none}
                streams: [{name: rows, kind: csv}]
                """)
            let result = try await workspace.run(["sync", "crm", "--config", config])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("job 'crm': the connector's base_url reads \(outside.path("secret.csv")), outside the allowed folders"), "\(result)")
            #expect(!result.stderr.contains("Priya"))
        }
    }
}
