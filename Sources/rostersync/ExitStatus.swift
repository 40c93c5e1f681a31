import ArgumentParser
import Foundation
import GRDB
import RosterConnectors
import RosterCore
import RosterEngine
import RosterMapping
import RosterStorePostgres

/// The one place where errors become exit codes and messages (DESIGN §5).
enum ExitStatus {
    static let success: Int32 = 0
    static let rowsFailed: Int32 = 1
    static let usage: Int32 = 2
    static let fileRejected: Int32 = 3
    static let pullFailed: Int32 = 4
    /// The job is already running, or the store stayed busy with another process's writes.
    static let busy: Int32 = 5

    /// The exit code and the message for people of an error that reached the top; a password in a
    /// URL (a store's, a source's) never shows.
    static func classify(_ error: any Error) -> (Int32, String) {
        let (code, message) = describe(error)
        return (code, message.redactingURLPassword)
    }

    private static func describe(_ error: any Error) -> (Int32, String) {
        switch error {
        case let rejection as FileRejection:
            return (fileRejected, "\(rejection)\nnothing was imported; fix the file and run the import again")
        case let pull as PullError:
            // Its description names job, stage, status and redacted URL, never a token or secret.
            return (pullFailed, pull.description)
        case let conflict as RunConflict:
            return (busy, "error: \(conflict)")
        case let storeBusy as StoreBusy:
            return (busy, "error: \(storeBusy)")
        case let config as ConfigError:
            return (usage, config.description)
        case let mapping as MappingDiagnostics:
            return (usage, mapping.description)
        case let records as SampleRecordsError:
            return (usage, records.description)
        case let record as JSONRecordError:
            return (usage, "\(record)\nwrite one JSON object per line (JSON lines)")
        case let source as ByteSourceError:
            return (usage, "error: \(source)")
        case let usageError as UsageError:
            return (usage, "error: \(usageError.message)")
        case let store as PostgresStoreError:
            return (usage, "error: \(store)")
        case let database as DatabaseError:
            // The description of a GRDB error carries no bound values (user data), only the SQL.
            return (usage, "error: the store could not be used: \(database.message ?? "\(database.resultCode)")")
        default:
            return (usage, "error: \(error)")
        }
    }
}

/// A usage problem found after parsing: a missing run, an unsupported store URL.
struct UsageError: Error {
    var message: String
}
