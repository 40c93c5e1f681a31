import Foundation
public import Logging
import PostgresNIO

/// Where a PostgreSQL store is: `postgres://USER@HOST:PORT/DATABASE?sslmode=MODE&sslrootcert=FILE`.
///
/// The password never comes from the URL (a URL is printed in messages, kept in shell history and
/// shown by `ps`); it is handed over separately, from the environment (``password``).
public struct PostgresLocation: Sendable, Equatable {
    /// How the connection is encrypted, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, else plain TCP (no certificate check).
        case prefer
        /// TLS, without checking the server's certificate.
        case require
        /// TLS with the server's certificate checked against the CA file (or the system's CAs), not its name.
        case verifyCA = "verify-ca"
        /// TLS with the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// A PEM file of the CA certificates that sign the server's certificate (`sslrootcert`).
    public var caFile: String?
    /// The password, from `password: env:NAME` or `PGPASSWORD`; never printed.
    public var password: String?

    public init(host: String, port: Int = 5432, user: String, database: String, tls: TLSMode = .prefer, caFile: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.caFile = caFile
        self.password = password
    }

    /// Whether `text` names a PostgreSQL store (rather than a SQLite file).
    public static func isPostgresURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses a store URL.
    /// - Throws: ``PostgresLocationError`` saying what is wrong and what to write instead.
    public static func parse(_ url: String) throws(PostgresLocationError) -> PostgresLocation {
        let shown = url.redactingURLPassword
        guard isPostgresURL(url), let components = URLComponents(string: url) else {
            throw PostgresLocationError("'\(shown)' is not a PostgreSQL URL; write postgres://USER@HOST:PORT/DATABASE")
        }
        if components.password != nil {
            throw PostgresLocationError(
                "the store URL '\(shown)' holds a password; remove it from the URL and give it as `password: env:NAME` "
                    + "under `store:` in the config, or in the PGPASSWORD environment variable")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresLocationError("the store URL '\(shown)' names no host; write postgres://USER@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresLocationError("the store URL '\(shown)' names no user; write postgres://USER@\(host)/DATABASE")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLocationError("the store URL '\(shown)' names no database; write postgres://\(user)@\(host)/DATABASE")
        }
        var location = PostgresLocation(host: host, port: components.port ?? 5432, user: user, database: database)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw PostgresLocationError("the store URL '\(shown)' has sslmode=\(item.value ?? ""); write one of \(modes)")
                }
                location.tls = mode
            case "sslrootcert":
                guard let file = item.value, !file.isEmpty else {
                    throw PostgresLocationError("the store URL '\(shown)' has an empty sslrootcert; give the path of the CA's PEM file")
                }
                location.caFile = file
            default:
                throw PostgresLocationError(
                    "the store URL '\(shown)' has the unknown setting '\(item.name)'; the settings are sslmode and sslrootcert")
            }
        }
        return location
    }

    /// The URL without a password, for messages: `postgres://USER@HOST:PORT/DATABASE`.
    public var displayName: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}

/// A store URL that cannot be used.
public struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension String {
    /// This text with the password of any `scheme://user:password@` URL in it replaced by `****`,
    /// for messages and logs.
    public var redactingURLPassword: String {
        var result = ""
        var rest = self[...]
        while let scheme = rest.range(of: "://") {
            result += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == " " || $0 == "'" || $0 == "\"" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result += authority[..<colon] + ":****" + authority[at...]
                rest = rest[authorityEnd...]
            }
        }
        return result + rest
    }
}

/// Creating and dropping whole databases on a server, for setting up a store's database and for
/// tests that each want a database of their own.
public enum PostgresDatabases {
    /// Creates the database `name` on the server of `server` (connecting to its database), owned by its user.
    /// - Throws: ``PostgresStoreError`` when the server cannot be reached or refuses.
    public static func create(_ name: String, on server: PostgresLocation, logger: Logger = Logger(label: "rostersync.store")) async throws {
        try await once(on: server, "CREATE DATABASE \(quoted(name))", logger: logger)
    }

    /// Drops the database `name`, closing any connection to it (PostgreSQL 13 and later).
    public static func drop(_ name: String, on server: PostgresLocation, logger: Logger = Logger(label: "rostersync.store")) async throws {
        try await once(on: server, "DROP DATABASE IF EXISTS \(quoted(name)) WITH (FORCE)", logger: logger)
    }

    /// Runs `sql` on a connection of its own, closed afterwards.
    private static func once(on server: PostgresLocation, _ sql: String, logger: Logger) async throws {
        let connections = try PostgresConnections(location: server, logger: logger)
        do {
            try await connections.with { connection in
                try await connection.execute(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
            await connections.closeAll()
        } catch {
            await connections.closeAll()
            throw PostgresStoreError.statement(error, doing: "run \(sql)")
        }
    }

    /// `name` as an SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
