import Foundation
import PostgresNIO

/// A PostgreSQL store that cannot be reached or used, or a statement the server refused: a sentence
/// for people naming the server (never the password) and what to check.
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The server's SQLSTATE, when the server answered with an error.
    public var sqlState: String?
    /// Whether the server was out of reach (down, or the connection lost) rather than refusing:
    /// the same work may succeed once it is back.
    public var serverOutOfReach = false
    /// What the store was trying to do when it lost its connection (if known), and the cause in words.
    private var lost: (doing: String?, cause: String)?
    /// Whether the description names the server (a connection does not know its store's name).
    private var namesServer = false

    public init(_ description: String, sqlState: String? = nil) {
        self.description = description
        self.sqlState = sqlState
    }

    /// The store at `location` lost its connection while `doing` something (nothing of which was
    /// kept, unless `mayHaveKept`): names the server, never the password, and what to check.
    static func lostConnection(to location: PostgresLocation, doing: String?, cause: String, mayHaveKept: Bool = false) -> PostgresStoreError {
        let kept = mayHaveKept
            ? "the server may or may not have kept it; check with `rostersync runs list` before running it again; "
            : doing == nil ? "" : "nothing of it was kept; "
        var error = PostgresStoreError(
            "lost the connection to the PostgreSQL server at \(location.host):\(location.port) (database \(location.database))"
                + (doing.map { " while trying to \($0)" } ?? "") + " (\(cause)); \(kept)"
                + "check that the server is running and reachable from this host")
        error.serverOutOfReach = true
        error.lost = (doing, cause)
        error.namesServer = true
        return error
    }

    /// A statement not sent because its connection had closed already.
    static let closedConnection = lostConnection(doing: nil, cause: "the server closed the connection")

    /// `error` naming the server of `location` when it is a lost connection (which a connection
    /// does not know its store's name for), else `error` itself.
    /// - Parameter doing: what was being done, when the error does not say.
    static func naming(_ location: PostgresLocation, _ error: any Error, doing: String? = nil) -> any Error {
        if let error = error as? PSQLError, error.code != .server {
            return lostConnection(to: location, doing: doing, cause: error.connectionCause)
        }
        if let error = error as? PostgresStoreError, let lost = error.lost, !error.namesServer {
            return lostConnection(to: location, doing: lost.doing ?? doing, cause: lost.cause)
        }
        return error
    }

    /// Whether `error` says the connection it came from is lost.
    static func isLostConnection(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.code != .server }
        return (error as? PostgresStoreError)?.lost != nil
    }

    /// Why connecting to `location` failed.
    static func connecting(to location: PostgresLocation, _ error: any Error) -> PostgresStoreError {
        let server = "\(location.host):\(location.port)"
        guard let error = error as? PSQLError else {
            return PostgresStoreError("cannot connect to the PostgreSQL server at \(server) (database \(location.database)): \(error)")
        }
        let state = error.serverInfo?[.sqlState]
        switch (error.code, state) {
        case (.server, "28P01"):
            return PostgresStoreError(
                "the PostgreSQL server at \(server) refused the password of user '\(location.user)' for database '\(location.database)' "
                    + "(\(error.serverInfo?[.message] ?? "password authentication failed")); check that the environment variable named by "
                    + "`password: env:NAME` under `store:` in the config (or PGPASSWORD) holds this user's password on that server, "
                    + "and that the user exists", sqlState: state)
        case (.server, "28000"):
            return PostgresStoreError(
                "the PostgreSQL server at \(server) refused user '\(location.user)' for database '\(location.database)' "
                    + "(\(error.serverInfo?[.message] ?? "authentication failed")); check the user and that the server lets it "
                    + "connect from this host (pg_hba.conf), and the password (`password: env:NAME` under `store:` in the config, or PGPASSWORD)",
                sqlState: state)
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
            var unreachable = PostgresStoreError(
                "cannot reach the PostgreSQL server at \(server) (database \(location.database)): \(cause); "
                    + "check that the server is running and that the host and port in the store URL are right")
            unreachable.serverOutOfReach = true
            return unreachable
        }
    }

    /// A statement the server refused (a unique key taken, a lost connection), as a sentence.
    static func statement(_ error: any Error, doing what: String) -> any Error {
        // What postgres-nio's COPY answers when the connection ends under it.
        if case .connectionClosed? = error as? PostgresError { return lostConnection(doing: what, cause: "the connection closed") }
        guard let error = error as? PSQLError else { return error }
        if error.code == .server {
            let message = error.serverInfo?[.message] ?? "unknown error"
            return PostgresStoreError("the store refused to \(what): \(message)", sqlState: error.serverInfo?[.sqlState])
        }
        return lostConnection(doing: what, cause: error.connectionCause)
    }

    /// A lost connection before the store's server is known (``naming(_:_:doing:)`` adds it).
    private static func lostConnection(doing what: String?, cause: String) -> PostgresStoreError {
        var lost = PostgresStoreError(
            "lost the connection to the store" + (what.map { " while trying to \($0)" } ?? "") + " (\(cause))"
                + (what == nil ? "" : "; nothing of it was kept"))
        lost.serverOutOfReach = true
        lost.lost = (what, cause)
        return lost
    }
}

extension PSQLError {
    /// The server's SQLSTATE of this error, if the server sent one.
    var sqlState: String? { code == .server ? serverInfo?[.sqlState] : nil }

    /// Why a connection failed or ended, in words, from the code and the underlying error.
    var connectionCause: String {
        let what: String
        switch code {
        case .serverClosedConnection: what = "the server closed the connection"
        case .uncleanShutdown: what = "the connection ended without the server saying goodbye"
        case .clientClosedConnection: what = "the connection was closed on this side"
        case .connectionError: what = "the connection failed"
        default: what = "\(code)"
        }
        return underlying.map { "\(what): \($0)" } ?? what
    }
}

extension PostgresConnection {
    /// Runs `query` to its end, reading and dropping any rows: a statement's error can arrive after
    /// its first rows, and only a drained result says it succeeded. A connection that has closed
    /// (the server went away) is refused at once: postgres-nio never answers a query written to a
    /// closed connection.
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        guard !isClosed else { throw PostgresStoreError.closedConnection }
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
