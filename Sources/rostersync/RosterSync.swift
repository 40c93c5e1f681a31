import ArgumentParser
import Foundation

/// The `rostersync` command: only configuration; each subcommand parses, calls the engine and renders.
@main
struct RosterSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rostersync",
        abstract: "Keep a contact center's user roster in step with the systems where people are managed.",
        discussion: "Exit codes: 0 all good, 1 some rows failed, 2 usage or config error, 3 file rejected, 4 source unreachable or pull failed.",
        subcommands: [
            TemplateCommand.self, ImportCommand.self, SyncCommand.self, MapCommand.self, UsersCommand.self, RunsCommand.self,
            ReportCommand.self, ConnectorsCommand.self, ScheduleCommand.self, ServeCommand.self, TokenCommand.self,
        ]
    )

    /// Parses, runs, and maps every outcome to the exit codes of DESIGN §5 (never ArgumentParser's 64 or a bare 1).
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(ServeCommand.expandingBareHTTPOption(Array(CommandLine.arguments.dropFirst())))
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitStatus.usage)
        }
        LogOutput.bootstrap(for: command)
        do {
            var command = command
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let (status, message) = ExitStatus.classify(error)
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(status)
        }
    }
}
