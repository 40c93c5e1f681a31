import ArgumentParser
import Foundation

/// The `rostersync` command: only configuration; each subcommand parses, calls the engine and renders.
@main
struct RosterSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rostersync",
        abstract: "Keep a contact center's user roster in step with the systems where people are managed.",
        discussion: """
            Start with `rostersync template --output users.csv`, fill it in and run `rostersync import users.csv`. \
            Exit codes: 0 all good, 1 some rows failed, 2 usage or config error, 3 file rejected, 4 source unreachable or pull failed.
            """,
        version: RosterSync.version,
        subcommands: [
            TemplateCommand.self, ImportCommand.self, SyncCommand.self, MapCommand.self, UsersCommand.self, RunsCommand.self,
            ReportCommand.self, ConnectorsCommand.self, ScheduleCommand.self, ServeCommand.self, StatusCommand.self, TokenCommand.self,
            MigrateCommand.self,
        ]
    )

    /// The release `--version` prints.
    static let version = "0.1.0"

    /// Parses, runs, and maps every outcome to the exit codes of DESIGN §5 (never ArgumentParser's 64 or a bare 1).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(ServeCommand.expandingBareHTTPOption(Array(CommandLine.arguments.dropFirst())))
            LogOutput.bootstrap(for: command)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(reporting: error)
        }
    }

    /// Ends the process for `error`: help, `--version` and completion scripts print on stdout and
    /// exit 0; usage errors print with the usage line and exit 2; every other error is classified.
    static func exit(reporting error: any Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        switch exitCode(for: error) {
        case .success:
            exit(withError: error)
        case .validationFailure:
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitStatus.usage)
        default:
            let (status, message) = ExitStatus.classify(error)
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(status)
        }
    }
}
