import Foundation
import Testing

/// Files the program writes (`import --report`, the default `NAME.errors.csv`, `template --output`)
/// never replace a folder, a device, a symbolic link, the store or the input, and a report from
/// an earlier run is never clobbered.
@Suite struct OutputFileTests {
    static let failing = ["Ann", "Lee", "Enterprise", "1000", "not-an-email", "Agent", "US"]

    /// A workspace with `in.csv` holding one good and one failing row.
    func withInput(_ body: (Workspace, String) async throws -> Void) async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.writeRows("in.csv", [bob, Self.failing])
            try await body(workspace, input)
        }
    }

    func expectRefused(_ result: CommandResult, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(words), "\(result)", sourceLocation: sourceLocation)
    }

    func leftovers(_ workspace: Workspace) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path).filter { $0.hasSuffix(".partial") }
    }

    @Test func aReportPathThatIsAFolderIsRefusedAndTheFolderKept() async throws {
        try await withInput { workspace, input in
            try FileManager.default.createDirectory(atPath: workspace.path("keep/inner"), withIntermediateDirectories: true)
            try workspace.write("keep/inner/notes.txt", "mine")
            let result = try await workspace.run(["import", input, "--report", workspace.path("keep")])
            expectRefused(result, "is a folder")
            #expect(try workspace.read("keep/inner/notes.txt") == "mine")
            #expect(try await workspace.users().isEmpty, "refused before anything was imported")
        }
    }

    @Test func theStoreIsNeverAReportTarget() async throws {
        try await withInput { workspace, input in
            #expect(try await workspace.run(["import", input]).status == 1)
            for target in [workspace.database, workspace.database + "-wal"] where FileManager.default.fileExists(atPath: target) {
                let result = try await workspace.run(["import", input, "--report", target])
                expectRefused(result, "is the store")
            }
            #expect(try await workspace.users().count == 1, "the store still opens")
            let template = try await workspace.run(["template", "--output", workspace.database])
            expectRefused(template, "is the store (--db)")
            #expect(try await workspace.users().count == 1)
        }
    }

    @Test func theInputIsNeverAReportTarget() async throws {
        try await withInput { workspace, input in
            let before = try workspace.read("in.csv")
            let result = try await workspace.run(["import", input, "--report", input])
            expectRefused(result, "is the input file")
            #expect(try workspace.read("in.csv") == before)
        }
    }

    @Test func aDeviceOrPipeIsNeverReplaced() async throws {
        try await withInput { workspace, input in
            #expect(mkfifo(workspace.path("pipe"), 0o600) == 0)
            let result = try await workspace.run(["import", input, "--report", workspace.path("pipe")])
            expectRefused(result, "special file")
            var info = stat()
            #expect(lstat(workspace.path("pipe"), &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
            let template = try await workspace.run(["template", "--output", workspace.path("pipe")], database: false)
            expectRefused(template, "special file")
        }
    }

    @Test func aSymbolicLinkIsNeverFollowedOrReplaced() async throws {
        try await withInput { workspace, input in
            let outside = try Workspace()
            defer { try? FileManager.default.removeItem(at: outside.directory) }
            try outside.write("precious.txt", "keep me")
            try FileManager.default.createSymbolicLink(atPath: workspace.path("link.csv"), withDestinationPath: outside.path("precious.txt"))
            let result = try await workspace.run(["import", input, "--report", workspace.path("link.csv")])
            expectRefused(result, "symbolic link")
            #expect(try outside.read("precious.txt") == "keep me")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: workspace.path("link.csv")) == outside.path("precious.txt"))
        }
    }

    @Test func aMissingFolderIsNamedAsMissing() async throws {
        try await withInput { workspace, input in
            let result = try await workspace.run(["import", input, "--report", workspace.path("nowhere/r.csv")])
            expectRefused(result, "does not exist")
            #expect(!result.stderr.contains("permission"), "\(result)")
            let template = try await workspace.run(["template", "--output", workspace.path("nowhere/t.csv")], database: false)
            expectRefused(template, "the folder \(workspace.path("nowhere")) does not exist")
        }
    }

    /// Root may write in any folder, so this case only shows for other users.
    @Test(.enabled(if: geteuid() != 0)) func aFolderWithoutWritePermissionSaysSo() async throws {
        try await withInput { workspace, input in
            try FileManager.default.createDirectory(atPath: workspace.path("locked"), withIntermediateDirectories: true)
            #expect(chmod(workspace.path("locked"), 0o555) == 0)
            defer { chmod(workspace.path("locked"), 0o755) }
            let result = try await workspace.run(["import", input, "--report", workspace.path("locked/r.csv")])
            expectRefused(result, "no permission")
        }
    }

    @Test func aNamedRegularFileIsReplacedWhole() async throws {
        try await withInput { workspace, input in
            try workspace.write("r.csv", String(repeating: "old line\n", count: 1000))
            let result = try await workspace.run(["import", input, "--report", workspace.path("r.csv")])
            #expect(result.status == 1, "\(result)")
            let report = try workspace.read("r.csv")
            #expect(report.contains("not-an-email") && !report.contains("old line"))
            #expect(try leftovers(workspace).isEmpty)
        }
    }

    @Test func anEarlierErrorReportIsKeptAndTheNewOneNamedByRun() async throws {
        try await withInput { workspace, input in
            let first = try await workspace.run(["import", input, "--json"])
            #expect(first.status == 1, "\(first)")
            #expect(try first.json()["report"] as? String == workspace.path("in.errors.csv"))
            let fixing = try workspace.read("in.errors.csv").replacingOccurrences(of: "not-an-email", with: "ann@company.com")
            try workspace.write("in.errors.csv", fixing)

            let second = try await workspace.run(["import", input])
            #expect(second.status == 1, "\(second)")
            #expect(try workspace.read("in.errors.csv") == fixing, "the file being fixed is untouched")
            let run = try #require(second.stdout.firstMatch(of: /\(run (\d+)\)/)?.1)
            let named = "in.errors-run\(run).csv"
            #expect(try workspace.read(named).contains("not-an-email"))
            #expect(second.stdout.contains("\(workspace.path("in.errors.csv")) is from an earlier run and was left as it is"), "\(second)")
            #expect(second.stdout.contains("fix it in \(workspace.path(named))"), "\(second)")
            #expect(try leftovers(workspace).isEmpty)
        }
    }

    @Test func whenTheRunNamedReportIsTakenTooNothingIsReplaced() async throws {
        try await withInput { workspace, input in
            #expect(try await workspace.run(["import", input]).status == 1)
            try workspace.write("in.errors.csv", "being fixed\n")
            try workspace.write("in.errors-run2.csv", "mine\n")
            let result = try await workspace.run(["import", input])
            #expect(result.status == 1, "\(result)")
            #expect(try workspace.read("in.errors.csv") == "being fixed\n" && workspace.read("in.errors-run2.csv") == "mine\n")
            #expect(result.stderr.contains("warning: the error report was not written: cannot write \(workspace.path("in.errors-run2.csv")): it exists"), "\(result)")
            #expect(result.stderr.contains("pass --force to replace \(workspace.path("in.errors.csv")), or --report NEW.csv"), "\(result)")
            #expect(result.stderr.contains("rostersync report 2 --format csv"), "\(result)")
            let stored = try await workspace.run(["report", "2", "--format", "csv"])
            #expect(stored.stdout.contains("not-an-email"), "the report is still in the store")
            #expect(try leftovers(workspace).isEmpty)
        }
    }

    @Test func theMappingAndTheConfigAreNeverReportTargets() async throws {
        try await withInput { workspace, input in
            let config = try workspace.write("rostersync.yaml", "store: roster.sqlite\n")
            let result = try await workspace.run(["import", input, "--report", config, "--config", config])
            expectRefused(result, "is the config file")
            #expect(try workspace.read("rostersync.yaml") == "store: roster.sqlite\n")
        }
    }

    @Test func forceReplacesTheDefaultErrorReport() async throws {
        try await withInput { workspace, input in
            try workspace.write("in.errors.csv", "from before\n")
            let result = try await workspace.run(["import", input, "--force"])
            #expect(result.status == 1, "\(result)")
            #expect(try workspace.read("in.errors.csv").contains("not-an-email"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path).filter { $0.contains("errors-run") }.isEmpty)
        }
    }
}
