import Foundation
import RosterStorePostgres

/// The PostgreSQL database the import benchmark writes into: `rosterbench` on the given server,
/// dropped and created anew for each run so that "fresh" starts from an empty store.
enum PostgresBenchDatabase {
    static let name = "rosterbench"

    /// Drops and creates the database; returns the store URL of it.
    static func recreate(server url: String) async throws -> String {
        var server = try PostgresLocation.parse(url)
        server.password = ProcessInfo.processInfo.environment["PGPASSWORD"]
        try await PostgresDatabases.drop(name, on: server)
        try await PostgresDatabases.create(name, on: server)
        var query = "sslmode=\(server.tls.rawValue)"
        if let caFile = server.caFile { query += "&sslrootcert=\(caFile)" }
        return "postgres://\(server.user)@\(server.host):\(server.port)/\(name)?\(query)"
    }
}
