import CurlHTTP
import Foundation
import Logging
import RosterEngine
import RosterServer

/// `serve --http [HOST:PORT]`: the API and console beside the scheduler, in one service group.
extension ServeCommand {
    /// The address `--http` takes when given without a value.
    static let defaultHTTPAddress = "127.0.0.1:8080"

    /// Gives a bare `--http` (last, or followed by another option) its default address, since an
    /// option with an optional value is not something the argument parser reads.
    static func expandingBareHTTPOption(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            if argument == "--http", index + 1 == arguments.count || arguments[index + 1].hasPrefix("-") {
                result.append(defaultHTTPAddress)
            }
        }
        return result
    }

    /// `HOST:PORT` as host and port.
    static func parseHTTPAddress(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw UsageError(message: "--http takes HOST:PORT, e.g. 127.0.0.1:8080, got '\(text)'")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw UsageError(message: "--http takes HOST:PORT, e.g. 127.0.0.1:8080; the host is missing in '\(text)'") }
        return (host, port)
    }

    /// Runs the HTTP server and the scheduler until SIGTERM or Ctrl-C; both stop gracefully.
    func serveHTTP(at address: String, services: Services) async throws {
        let (host, port) = try Self.parseHTTPAddress(address)
        let config = services.config
        let tokens = try APITokens(config.http.tokens, environment: ProcessInfo.processInfo.environment, configFile: global.configPath)
        let http = CurlHTTPClient()
        let store = services.store
        let catalog = config.catalog
        let monitor = RunMonitor()
        let makeSync: JobRunner.MakeSync = { store in
            var sync = SyncService(store: store, catalog: catalog, http: http)
            sync.progress = monitor.syncProgress
            return sync
        }
        let configFile = global.configPath
        let log = Logger(label: "rostersync.scheduler")
        let (scheduler, scheduled) = try await Self.makeScheduler(
            config: config, configFile: configFile, store: store, sync: { makeSync(monitor.watchingRun(store)) }, logger: log)
        let runner = JobRunner(store: store, configFile: configFile, scheduler: scheduler, monitor: monitor, makeSync: makeSync)
        let environment = ServerEnvironment(config: config, configFile: configFile, store: store, tokens: tokens, jobs: runner)
        let logger = Logger(label: "rostersync.http")
        if tokens.isEmpty {
            log.warning("rostersync serve: no api_tokens in \(configFile): every route but /healthz answers 401; add one with `rostersync token create NAME`")
        }
        let watch = Task { await AbandonedRunWatch(store: store, logger: log).run() }
        defer { watch.cancel() }
        try await RosterHTTPServer.run(
            environment, host: host, port: port,
            services: [SchedulerLifecycleService(scheduler), BackgroundRunsService(runner)], logger: logger,
            onListening: { port in
                log.notice("rostersync serve: API and console on http://\(host):\(port) (\(scheduled.count) scheduled jobs); SIGTERM or Ctrl-C stops")
            })
        await http.shutdown()
        log.notice("rostersync serve: stopped")
    }
}
