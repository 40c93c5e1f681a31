public import RosterCore
import Foundation
import Yams

/// `rostersync.yaml`: where the store is and what the catalog allows (DESIGN §4).
///
/// ```yaml
/// store: ./rostersync.sqlite                   # relative to this file
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
    /// The folder of connector files `connectors list` shows (resolved like ``store``); `nil`
    /// when the config does not name one.
    public var connectors: String?
    public var catalog = Catalog.standard
    /// Sync jobs, in file order; names are unique.
    public var jobs: [JobConfig] = []

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
        if let root = reader.compose(text) {
            for (key, _, value) in reader.entries(root, at: "the top level", allowed: ["store", "connectors", "catalog", "jobs"]) {
                switch key {
                case "store": config.store = reader.string(value, at: "store").map { $0.contains("://") ? $0 : JobConfig.resolve($0, folder) }
                case "connectors": config.connectors = reader.string(value, at: "connectors").map { JobConfig.resolve($0, folder) }
                case "jobs": config.jobs = JobConfig.parseJobs(value, folder: folder, &reader)
                default: config.catalog = parseCatalog(value, &reader)
                }
            }
        }
        guard reader.diagnostics.isEmpty else { throw ConfigError(reader.diagnostics) }
        return config
    }

    private static func parseCatalog(_ node: Node, _ reader: inout YAMLReader) -> Catalog {
        var catalog = Catalog.standard
        for (key, _, value) in reader.entries(node, at: "catalog", allowed: ["licenses", "roles", "data_centers", "extension_range"]) {
            switch key {
            case "licenses":
                for (name, keyNode, seats) in reader.entries(value, at: "catalog.licenses", allowed: nil) {
                    guard let license = Catalog.licenses.first(where: { $0.lowercased() == name.lowercased() }) else {
                        let hint = Suggestions.closest(to: name, in: Catalog.licenses).map { "did you mean '\($0)'? " } ?? ""
                        reader.error(keyNode, "unknown license '\(name)'; \(hint)licenses are Contact, Enterprise and Unassigned")
                        continue
                    }
                    guard let text = reader.string(seats, at: "catalog.licenses.\(name)"), !text.isEmpty, text != "~", text != "null" else { continue }
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
                    guard let role = reader.string(item, at: "catalog.roles")?.trimmingSpaces(), !role.isEmpty else { continue }
                    if catalog.canonicalRole(role) != nil {
                        reader.error(item, "role '\(role)' is already defined; list each custom role once")
                    } else {
                        catalog.customRoles.append(role)
                    }
                }
            case "data_centers":
                var centers: [String: String] = [:]
                for (code, keyNode, name) in reader.entries(value, at: "catalog.data_centers", allowed: nil) {
                    guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                        reader.error(keyNode, "data center code '\(code)' must be two letters, e.g. US, UK, BR")
                        continue
                    }
                    centers[code.uppercased()] = reader.string(name, at: "catalog.data_centers.\(code)") ?? code
                }
                if !centers.isEmpty { catalog.dataCenters = centers }
            default:
                guard let text = reader.string(value, at: "catalog.extension_range") else { continue }
                let bounds = text.split(separator: "-").compactMap { Int($0.trimmingSpaces()) }
                if bounds.count == 2, bounds[0] <= bounds[1], bounds[0] >= 0 {
                    catalog.extensionRange = bounds[0]...bounds[1]
                } else {
                    reader.error(value, "extension_range must be LOW-HIGH with LOW ≤ HIGH, e.g. 2000-2999; got '\(text)'")
                }
            }
        }
        return catalog
    }
}
