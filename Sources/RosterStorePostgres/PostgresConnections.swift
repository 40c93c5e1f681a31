import Foundation
import Logging
import PostgresNIO
import RosterEngine

/// The store's connections to one database: opened when first needed, kept for reuse, and closed
/// when they fail. Each borrower has its connection to itself until it hands it back, so a write
/// scope's transaction never shares its connection.
actor PostgresConnections {
    private let configuration: PostgresConnection.Configuration
    private let location: PostgresLocation
    private let logger: Logger
    private var idle: [PostgresConnection] = []
    private var nextID = 1
    private var closed = false
    /// Connections kept open for reuse at most; more may be open while they are borrowed.
    private let keep = 4

    init(location: PostgresLocation, logger: Logger) throws(PostgresStoreError) {
        self.location = location
        self.logger = logger
        configuration = try Self.configuration(location)
    }

    deinit {
        for connection in idle { Self.close(connection) }
    }

    /// Runs `body` with a connection of its own. A connection whose `body` threw is closed rather
    /// than reused when the error may have left it mid-protocol (anything but a server's refusal).
    /// A lost connection is named as the store's (``PostgresStoreError/serverOutOfReach``), and
    /// the idle connections go with it, so the next use connects anew.
    nonisolated func with<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await borrow()
        do {
            let result = try await body(connection)
            await giveBack(connection, reusable: true)
            return result
        } catch {
            await giveBack(connection, reusable: Self.leavesConnectionUsable(error))
            throw await lost(error)
        }
    }

    /// `error` naming the store when it is a lost connection; then every idle connection is
    /// closed too, as a server that went away took them all.
    /// - Parameter doing: what was being done, when the error does not say.
    func lost(_ error: any Error, doing: String? = nil) -> any Error {
        guard PostgresStoreError.isLostConnection(error) else { return error }
        for connection in idle { Self.close(connection) }
        idle.removeAll()
        return PostgresStoreError.naming(location, error, doing: doing)
    }

    /// A connection of its own for the caller: an idle one, else a new one.
    func borrow() async throws -> PostgresConnection {
        while let connection = idle.popLast() {
            if !connection.isClosed { return connection }
        }
        guard !closed else { throw PostgresStoreError("the store \(location.displayName) was closed") }
        let id = nextID
        nextID += 1
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        } catch {
            throw PostgresStoreError.connecting(to: location, error)
        }
    }

    /// Takes back a borrowed connection: kept for reuse when `reusable`, else closed.
    func giveBack(_ connection: PostgresConnection, reusable: Bool) {
        if reusable, !closed, !connection.isClosed, idle.count < keep {
            idle.append(connection)
        } else {
            Self.close(connection)
        }
    }

    /// Closes every idle connection; borrowed ones close when given back.
    func closeAll() async {
        closed = true
        for connection in idle { try? await connection.close() }
        idle.removeAll()
    }

    /// Closes `connection` without waiting; the connection object lives until it is closed.
    private static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// A server's refusal (a constraint, a lock timeout) ends the statement, not the connection.
    private static func leavesConnectionUsable(_ error: any Error) -> Bool {
        (error as? PSQLError)?.code == .server || error is RunConflict
    }

    private static func configuration(_ location: PostgresLocation) throws(PostgresStoreError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch location.tls {
            case .disable:
                tls = .disable
            case .prefer, .require:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .none
                let context = try NIOSSLContext(configuration: settings)
                tls = location.tls == .prefer ? .prefer(context) : .require(context)
            case .verifyCA, .verifyFull:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = location.tls == .verifyFull ? .fullVerification : .noHostnameVerification
                if let caFile = location.caFile {
                    guard FileManager.default.isReadableFile(atPath: caFile) else {
                        throw PostgresStoreError("cannot read the CA file \(caFile) (sslrootcert of \(location.displayName)); give the path of a PEM file")
                    }
                    settings.trustRoots = .file(caFile)
                }
                tls = .require(try NIOSSLContext(configuration: settings))
            }
        } catch let error as PostgresStoreError {
            throw error
        } catch {
            throw PostgresStoreError("cannot set up TLS for \(location.displayName): \(error); check sslmode and the CA file")
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
