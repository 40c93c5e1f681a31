import ArgumentParser
import Foundation
import RosterEngine
import RosterStoreSQLite

/// `--config`, `--db`, `--json` and `--log-level`, accepted after every subcommand.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Config file (default ./rostersync.yaml; optional).")
    var config: String?

    @Option(help: "Store: a SQLite file path (default ./rostersync.sqlite, or `store:` in the config).")
    var db: String?

    @Flag(help: "Print one JSON object on stdout; human text goes to stderr.")
    var json = false

    /// The config file path in effect.
    var configPath: String { config ?? "rostersync.yaml" }

    /// How a command uses the config's jobs, which decides where their local files may be.
    enum JobUse {
        /// No job runs (`users`, `runs`, `import`…): files are not checked.
        case none
        /// A one-off run (`sync`, `connectors check`): files confined when `allowed_folders` is set.
        case oneOff
        /// `serve`: files confined to `allowed_folders`, by default the config file's folder.
        case service
    }

    /// Loads the config and opens the store: the wiring every command shares.
    func makeServices(jobs: JobUse = .none) throws -> Services {
        var config = try RosterConfig.load(path: configPath, required: self.config != nil)
        if jobs != .none { try config.confineJobFiles(file: configPath, confineByDefault: jobs == .service) }
        let location = db ?? config.store ?? "rostersync.sqlite"
        if location.contains("://") {
            throw UsageError(message: "store '\(location.redactedStoreURL)' is not supported yet; use a SQLite file path such as ./rostersync.sqlite")
        }
        return Services(config: config, store: try SQLiteUserStore(path: location), storePath: location)
    }

    /// The store files no output may replace, without opening the store (the config is read
    /// when it loads; a broken config leaves the `--db` path and the default).
    func storeFiles() -> [ProtectedFile] {
        let configured = (try? RosterConfig.load(path: configPath, required: false))?.store
        return [db, configured, "rostersync.sqlite"].compactMap { $0 }.filter { !$0.contains("://") }.flatMap(ProtectedFile.store(at:))
    }
}

/// What a command needs, built once from the options.
struct Services {
    var config: RosterConfig
    var store: any UserStore
    /// The SQLite file behind `store`.
    var storePath: String

    var importService: ImportService { ImportService(store: store, catalog: config.catalog) }
}

extension String {
    /// A store URL without its password, for messages.
    var redactedStoreURL: String {
        guard let scheme = range(of: "://"), let at = self[scheme.upperBound...].lastIndex(of: "@") else { return self }
        return String(self[..<scheme.upperBound]) + "****" + String(self[at...])
    }
}
