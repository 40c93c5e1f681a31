import ArgumentParser
import CurlHTTP
import Foundation
import RosterConnectors
import RosterEngine
import RosterStoreSQLite

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

        func validate() throws {
            if global.db != nil { throw ValidationError("connectors check does not use a store; remove --db") }
        }

        func run() async throws {
            var config = try global.loadConfig()
            try config.confineJobFiles(file: global.configPath, confineByDefault: false)
            let job = try config.job(named: job, file: global.configPath)
            let http = CurlHTTPClient()
            defer { Task { await http.shutdown() } }
            let spec = try? ConnectorFile.load(path: job.connector)
            let target = job.baseURL ?? spec.map { "\($0.baseURL)" } ?? job.connector
            let limits = spec.map { " (up to \(Output.count($0.retry.maxAttempts, "attempt")), each with a \(Int($0.timeouts.connectSeconds)) s connect limit)" } ?? ""
            Output.error("job \(job.name): authenticating and fetching the first page from \(target)\(limits)…")
            let started = Date()
            // A source that does not answer is retried with backoff; say so while it lasts.
            let heartbeat = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(5))
                    Output.error("job \(job.name): still waiting for \(target) after \(Int(Date().timeIntervalSince(started))) s…")
                }
            }
            defer { heartbeat.cancel() }
            // A check writes nothing, so it opens no store file (a private in-memory one stands in).
            let result = try await SyncService(store: SQLiteUserStore(), catalog: config.catalog, http: http)
                .check(job, configFile: global.configPath)
            if global.json {
                Output.json(["job": job.name, "connector": result.connector, "stream": result.stream, "records": result.records, "fields": result.fields])
            } else {
                print("job \(job.name): connector \(result.connector), stream \(result.stream): authenticated, first page has \(Output.count(result.records, "record"))")
                print("fields of the first record: \(result.fields.joined(separator: ", "))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List every connector file with its auth, streams and paging.",
            discussion: """
                The folder is --connectors DIR, else `connectors:` in the config (relative to the config file), else \
                connectors/ beside the config file, else the connector files installed with rostersync. A file that fails \
                to load is listed with its diagnostics, and the exit code is 2.
                """)

        @Option(help: "Folder of connector files (*.yaml); default: see below.")
        var connectors: String?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if global.db != nil { throw ValidationError("connectors list does not use a store; remove --db") }
        }

        func run() throws {
            let folder = try ConnectorFolder.resolve(flag: connectors, config: global.loadConfig(), configPath: global.configPath)
            let entries = try ConnectorFile.loadDirectory(folder)
            let failures = entries.compactMap { entry in entry.result.failure.map { (entry.path, $0) } }
            if global.json {
                Output.json(["folder": folder, "connectors": entries.map(ConnectorListing.object)])
            } else {
                print("Connector files in \(folder):")
                print(Output.table(header: ["File", "Name", "Auth", "Streams", "Paginator"], rows: entries.map(ConnectorListing.row)))
                print("\(Output.count(entries.count, "connector file")), \(failures.count) with errors")
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

/// Where `connectors list` looks for connector files.
enum ConnectorFolder {
    /// `flag` (relative to the working directory), else the config's `connectors:`, else
    /// `connectors/` beside the config file, else the folder installed with the executable.
    /// - Throws: ``UsageError`` naming every place looked at and how to name the folder.
    static func resolve(flag: String?, config: RosterConfig, configPath: String) throws -> String {
        if let flag { return flag }
        if let configured = config.connectors { return configured }
        let configFolder = (configPath as NSString).deletingLastPathComponent
        var candidates = [configFolder.isEmpty ? "connectors" : configFolder + "/connectors"]
        candidates += installedFolders()
        if let found = candidates.first(where: isConnectorFolder) { return found }
        throw UsageError(message: "no folder of connector files found (looked in \(candidates.joined(separator: ", "))); "
            + "name it with --connectors DIR, or with connectors: DIR in \(configPath)")
    }

    /// `share/rostersync/connectors` and `connectors` in the executable's folder and the folders
    /// above it: an installed prefix, or the checkout a `swift build` ran in.
    private static func installedFolders() -> [String] {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var folders: [String] = []
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            folders += [folder.appendingPathComponent("share/rostersync/connectors").path, folder.appendingPathComponent("connectors").path]
        }
        return folders
    }

    private static func isConnectorFolder(_ path: String) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return files.contains { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
    }
}
