import ArgumentParser
import Foundation
import RosterCore
import RosterEngine

/// Output formats of listing commands.
enum ListFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json
}

/// `rostersync users list [--format table|csv|json] [--limit N] [--search TEXT] [--active|--inactive] [--job JOB]`.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Show the roster.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List users, custom columns included, in the order they were added.",
            discussion: """
                Every format streams: a roster of a million users lists in constant memory. The csv format has the \
                template's columns, then the custom columns and Status, and imports as it is.
                """)

        @Option(help: "table, csv or json.")
        var format: ListFormat = .table

        @Option(help: "Show at most N users.")
        var limit: Int?

        @Option(help: "Only users whose email, first or last name contains TEXT (any casing).")
        var search: String?

        @Flag(help: "Only active users, or only deactivated ones.")
        var state: UserState?

        @Option(help: "Only users linked to this sync job (those its syncs created or matched).")
        var job: String?

        @OptionGroup var global: GlobalOptions

        enum UserState: String, EnumerableFlag {
            case active, inactive
        }

        func validate() throws {
            if global.json { throw ValidationError("users list takes --format json, not --json") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        }

        func run() async throws {
            let services = try await global.makeServices(readOnly: true)
            if let job { _ = try services.config.job(named: job, file: global.configPath) }
            let query = UserQuery(active: state.map { $0 == .active }, search: search, job: job, limit: limit)
            let store = services.store
            switch format {
            case .json:
                try await UserListOutput.json(store, query)
            case .csv:
                try await UserListOutput.csv(store, query, attributeNames: store.attributeNames(query))
            case .table:
                try await UserListOutput.table(store, query, attributeNames: store.attributeNames(query))
            }
        }
    }
}

/// The three listings of `users list`, each written while the store's cursor steps.
enum UserListOutput {
    /// `{"users":[{…},…]}`: one user per line, keys sorted, written byte by byte (no per-row
    /// `JSONSerialization`).
    static func json(_ store: any UserListing, _ query: UserQuery) async throws {
        let out = StdoutStream()
        out.write("{\"users\":[")
        var first = true
        try await store.forEachUser(query) { user in
            out.write(first ? "\n" : ",\n")
            first = false
            let row = user.record.row
            out.write("{\"active\":\(user.record.active),\"attributes\":{")
            for (index, name) in user.record.attributes.keys.sorted().enumerated() {
                if index > 0 { out.write(byte: 0x2C) }
                out.writeJSONString(name)
                out.write(byte: 0x3A)
                out.writeJSONString(user.record.attributes[name]!)
            }
            out.write("}")
            func member(_ key: String, _ value: String) {
                out.write(",\"\(key)\":")
                out.writeJSONString(value)
            }
            member("dataCenter", row.dataCenter)
            member("email", row.email)
            member("extension", row.extension)
            member("firstName", row.firstName)
            out.write(",\"id\":\(user.id)")
            member("lastName", row.lastName)
            member("license", row.license)
            member("role", row.role)
            out.write(byte: 0x7D)
        }
        out.write(first ? "]}\n" : "\n]}\n")
        out.flush()
    }

    /// The template's columns, the custom columns, then Status; CRLF lines, importable as they are.
    static func csv(_ store: any UserListing, _ query: UserQuery, attributeNames: [String]) async throws {
        let out = StdoutStream()
        out.writeCSVRecord(header(attributeNames))
        try await store.forEachUser(query) { out.writeCSVRecord(cells($0, attributeNames)) }
        out.flush()
    }

    /// An aligned table: a first pass measures the columns, a second prints; then the count.
    static func table(_ store: any UserListing, _ query: UserQuery, attributeNames: [String]) async throws {
        let header = header(attributeNames)
        var widths = header.map(\.count)
        try await store.forEachUser(query) { user in
            for (index, cell) in cells(user, attributeNames).enumerated() { widths[index] = max(widths[index], cell.terminalSafe.count) }
        }
        let out = StdoutStream()
        out.write(Output.tableLine(header, widths: widths) + "\n")
        var count = 0
        try await store.forEachUser(query) { user in
            count += 1
            out.write(Output.tableLine(cells(user, attributeNames).map(\.terminalSafe), widths: widths) + "\n")
        }
        out.write(Output.count(count, "user") + "\n")
        out.flush()
    }

    private static func header(_ attributeNames: [String]) -> [String] {
        Template.headers + attributeNames + ["Status"]
    }

    private static func cells(_ user: StoredUser, _ attributeNames: [String]) -> [String] {
        user.record.row.cells + attributeNames.map { user.record.attributes[$0] ?? "" } + [user.record.active ? "active" : "deactivated"]
    }
}
