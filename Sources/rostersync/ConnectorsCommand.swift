import ArgumentParser
import CurlHTTP
import Foundation
import RosterConnectors
import RosterEngine

/// `rostersync connectors list [--connectors DIR] [--json]`: the connector files jobs can pull from.
struct ConnectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectors", abstract: "Show the connector files jobs can pull from.", subcommands: [List.self, Check.self])

    /// `rostersync connectors check JOB`: authenticate and fetch the first page, never printing a token.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Authenticate a job's connector and fetch its first page.",
            discussion: "Prints how many records the first page holds and the first record's field names; writes nothing.")

        @Argument(help: "A job from rostersync.yaml.")
        var job: String

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let services = try global.makeServices(jobs: .oneOff)
            let job = try services.config.job(named: job, file: global.configPath)
            let http = CurlHTTPClient()
            defer { Task { await http.shutdown() } }
            let result = try await SyncService(store: services.store, catalog: services.config.catalog, http: http)
                .check(job, configFile: global.configPath)
            if global.json {
                Output.json(["job": job.name, "connector": result.connector, "stream": result.stream, "records": result.records, "fields": result.fields])
            } else {
                print("job \(job.name): connector \(result.connector), stream \(result.stream): authenticated, first page has \(result.records) records")
                print("fields of the first record: \(result.fields.joined(separator: ", "))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List every connector file with its auth, streams and paging.",
            discussion: "A file that fails to load is listed with its diagnostics, and the exit code is 2.")

        @Option(help: "Directory of connector files (*.yaml).")
        var connectors = "connectors"

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let entries = try ConnectorFile.loadDirectory(connectors)
            let failures = entries.compactMap { entry in entry.result.failure.map { (entry.path, $0) } }
            if global.json {
                Output.json(["connectors": entries.map(ConnectorListing.object)])
            } else {
                print(Output.table(header: ["File", "Name", "Auth", "Streams", "Paginator"], rows: entries.map(ConnectorListing.row)))
                print("\(entries.count) connector files, \(failures.count) with errors")
            }
            for (_, error) in failures { Output.error(error.description) }
            if !failures.isEmpty { throw ExitCode(ExitStatus.usage) }
        }
    }
}

/// How one connector file is shown.
enum ConnectorListing {
    /// File, name, auth type, streams (with their change-pull type), paginator types.
    static func row(_ entry: ConnectorDirectoryEntry) -> [String] {
        switch entry.result {
        case .success(let spec):
            let streams = spec.streams.map { stream in stream.name + (stream.incremental.map { " (\($0.typeName))" } ?? "") }
            return [entry.path, spec.name, spec.auth.typeName, streams.joined(separator: ", "), paginators(spec).joined(separator: ", ")]
        case .failure(let error):
            return [entry.path, "-", "-", "-", "invalid: \(error.diagnostics.count) problem(s), see below"]
        }
    }

    /// The `--json` shape: `file`, `name`, `auth`, `streams[]` (`name`, `kind`, `paginator`, `incremental`), `errors[]`.
    static func object(_ entry: ConnectorDirectoryEntry) -> [String: Any] {
        switch entry.result {
        case .success(let spec):
            let streams: [[String: Any]] = spec.streams.map { stream in
                ["name": stream.name, "kind": stream.kind.rawValue, "paginator": stream.paginator.kind.typeName,
                 "incremental": Output.nullable(stream.incremental?.typeName)]
            }
            return ["file": entry.path, "name": spec.name, "auth": spec.auth.typeName, "streams": streams, "errors": [String]()]
        case .failure(let error):
            return ["file": entry.path, "name": NSNull(), "auth": NSNull(), "streams": [Any](), "errors": error.diagnostics.map(\.description)]
        }
    }

    /// Distinct paginator types of the file's streams, in stream order.
    private static func paginators(_ spec: ConnectorSpec) -> [String] {
        var seen: [String] = []
        for stream in spec.streams where !seen.contains(stream.paginator.kind.typeName) { seen.append(stream.paginator.kind.typeName) }
        return seen
    }
}

extension Result {
    /// The error, when this is a failure.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
