import Foundation
import Testing

/// Help, `--version`, completion scripts and usage errors through the real binary, and the
/// one-way-per-command flag rules.
@Suite struct HelpAndFlagsTests {
    @Test(arguments: [["--help"], ["-h"], ["help"], []])
    func rootHelpPrintsUsageAndExitsZero(arguments: [String]) async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(arguments, database: false)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("USAGE: rostersync"), "\(result)")
            #expect(result.stdout.contains("import"), "\(result)")
            #expect(!result.stderr.contains("CommandError") && !result.stdout.contains("CommandError"), "\(result)")
        }
    }

    @Test(arguments: [["import", "--help"], ["import", "-h"], ["help", "import"]])
    func subcommandHelpNamesItsOptions(arguments: [String]) async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(arguments, database: false)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("USAGE: rostersync import"), "\(result)")
            #expect(result.stdout.contains("--dry-run") && result.stdout.contains("--mapping"), "\(result)")
        }
    }

    @Test func versionAndCompletionScript() async throws {
        try await Workspace.with { workspace in
            let version = try await workspace.run(["--version"], database: false)
            #expect(version.status == 0 && version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(version)")
            let completion = try await workspace.run(["--generate-completion-script", "bash"], database: false)
            #expect(completion.status == 0 && completion.stdout.contains("complete") && completion.stdout.contains("rostersync"), "\(completion)")
        }
    }

    @Test(arguments: [(["import"], "import"), (["users", "list", "--format", "xml"], "users list"), (["sync"], "sync")])
    func usageErrorsExitTwoAndPointAtTheCommandsHelp(arguments: [String], command: String) async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(arguments)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.hasPrefix("Error: "), "\(result)")
            #expect(result.stderr.contains("See 'rostersync \(command) --help'"), "\(result)")
        }
    }

    @Test(arguments: [["users", "list", "--json"], ["report", "--json"]])
    func listingCommandsTakeFormatNotJSON(arguments: [String]) async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(arguments)
            #expect(result.status == 2 && result.stderr.contains("--format json"), "\(result)")
        }
    }

    @Test(arguments: [["map", "--mapping", "m.yaml", "--test"], ["schedule", "next", "@daily"], ["connectors", "list"], ["connectors", "check", "crm"]])
    func commandsWithoutAStoreRejectDB(arguments: [String]) async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(arguments)
            #expect(result.status == 2 && result.stderr.contains("does not use a store; remove --db"), "\(result)")
        }
    }

    @Test func runsListHelpDocumentsLimit() async throws {
        try await Workspace.with { workspace in
            let result = try await workspace.run(["runs", "list", "--help"], database: false)
            #expect(result.status == 0 && result.stdout.contains("--limit <limit>"), "\(result)")
        }
    }

    @Test func reportOfAnUnknownJobSaysThereIsNoSuchJob() async throws {
        try await Workspace.with { workspace in
            let config = try SyncCommandTests.config(workspace)
            try workspace.writeRows("in.csv", [bob])
            #expect(try await workspace.run(["import", "in.csv"]).status == 0)
            let result = try await workspace.run(["report", "--job", "nope", "--config", config])
            #expect(result.status == 2 && result.stderr.contains("no job named 'nope'"), "\(result)")
        }
    }

    @Test func dbErrorsNameThePathAndTheCause() async throws {
        try await Workspace.with { workspace in
            let missingFolder = workspace.path("no-such-folder/roster.sqlite")
            let inFolder = try await workspace.run(["import", "in.csv", "--db", missingFolder], database: false)
            #expect(inFolder.status == 2 && inFolder.stderr.contains(missingFolder) && inFolder.stderr.contains("does not exist"), "\(inFolder)")
            let notAStore = try workspace.write("notes.txt", String(repeating: "not a database\n", count: 100))
            try workspace.writeRows("in.csv", [bob])
            let text = try await workspace.run(["import", "in.csv", "--db", notAStore], database: false)
            #expect(text.status == 2 && text.stderr.contains(notAStore) && text.stderr.contains("not a RosterSync store"), "\(text)")
        }
    }
}
