public import RosterCore
import Foundation
import RosterYAML
import Yams

/// `rostersync.yaml`: where the store is and what the catalog allows (DESIGN §4).
///
/// ```yaml
/// store: ./rostersync.sqlite                   # relative to this file; or a PostgreSQL server:
/// # store: { url: "postgres://roster@db:5432/roster?sslmode=verify-full", password: env:ROSTERSYNC_DB_PASSWORD, ca_file: ./db-ca.pem }
/// connectors: ./connectors                      # for `connectors list`; relative to this file
/// catalog:
///   licenses: { Enterprise: 50, Contact: 10 }   # a license without a number is unlimited
///   roles: [Team Lead]                           # custom roles, added to the built-in ones
///   data_centers: { US: US East, UK: UK, BR: BR, DE: Frankfurt }
///   extension_range: 2000-2999
/// ```
public struct RosterConfig: Sendable, Equatable {
    /// Store path (a relative one resolved against the config file's folder) or URL; `nil`
    /// means the default, `rostersync.sqlite` beside the config file.
    public var store: String?
    /// `password: env:NAME` under `store:`: the environment variable that holds a PostgreSQL store's password.
    public var storePasswordVariable: String?
    /// `ca_file:` under `store:` (resolved like ``store``): the CA certificates a PostgreSQL server's certificate is checked against.
    public var storeCAFile: String?
    /// The folder of connector files `connectors list` shows (resolved like ``store``); `nil`
    /// when the config does not name one.
    public var connectors: String?
    public var catalog = Catalog.standard
    /// Sync jobs, in file order; names are unique.
    public var jobs: [JobConfig] = []
    /// `allowed_folders:`, absolute with links resolved: the only folders whose files jobs may
    /// read (see ``confineJobFiles(file:confineByDefault:)``); `nil` when not configured.
    public var allowedFolders: [String]?
    /// The config file's folder (relative paths in the config are relative to it).
    public var folder = ""
    /// API tokens and HTTP settings of `serve --http`.
    public var http = HTTPConfig()
    /// `run_lease:` and `run_heartbeat:`: how long a running run stays claimed without news from
    /// its instance, and how often the instance renews it.
    public var runLease = RunLease()

    public init(store: String? = nil, catalog: Catalog = .standard, jobs: [JobConfig] = []) {
        self.store = store
        self.catalog = catalog
        self.jobs = jobs
    }

    /// The job named `name`.
    /// - Throws: ``ConfigError`` naming the known jobs (with a did-you-mean) when there is none.
    public func job(named name: String, file: String) throws -> JobConfig {
        if let job = jobs.first(where: { $0.name == name }) { return job }
        let names = jobs.map(\.name)
        let hint = Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'? " } ?? ""
        let known = names.isEmpty ? "no jobs are configured; add a 'jobs:' list" : "jobs: \(names.joined(separator: ", "))"
        throw ConfigError([ConfigDiagnostic(file: file, line: 1, column: 1, message: "no job named '\(name)'; \(hint)\(known)")])
    }

    /// Loads `path`; a missing file gives the defaults when `required` is false.
    /// - Throws: ``ConfigError`` with every located diagnostic.
    public static func load(path: String, required: Bool) throws -> RosterConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required || FileManager.default.fileExists(atPath: path) {
                throw ConfigError([ConfigDiagnostic(file: path, line: 1, column: 1, message: "config file not found or unreadable; check the --config path")])
            }
            return RosterConfig()
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(String(decoding: data, as: UTF8.self), file: path, folder: folder)
    }

    /// Parses config text.
    /// - Throws: ``ConfigError`` with every located diagnostic.
    /// - Parameter folder: resolves relative paths: the store, the connector folder and job files (the config file's folder).
    public static func parse(_ text: String, file: String, folder: String = "") throws -> RosterConfig {
        var reader = YAMLReader(file: file)
        var config = RosterConfig()
        config.folder = folder
        var leaseNode: Node?
        if let root = reader.compose(text) {
            for (key, _, value) in reader.entries(root, "the config file", allowed: ["store", "connectors", "catalog", "jobs", "allowed_folders", "api_tokens", "http", "run_lease", "run_heartbeat"]) {
                switch key {
                case "store": parseStore(value, into: &config, folder: folder, &reader)
                case "connectors": config.connectors = reader.scalar(value, "'connectors'").map { JobConfig.resolve($0, folder) }
                case "jobs": config.jobs = JobConfig.parseJobs(value, folder: folder, &reader)
                case "allowed_folders": config.allowedFolders = parseAllowedFolders(value, folder: folder, &reader)
                case "api_tokens": HTTPConfig.parseTokens(value, into: &config.http, &reader)
                case "http": HTTPConfig.parseSettings(value, into: &config.http, &reader)
                case "run_lease", "run_heartbeat":
                    parseLease(key, value, into: &config.runLease, &reader)
                    leaseNode = value
                default: config.catalog = parseCatalog(value, &reader)
                }
            }
        }
        if reader.diagnostics.isEmpty, config.runLease.heartbeat * 3 > config.runLease.expiry {
            let lease = config.runLease
            reader.error(leaseNode,
                         "run_heartbeat (\(RunLease.durationText(lease.heartbeat))) must be at most a third of run_lease (\(RunLease.durationText(lease.expiry))), "
                            + "so that a run survives a missed renewal or two; e.g. run_lease: 10m with run_heartbeat: 30s")
        }
        guard reader.diagnostics.isEmpty else { throw ConfigError(reader.diagnostics) }
        return config
    }

    private static func parseLease(_ key: String, _ node: Node, into lease: inout RunLease, _ reader: inout YAMLReader) {
        guard let text = reader.scalar(node, "'\(key)'") else { return }
        guard let seconds = RunLease.parseDuration(text) else {
            reader.error(node, "\(key) must be a duration such as 10m, 90s or 1h (a whole number and s, m, h or d), not '\(text)'")
            return
        }
        if key == "run_lease" { lease.expiry = seconds } else { lease.heartbeat = seconds }
    }

    private static func parseAllowedFolders(_ node: Node, folder: String, _ reader: inout YAMLReader) -> [String] {
        guard let items = node.sequence else {
            reader.error(node, "'allowed_folders' must be a list of folders, e.g. [., /srv/exports]")
            return []
        }
        return items.compactMap { item in
            guard let text = reader.scalar(item, "an 'allowed_folders' item"), !text.isEmpty else { return nil }
            let path = text.hasPrefix("/") || folder.isEmpty ? text : folder + "/" + text
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                reader.error(item, "allowed folder \(path) does not exist or is not a folder; create it or fix the path (relative to the config file)")
                return nil
            }
            return canonicalPath(path)
        }
    }

    private static func parseCatalog(_ node: Node, _ reader: inout YAMLReader) -> Catalog {
        var catalog = Catalog.standard
        for (key, _, value) in reader.entries(node, "catalog", allowed: ["licenses", "roles", "data_centers", "extension_range"]) {
            switch key {
            case "licenses":
                for (name, keyNode, seats) in reader.entries(value, "catalog.licenses", allowed: nil) {
                    guard let license = Catalog.licenses.first(where: { $0.lowercased() == name.lowercased() }) else {
                        let hint = Suggestions.closest(to: name, in: Catalog.licenses).map { "did you mean '\($0)'? " } ?? ""
                        reader.error(keyNode, "unknown license '\(name)'; \(hint)licenses are Contact, Enterprise and Unassigned")
                        continue
                    }
                    guard let text = reader.scalar(seats, "'catalog.licenses.\(name)'"), !text.isEmpty, text != "~", text != "null" else { continue }
                    if text.lowercased() == "unlimited" { continue }
                    guard let count = Int(text), count >= 0 else {
                        reader.error(seats, "seats for \(license) must be a whole number (e.g. 50), or empty for unlimited; got '\(text)'")
                        continue
                    }
                    if license != "Unassigned" { catalog.seats[license] = count }
                }
            case "roles":
                guard let items = value.sequence else {
                    reader.error(value, "'catalog.roles' must be a list, e.g. [Team Lead, QA Analyst]")
                    continue
                }
                for item in items {
                    guard let role = reader.scalar(item, "each of 'catalog.roles'")?.trimmingSpaces(), !role.isEmpty else { continue }
                    if catalog.canonicalRole(role) != nil {
                        reader.error(item, "role '\(role)' is already defined; list each custom role once")
                    } else {
                        catalog.customRoles.append(role)
                    }
                }
            case "data_centers":
                var centers: [String: String] = [:]
                for (code, keyNode, name) in reader.entries(value, "catalog.data_centers", allowed: nil) {
                    guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                        reader.error(keyNode, "data center code '\(code)' must be two letters, e.g. US, UK, BR")
                        continue
                    }
                    centers[code.uppercased()] = reader.scalar(name, "'catalog.data_centers.\(code)'") ?? code
                }
                if !centers.isEmpty { catalog.dataCenters = centers }
            default:
                guard let text = reader.scalar(value, "'catalog.extension_range'") else { continue }
                if let range = JobConfig.parseRange(text) {
                    catalog.extensionRange = range
                } else {
                    reader.error(value, JobConfig.extensionRangeMessage(text))
                }
            }
        }
        return catalog
    }
}
