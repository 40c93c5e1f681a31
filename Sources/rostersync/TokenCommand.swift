import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RosterServer

/// `rostersync token create NAME [--scope read|write]`: a new API token for `serve --http`;
/// `rostersync token hash-password`: the config line of the console's admin password.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create API tokens and the admin password for the HTTP API and console.", subcommands: [Create.self, HashPassword.self])

    struct HashPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-password", abstract: "Read the console's admin password from stdin and print its config line.",
            discussion: """
                The password is read from the terminal without echo, or from the first line of stdin when it is not a terminal \
                (e.g. `rostersync token hash-password < file`); never pass it as an argument. Only its bcrypt hash goes in \
                the config, under http:. The console's sign-in page then accepts that password as well as the API tokens.
                """)

        func run() throws {
            guard let password = Self.readPassword(), !password.isEmpty else {
                throw UsageError(message: "no password was given on stdin; type it when asked, or send it on stdin: rostersync token hash-password < file")
            }
            guard password.count >= AdminPassword.minimumLength else {
                throw UsageError(message: "the admin password must have at least \(AdminPassword.minimumLength) characters; choose a longer one (a passphrase of a few words works well)")
            }
            print(AdminPassword.configLine(AdminPassword.hash(password)))
            Output.error("Add this line under http: in rostersync.yaml (replacing any admin_password: there), then restart `rostersync serve --http`.")
        }

        /// The password from the terminal (no echo) or from stdin's first line.
        private static func readPassword() -> String? {
            if isatty(STDIN_FILENO) != 0 {
                guard let typed = getpass("Admin password: ") else { return nil }
                return String(cString: typed)
            }
            return readLine(strippingNewline: true)?.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
    }

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
