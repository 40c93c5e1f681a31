import ArgumentParser
import Foundation
import RosterEngine
import RosterStoreSQLite

/// `--config`, `--db`, `--json` and `--log-level`, accepted after every subcommand.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Config file (default ./rostersync.yaml; optional).")
    var config: String?

    @Option(help: "Store: a SQLite file path or postgres://USER@HOST:PORT/DATABASE (default `store:` in the config, or rostersync.sqlite beside the config file).")
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
    /// - Parameters:
    ///   - jobs: how the command runs the config's jobs, which decides where their files may be.
    ///   - readOnly: the command only reads; a store that does not exist yet is an error instead
    ///     of being created.
    func makeServices(jobs: JobUse = .none, readOnly: Bool = false) async throws -> Services {
        var config = try loadConfig()
        if jobs != .none { try config.confineJobFiles(file: configPath, confineByDefault: jobs == .service) }
        let location = storeLocation(config)
        let store = try await StoreOpening.open(location, config: config, mustExist: readOnly)
        return Services(config: config, store: LeaseRenewingStore(base: store, lease: config.runLease), storePath: location)
    }

    /// The config in effect (the defaults when `./rostersync.yaml` is absent and no --config was given).
    func loadConfig() throws -> RosterConfig {
        try RosterConfig.load(path: configPath, required: config != nil)
    }

    /// The store files no output may replace, without opening the store (a broken config leaves
    /// the `--db` path and the default).
    func storeFiles() -> [ProtectedFile] {
        let location = (try? loadConfig()).map(storeLocation) ?? db ?? "rostersync.sqlite"
        return [db, location, "rostersync.sqlite"].compactMap { $0 }.filter { !$0.contains("://") }.flatMap(ProtectedFile.store(at:))
    }
}

/// What a command needs, built once from the options.
struct Services {
    var config: RosterConfig
    var store: any UserStore
    /// The SQLite file or the URL behind `store`.
    var storePath: String

    /// The files of a SQLite store, which no output may replace (none for a PostgreSQL store).
    var storeFiles: [ProtectedFile] { storePath.contains("://") ? [] : ProtectedFile.store(at: storePath) }

    var importService: ImportService { ImportService(store: store, catalog: config.catalog) }
}

