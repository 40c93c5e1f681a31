import Foundation
import RosterCore

/// A ``Connector`` bound to a transport, a sleeper, a clock and a jitter source; pulls streams.
///
/// One client caches the access token across pulls. Typical use:
/// ```swift
/// let spec = try ConnectorFile.load(path: "connectors/microsoft-graph.yaml")
/// let connector = try spec.resolve(config: ["tenant": "…", "client_id": "…"], secrets: ["client_secret": secret])
/// let client = ConnectorClient(connector: connector, http: curl)
/// let outcome = try await client.pull(stream: "users", state: nil) { page in try await store(page) }
/// ```
public struct ConnectorClient: Sendable {
    /// The resolved connector.
    public let connector: Connector
    private let http: any HTTPClient
    private let sleeper: any Sleeper
    private let now: @Sendable () -> Double
    private let random: @Sendable () -> Double
    private let tokens: TokenProvider

    /// - Parameters:
    ///   - http: the transport (`CurlHTTP` in production, `ScriptedHTTPClient` in tests).
    ///   - sleeper: waits between retries.
    ///   - now: current time in Unix seconds (token expiry, `Retry-After` dates, cursors).
    ///   - random: a draw in [0, 1) for backoff jitter.
    public init(
        connector: Connector, http: any HTTPClient, sleeper: any Sleeper = TaskSleeper(),
        now: @escaping @Sendable () -> Double = ConnectorClient.systemNow,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.connector = connector
        self.http = http
        self.sleeper = sleeper
        self.now = now
        self.random = random
        self.tokens = TokenProvider(connector: connector, http: http, now: now)
    }

    /// Pulls every page of `stream`, handing each to `onPage` before fetching the next, so memory
    /// holds one page at a time.
    ///
    /// - Parameters:
    ///   - stream: a stream name from the connector file.
    ///   - state: stored incremental state; `nil` pulls everything.
    ///   - onPage: receives each page in order; an error it throws stops the pull and is rethrown as is.
    /// - Returns: counts, the new incremental state, and whether this was a full pull.
    /// - Throws: ``PullError`` when the last page was not reached (auth, HTTP, parse or transport
    ///   failure, retries exhausted); whatever `onPage` throws.
    public func pull(
        stream name: String, state: IncrementalState? = nil, onPage: (PullPage) async throws -> Void
    ) async throws -> PullOutcome {
        guard let stream = connector.stream(named: name) else {
            throw PullError(job: connector.jobName, connector: connector.name, stream: name, stage: .setup, status: nil, retryable: false,
                            redactedURL: nil, message: "no stream named '\(name)' in \(connector.path)"
                                + Suggestion.hint(for: name, among: connector.streams.map(\.name)), pagesDelivered: 0)
        }
        var session = try await authenticate(stream: name, forceRefresh: false, pages: 0)
        let identity = PullMachine.Identity(job: connector.jobName, connector: connector.name, canRefreshToken: tokens.canRefresh,
                                            redactor: connector.redactor)
        var machine = PullMachine(identity: identity, stream: stream, baseURL: session.instanceURL ?? connector.baseURL,
                                  retry: connector.retry, state: state, startTime: now())
        var action = machine.start()
        while true {
            switch action {
            case .send(let url):
                do {
                    let response = try await http.send(request(url: url, stream: stream, session: session))
                    action = machine.received(response, now: now(), jitter: random())
                } catch let error as TransportError {
                    action = machine.transportFailed(error, jitter: random())
                }
            case .refreshToken:
                session = try await authenticate(stream: name, forceRefresh: true, pages: machine.pagesDelivered)
                action = machine.tokenRefreshed()
            case .wait(let seconds):
                do {
                    try await sleeper.sleep(seconds: seconds)
                } catch {
                    throw machine.failure(.page(machine.pagesDelivered + 1), "cancelled while waiting to retry")
                }
                action = machine.waited()
            case .deliver(let page):
                try await onPage(page)
                action = machine.delivered()
            case .complete(let outcome):
                return outcome
            case .failed(let error):
                throw error
            }
        }
    }

    /// A session, retrying a throttled or unreachable token endpoint with the connector's backoff.
    private func authenticate(stream: String, forceRefresh: Bool, pages: Int) async throws -> AuthSession {
        let policy = RetryPolicy(settings: connector.retry)
        var attempt = 1
        while true {
            do {
                return try await tokens.session(forceRefresh: forceRefresh)
            } catch {
                guard error.retryable, attempt < connector.retry.maxAttempts else {
                    throw PullError(job: connector.jobName, connector: connector.name, stream: stream, stage: .auth, status: error.status,
                                    retryable: error.retryable, redactedURL: connector.tokenURL?.redactedURL, message: error.message,
                                    pagesDelivered: pages)
                }
                try await sleeper.sleep(seconds: policy.backoff(attempt: attempt, jitter: random()))
                attempt += 1
            }
        }
    }

    private func request(url: String, stream: ResolvedStream, session: AuthSession) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [("Accept", stream.kind == .csv ? "text/csv, */*" : "application/json")]
        if let header = session.header { headers.append((header.name, header.value.revealForTransport())) }
        headers += connector.headers + stream.headers
        return HTTPRequest(url: url, headers: headers, connectTimeout: connector.timeouts.connectSeconds,
                           totalTimeout: connector.timeouts.totalSeconds, allowedSchemes: connector.schemes,
                           maxBodyBytes: connector.timeouts.maxBodyBytes)
    }
}

extension ConnectorClient {
    /// The system clock in Unix seconds, the default `now`.
    @Sendable public static func systemNow() -> Double { Date().timeIntervalSince1970 }
}

extension PullMachine {
    /// A failure raised by the driver itself (e.g. cancellation while waiting).
    func failure(_ stage: PullError.Stage, _ message: String) -> PullError {
        PullError(job: identity.job, connector: identity.connector, stream: stream.name, stage: stage, status: nil, retryable: true,
                  redactedURL: currentURL.redactedURL, message: message, pagesDelivered: pagesDelivered)
    }
}
