import ArgumentParser
import Foundation
import RosterCore
import RosterEngine

/// Output formats of listing commands.
enum ListFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json
}

/// `rostersync users list [--format table|csv|json]`.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Show the roster.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every user, custom columns included.")

        @Option(help: "table, csv or json.")
        var format: ListFormat = .table

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let users = try await global.makeServices().store.users()
            let attributeNames = Set(users.flatMap(\.record.attributes.keys)).sorted()
            let header = Template.headers + attributeNames + ["Status"]
            let rows = users.map { user in
                user.record.row.cells + attributeNames.map { user.record.attributes[$0] ?? "" } + [user.record.active ? "active" : "deactivated"]
            }
            switch global.json ? .json : format {
            case .json:
                Output.json(["users": users.map { user in
                    [
                        "id": user.id, "firstName": user.record.row.firstName, "lastName": user.record.row.lastName,
                        "license": user.record.row.license, "extension": user.record.row.extension, "email": user.record.row.email,
                        "role": user.record.row.role, "dataCenter": user.record.row.dataCenter, "active": user.record.active,
                        "attributes": user.record.attributes,
                    ] as [String: Any]
                }])
            case .csv:
                FileHandle.standardOutput.write(Data(CSVWriter.document(header: header, rows: rows).utf8))
            case .table:
                print(Output.table(header: header, rows: rows))
                print("\(users.count) users")
            }
        }
    }
}
