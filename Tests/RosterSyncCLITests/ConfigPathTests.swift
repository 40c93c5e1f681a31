import Foundation
import Testing

/// Paths in a config mean the same wherever the command starts, and read-only commands never
/// create a store.
@Suite struct ConfigPathTests {
    @Test func storeIsResolvedBesideTheConfigFileNotTheWorkingDirectory() async throws {
        try await Workspace.with { workspace in
            try FileManager.default.createDirectory(atPath: workspace.path("crm"), withIntermediateDirectories: true)
            try workspace.write("crm/rostersync.yaml", "store: roster.sqlite\n")
            try workspace.writeRows("in.csv", [bob, drew])
            let imported = try await workspace.run(["import", "in.csv", "--config", "crm/rostersync.yaml"], database: false)
            #expect(imported.status == 0, "\(imported)")
            #expect(FileManager.default.fileExists(atPath: workspace.path("crm/roster.sqlite")))
            #expect(!FileManager.default.fileExists(atPath: workspace.path("roster.sqlite")))
            let listed = try await workspace.run(["users", "list", "--config", "crm/rostersync.yaml"], database: false)
            #expect(listed.status == 0 && listed.stdout.contains("2 users"), "\(listed)")
        }
    }

    @Test func withoutStoreKeyTheStoreSitsBesideTheConfigFile() async throws {
        try await Workspace.with { workspace in
            try FileManager.default.createDirectory(atPath: workspace.path("crm"), withIntermediateDirectories: true)
            try workspace.write("crm/rostersync.yaml", "catalog: {extension_range: 1000-1999}\n")
            try workspace.writeRows("in.csv", [bob])
            #expect(try await workspace.run(["import", "in.csv", "--config", "crm/rostersync.yaml"], database: false).status == 0)
            #expect(FileManager.default.fileExists(atPath: workspace.path("crm/rostersync.sqlite")))
            #expect(!FileManager.default.fileExists(atPath: workspace.path("rostersync.sqlite")))
        }
    }

    @Test(arguments: [["users", "list"], ["runs", "list"], ["report"], ["status"]])
    func readOnlyCommandsNeverCreateAStore(arguments: [String]) async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(arguments)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("no store at \(workspace.database); run an import or a sync first"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: workspace.database))
        }
    }

    @Test func connectorsListReadsTheFolderTheConfigNames() async throws {
        try await Workspace.with { workspace in
            try FileManager.default.createDirectory(atPath: workspace.path("setup/defs"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: SyncCommandTests.repository + "/connectors/csv-url.yaml", toPath: workspace.path("setup/defs/only.yaml"))
            try workspace.write("setup/rostersync.yaml", "connectors: defs\n")
            let result = try await workspace.run(["connectors", "list", "--config", "setup/rostersync.yaml"], database: false)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("only.yaml") && result.stdout.contains("1 connector file,"), "\(result)")
            #expect(!result.stdout.contains("microsoft-graph"), "\(result)")
        }
    }

    @Test func connectorsListFindsTheInstalledConnectorsFromAnyFolder() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(["connectors", "list"], database: false)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("microsoft-graph.yaml"), "\(result)")
        }
    }

    @Test func connectorsListNamesTheFlagForAFolderThatIsMissing() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(["connectors", "list", "--connectors", "nowhere"], database: false)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("nowhere"), "\(result)")
        }
    }
}
