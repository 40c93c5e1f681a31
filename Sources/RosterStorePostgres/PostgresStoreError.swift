import Foundation
import PostgresNIO

/// A PostgreSQL store that cannot be reached or used, or a statement the server refused: a sentence
/// for people naming the server (never the password) and what to check.
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The server's SQLSTATE, when the server answered with an error.
    public var sqlState: String?

    public init(_ description: String, sqlState: String? = nil) {
        self.description = description
        self.sqlState = sqlState
    }

    /// Why connecting to `location` failed.
    static func connecting(to location: PostgresLocation, _ error: any Error) -> PostgresStoreError {
        let server = "\(location.host):\(location.port)"
        guard let error = error as? PSQLError else {
            return PostgresStoreError("cannot connect to the PostgreSQL server at \(server) (database \(location.database)): \(error)")
        }
        let state = error.serverInfo?[.sqlState]
        switch (error.code, state) {
        case (.server, "28P01"), (.server, "28000"):
            return PostgresStoreError(
                "the PostgreSQL server at \(server) refused user '\(location.user)' for database '\(location.database)' "
                    + "(\(error.serverInfo?[.message] ?? "authentication failed")); check the user and the password "
                    + "(`password: env:NAME` under `store:` in the config, or PGPASSWORD)", sqlState: state)
        case (.authMechanismRequiresPassword, _):
            return PostgresStoreError(
                "the PostgreSQL server at \(server) asks for a password for user '\(location.user)' and none was given; "
                    + "set `password: env:NAME` under `store:` in the config, or PGPASSWORD")
        case (.server, "3D000"):
            return PostgresStoreError(
                "the PostgreSQL server at \(server) has no database '\(location.database)'; create it "
                    + "(createdb \(location.database)) or fix the database in the store URL", sqlState: state)
        case (.server, _):
            return PostgresStoreError(
                "the PostgreSQL server at \(server) refused the connection to database '\(location.database)': "
                    + "\(error.serverInfo?[.message] ?? "unknown error")", sqlState: state)
        case (.sslUnsupported, _):
            return PostgresStoreError(
                "the PostgreSQL server at \(server) does not offer TLS; ask for it on the server, or write sslmode=disable in the store URL")
        default:
            let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return PostgresStoreError(
                "cannot reach the PostgreSQL server at \(server) (database \(location.database)): \(cause); "
                    + "check that the server is running and that the host and port in the store URL are right")
        }
    }

    /// A statement the server refused (a unique key taken, a lost connection), as a sentence.
    static func statement(_ error: any Error, doing what: String) -> any Error {
        guard let error = error as? PSQLError else { return error }
        if error.code == .server {
            let message = error.serverInfo?[.message] ?? "unknown error"
            return PostgresStoreError("the store refused to \(what): \(message)", sqlState: error.serverInfo?[.sqlState])
        }
        return PostgresStoreError("lost the connection to the store while trying to \(what) (\(error.code)); nothing of it was kept")
    }
}

extension PSQLError {
    /// The server's SQLSTATE of this error, if the server sent one.
    var sqlState: String? { code == .server ? serverInfo?[.sqlState] : nil }
}

extension PostgresConnection {
    /// Runs `query` to its end, reading and dropping any rows: a statement's error can arrive after
    /// its first rows, and only a drained result says it succeeded.
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
