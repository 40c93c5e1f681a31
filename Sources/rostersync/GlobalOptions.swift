import ArgumentParser
import Foundation
import RosterEngine
import RosterStoreSQLite

/// `--config`, `--db` and `--json`, accepted after every subcommand.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Config file (default ./rostersync.yaml; optional).")
    var config: String?

    @Option(help: "Store: a SQLite file path (default `store:` in the config, or rostersync.sqlite beside the config file).")
    var db: String?

    @Flag(help: "Print one JSON object on stdout; human text goes to stderr.")
    var json = false

    /// The config file path in effect.
    var configPath: String { config ?? "rostersync.yaml" }

    /// Loads the config and opens the store: the wiring every command shares.
    /// - Parameter readOnly: the command only reads; a store that does not exist yet is an error
    ///   instead of being created.
    func makeServices(readOnly: Bool = false) throws -> Services {
        let config = try loadConfig()
        return Services(config: config, store: try StoreOpening.open(storeLocation(config), mustExist: readOnly))
    }

    /// The config in effect (the defaults when `./rostersync.yaml` is absent and no --config was given).
    func loadConfig() throws -> RosterConfig {
        try RosterConfig.load(path: configPath, required: config != nil)
    }
}

/// What a command needs, built once from the options.
struct Services {
    var config: RosterConfig
    var store: any UserStore

    var importService: ImportService { ImportService(store: store, catalog: config.catalog) }
}

extension String {
    /// A store URL without its password, for messages.
    var redactedStoreURL: String {
        guard let scheme = range(of: "://"), let at = self[scheme.upperBound...].lastIndex(of: "@") else { return self }
        return String(self[..<scheme.upperBound]) + "****" + String(self[at...])
    }
}
