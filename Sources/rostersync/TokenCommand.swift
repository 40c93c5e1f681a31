import ArgumentParser
import Foundation
import RosterServer

/// `rostersync token create NAME [--scope read|write]`: a new API token for `serve --http`.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Create API tokens for the HTTP API and console.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Print a new API token once, and the config line that accepts it.",
            discussion: "Only a salted SHA-256 of the token goes in the config; keep the token itself in a password manager or secret store.")

        @Argument(help: "Who uses the token, e.g. ci or dashboard.")
        var name: String

        @Option(help: "read (view only) or write (also upload files and start runs).")
        var scope = "read"

        func validate() throws {
            guard ["read", "write"].contains(scope) else { throw ValidationError("--scope must be read or write, got '\(scope)'") }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ValidationError("NAME must be letters, digits, - and _, e.g. ci or dashboard")
            }
        }

        func run() throws {
            let (token, hash) = APITokens.create()
            print(token)
            Output.error("""
                This is the only time the token is shown. Add this line under api_tokens: in rostersync.yaml:
                  - { name: \(name), sha256: "\(hash)", scope: \(scope) }
                """)
        }
    }
}
