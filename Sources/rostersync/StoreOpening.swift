import Foundation
import GRDB
import RosterEngine
import RosterStorePostgres
import RosterStoreSQLite

extension GlobalOptions {
    /// The store in effect: `--db` (a path relative to the working directory, or a URL), else the
    /// config's `store:` (relative to the config file), else `rostersync.sqlite` beside the config file.
    func storeLocation(_ loaded: RosterConfig) -> String {
        if let db { return db }
        if let store = loaded.store { return store }
        let folder = (configPath as NSString).deletingLastPathComponent
        return folder.isEmpty ? "rostersync.sqlite" : folder + "/rostersync.sqlite"
    }
}

/// Opening the store (a SQLite file or a PostgreSQL database) with messages that name it and the cause.
enum StoreOpening {
    /// Opens the store at `location`: a `postgres://` URL or a SQLite file path.
    /// - Parameters:
    ///   - config: where a PostgreSQL store's password and CA file come from.
    ///   - mustExist: a read-only command: no SQLite file there is an error, never a new store.
    /// - Throws: ``UsageError`` naming the store (never a password) and why it cannot be used.
    static func open(_ location: String, config: RosterConfig, mustExist: Bool) async throws -> any UserStore {
        if PostgresLocation.isPostgresURL(location) {
            return try await openPostgres(location, config: config)
        }
        if location.contains("://") {
            throw UsageError(message: "store '\(location.redactingURLPassword)' is not supported; use a SQLite file path such as ./rostersync.sqlite "
                + "or a PostgreSQL URL such as postgres://USER@HOST:5432/DATABASE")
        }
        return try openSQLite(location, mustExist: mustExist, lease: config.runLease)
    }

    /// Connects to the PostgreSQL store at `url`, with the password from `store.password` (an
    /// environment reference) or `PGPASSWORD`, and migrates it.
    static func openPostgres(_ url: String, config: RosterConfig, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> PostgresUserStore {
        var location: PostgresLocation
        do {
            location = try PostgresLocation.parse(url)
        } catch {
            throw UsageError(message: error.description)
        }
        if let variable = config.storePasswordVariable {
            guard let password = environment[variable], !password.isEmpty else {
                throw UsageError(message: "the store's password is to come from the environment variable \(variable) (store.password in the config), "
                    + "which is not set; export \(variable) before running rostersync")
            }
            location.password = password
        } else if let password = environment["PGPASSWORD"], !password.isEmpty {
            location.password = password
        }
        if location.caFile == nil { location.caFile = config.storeCAFile }
        do {
            return try await PostgresUserStore.open(location, lease: config.runLease)
        } catch let error as PostgresStoreError {
            throw UsageError(message: "cannot open the store \(location.displayName): \(error.description)")
        }
    }

    /// Opens the SQLite store at `location`.
    static func openSQLite(_ location: String, mustExist: Bool, lease: RunLease = RunLease()) throws -> SQLiteUserStore {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fileManager.fileExists(atPath: location, isDirectory: &isDirectory)
        if mustExist && !exists {
            throw UsageError(message: "no store at \(location); run an import or a sync first (or name the store with --db PATH or store: in the config)")
        }
        if isDirectory.boolValue {
            throw UsageError(message: "cannot open the store \(location): it is a folder; give a file path such as \(location)/rostersync.sqlite")
        }
        let folder = (location as NSString).deletingLastPathComponent
        if !exists, !folder.isEmpty, !fileManager.fileExists(atPath: folder) {
            throw UsageError(message: "cannot create the store \(location): the folder \(folder) does not exist; create it or give another --db path")
        }
        do {
            return try SQLiteUserStore(path: location, lease: lease)
        } catch let error as DatabaseError {
            throw UsageError(message: "cannot open the store \(location): \(cause(of: error, location: location, exists: exists))")
        }
    }

    private static func cause(of error: DatabaseError, location: String, exists: Bool) -> String {
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return "the file is not a RosterSync store (not a SQLite database); give the path of the store, or a new file name"
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return exists
                ? "permission denied; check that you may read and write the file and its folder"
                : "cannot create the file; check that you may write to its folder"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "another process holds it locked; try again when that run has ended"
        default:
            return error.message ?? "\(error.resultCode)"
        }
    }
}
