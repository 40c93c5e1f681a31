import Foundation
import GRDB
import RosterEngine
import RosterStoreSQLite

extension GlobalOptions {
    /// The store path in effect: `--db` (relative to the working directory), else the config's
    /// `store:` (relative to the config file), else `rostersync.sqlite` beside the config file.
    func storeLocation(_ loaded: RosterConfig) -> String {
        if let db { return db }
        if let store = loaded.store { return store }
        let folder = (configPath as NSString).deletingLastPathComponent
        return folder.isEmpty ? "rostersync.sqlite" : folder + "/rostersync.sqlite"
    }
}

/// Opening the SQLite store with messages that name the path and the cause.
enum StoreOpening {
    /// Opens the store at `location`.
    /// - Parameters:
    ///   - mustExist: a read-only command: no file there is an error, never a new store.
    ///   - lease: when another instance's running run counts as abandoned.
    /// - Throws: ``UsageError`` naming the path and why it cannot be used.
    static func open(_ location: String, mustExist: Bool, lease: RunLease) throws -> SQLiteUserStore {
        if location.contains("://") {
            throw UsageError(message: "store '\(location.redactedStoreURL)' is not supported yet; use a SQLite file path such as ./rostersync.sqlite")
        }
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
