import Foundation
public import Logging
import RosterCore

/// A ``Connector`` bound to a transport, a clock for waits, a wall-time source and a jitter source; pulls streams.
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
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> Double
    private let random: @Sendable () -> Double
    private let tokens: TokenProvider
    private let logger: Logger

    /// - Parameters:
    ///   - http: the transport (`CurlHTTP` in production, `ScriptedHTTPClient` in tests).
    ///   - clock: waits between retries and for rate limits on it (a manual clock in tests).
    ///   - now: current wall time in Unix seconds (token expiry, `Retry-After` dates, cursors).
    ///   - random: a draw in [0, 1) for backoff jitter.
    ///   - logger: receives each page (debug), each retry and rate-limit wait with its reason, and
    ///     each token fetch; URLs without query, never a secret, token or `Authorization` value.
    public init(
        connector: Connector, http: any HTTPClient, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Double = ConnectorClient.systemNow,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "rostersync.connectors")
    ) {
        var logger = logger
        logger[metadataKey: "connector"] = "\(connector.name)"
        if let job = connector.jobName { logger[metadataKey: "job"] = "\(job)" }
        self.connector = connector
        self.http = http
        self.clock = clock
        self.now = now
        self.random = random
        self.logger = logger
        self.tokens = TokenProvider(connector: connector, http: http, now: now, logger: logger)
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
        var logger = logger
        logger[metadataKey: "stream"] = "\(name)"
        var action = machine.start()
        var lastFailure: RetryReason?
        while true {
            switch action {
            case .send(let url):
                logger.trace("requesting a page", metadata: ["page": "\(machine.pagesDelivered + 1)", "url": "\(url.redactedURL)"])
                do {
                    let response = try await http.send(request(url: url, stream: stream, session: session))
                    lastFailure = .response(response)
                    action = machine.received(response, now: now(), jitter: random())
                } catch let error as TransportError {
                    lastFailure = .transport(error)
                    action = machine.transportFailed(error, jitter: random())
                }
            case .refreshToken:
                logger.info("the access token was rejected (HTTP 401); getting a new one", metadata: ["page": "\(machine.pagesDelivered + 1)"])
                session = try await authenticate(stream: name, forceRefresh: true, pages: machine.pagesDelivered)
                action = machine.tokenRefreshed()
            case .wait(let seconds):
                lastFailure?.log(to: logger, waiting: seconds, page: machine.pagesDelivered + 1, url: machine.currentURL.redactedURL)
                do {
                    try await clock.sleep(for: .seconds(seconds))
                } catch {
                    throw machine.failure(.page(machine.pagesDelivered + 1), "cancelled while waiting to retry")
                }
                action = machine.waited()
            case .deliver(let page):
                logger.debug("page received", metadata: [
                    "page": "\(page.number)", "records": "\(page.records.count)", "removed": "\(page.removedIDs.count)",
                    "bytes": "\(page.rawBody?.count ?? 0)",
                ])
                try await onPage(page)
                action = machine.delivered()
            case .complete(let outcome):
                logger.debug("pull complete", metadata: [
                    "pages": "\(outcome.pages)", "records": "\(outcome.records)", "full_pull": "\(outcome.isFullPull)",
                ])
                return outcome
            case .failed(let error):
                logger.debug("pull failed", metadata: ["stage": "\(error.stage)", "retryable": "\(error.retryable)"])
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
                let wait = policy.backoff(attempt: attempt, jitter: random())
                logger.warning("the token request failed; retrying", metadata: [
                    "reason": "\(error.message)", "status": "\(error.status.map(String.init) ?? "none")",
                    "attempt": "\(attempt)", "wait_seconds": "\(RetryReason.rounded(wait))",
                ])
                try await clock.sleep(for: .seconds(wait))
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

/// What the request before a retry wait got, for the log line that announces the wait.
private enum RetryReason {
    /// A response the retry policy waits out: a rate limit (429, a vendor's 403 throttle) or a server error.
    case response(HTTPResponse)
    /// No response at all.
    case transport(TransportError)

    /// Logs the wait: rate limits at info (they are the server's normal pacing), other retries at warning.
    func log(to logger: Logger, waiting seconds: Double, page: Int, url: String) {
        var metadata: Logger.Metadata = ["page": "\(page)", "url": "\(url)", "wait_seconds": "\(Self.rounded(seconds))"]
        switch self {
        case .response(let response):
            metadata["status"] = "\(response.status)"
            if let retryAfter = response.header("Retry-After") { metadata["retry_after"] = "\(retryAfter)" }
            if response.status < 500 {
                logger.info("rate limited; waiting before the next request", metadata: metadata)
            } else {
                logger.warning("the server answered with an error; retrying", metadata: metadata)
            }
        case .transport(let error):
            metadata["reason"] = "\(error.detail)"
            logger.warning("no response; retrying", metadata: metadata)
        }
    }

    /// Seconds rounded to milliseconds, for log lines.
    static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}

extension PullMachine {
    /// A failure raised by the driver itself (e.g. cancellation while waiting).
    func failure(_ stage: PullError.Stage, _ message: String) -> PullError {
        PullError(job: identity.job, connector: identity.connector, stream: stream.name, stage: stage, status: nil, retryable: true,
                  redactedURL: currentURL.redactedURL, message: message, pagesDelivered: pagesDelivered)
    }
}
