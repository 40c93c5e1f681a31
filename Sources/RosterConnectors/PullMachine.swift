import Foundation
import RosterCore

/// Paging, retry and incremental state of one stream pull, as a value: events in, actions out.
///
/// The driver (``ConnectorClient``) performs each ``Action`` and reports back, so paging and
/// retry are tested without a network, a clock or sleeps (STYLE §6).
package struct PullMachine: Sendable {
    /// What the driver must do next.
    package enum Action: Sendable, Equatable {
        /// GET this URL (the driver adds auth and headers), then call `received` or `transportFailed`.
        case send(url: String)
        /// Get a fresh token, then call `tokenRefreshed()`.
        case refreshToken
        /// Sleep this many seconds, then call `waited()`.
        case wait(seconds: Double)
        /// Hand this page to the caller, then call `delivered()`.
        case deliver(PullPage)
        /// The last page was delivered.
        case complete(PullOutcome)
        /// The pull failed; pages delivered so far are not a complete roster.
        case failed(PullError)
    }

    /// Who is pulling, for errors, and what the driver can do about a 401.
    package struct Identity: Sendable {
        /// Job name, if any.
        package var job: String?
        /// Connector name.
        package var connector: String
        /// True when a 401 may be answered with one token refresh.
        package var canRefreshToken: Bool
        /// Masks secrets and tokens in vendor messages before they are cut short.
        package var redactor: Redactor

        /// Creates an identity.
        package init(job: String?, connector: String, canRefreshToken: Bool, redactor: Redactor) {
            self.job = job
            self.connector = connector
            self.canRefreshToken = canRefreshToken
            self.redactor = redactor
        }
    }

    let identity: Identity
    let stream: ResolvedStream
    let baseURL: String
    let policy: RetryPolicy
    let startTime: Double
    let previousState: IncrementalState?

    var currentURL = ""
    var attempt = 1
    var refreshedThisRequest = false
    var pendingNextURL: String?
    var pagesDelivered = 0
    var recordsDelivered = 0
    var removedDelivered = 0
    var fullPullForced = false
    var deltaLink: String?
    var cursorMax: String?
    var offset = 0
    var pageIndex = 0

    /// A machine for one pull of `stream` from `baseURL`, resuming from `state` when given;
    /// `startTime` (Unix seconds) becomes the cursor of an `updated_since` stream without a field.
    package init(identity: Identity, stream: ResolvedStream, baseURL: String, retry: RetrySettings, state: IncrementalState?, startTime: Double) {
        self.identity = identity
        self.stream = stream
        self.baseURL = baseURL
        self.policy = RetryPolicy(settings: retry)
        self.startTime = startTime
        self.previousState = state
    }

    /// The first request.
    package mutating func start() -> Action {
        if case .deltaLink = stream.incremental, let stored = previousState?.deltaLink { return send(stored) }
        return send(firstURL(extra: []))
    }

    /// The driver slept as asked: send the same request again.
    package mutating func waited() -> Action { .send(url: currentURL) }

    /// The driver has a new token: send the same request again, once.
    package mutating func tokenRefreshed() -> Action {
        refreshedThisRequest = true
        return .send(url: currentURL)
    }

    /// The caller took the page: fetch the next one or finish.
    package mutating func delivered() -> Action {
        guard let next = pendingNextURL else { return .complete(outcome()) }
        pendingNextURL = nil
        guard next != currentURL else {
            return fail(.page(pagesDelivered + 1), status: nil, retryable: false,
                        "the server announced the same page again; stopping instead of looping")
        }
        return send(next)
    }

    /// No response arrived.
    package mutating func transportFailed(_ error: TransportError, jitter: Double) -> Action {
        switch policy.decide(transportFailure: error, attempt: attempt, jitter: jitter) {
        case .retry(let seconds):
            attempt += 1
            return .wait(seconds: seconds)
        case .giveUp(let reason, let retryable):
            return fail(.page(pagesDelivered + 1), status: nil, retryable: retryable, reason)
        }
    }

    /// A response arrived at `now` (Unix seconds); `jitter` is a draw in [0, 1).
    package mutating func received(_ response: HTTPResponse, now: Double, jitter: Double) -> Action {
        let status = response.status
        if (200..<300).contains(status) { return page(response) }
        if status == 401, identity.canRefreshToken, !refreshedThisRequest { return .refreshToken }
        if status == 410, case .deltaLink = stream.incremental, !fullPullForced {
            // The stored delta token expired: start over with a full pull, once.
            fullPullForced = true
            return send(firstURL(extra: []))
        }
        if policy.isThrottle(status: status, body: response.body) {
            switch policy.decide(throttledAttempt: attempt, retryAfter: response.header("Retry-After"), now: now, jitter: jitter) {
            case .retry(let seconds):
                attempt += 1
                return .wait(seconds: seconds)
            case .giveUp(let reason, let retryable):
                return fail(.page(pagesDelivered + 1), status: status, retryable: retryable, reason)
            }
        }
        return fail(.page(pagesDelivered + 1), status: status, retryable: status >= 500, advice(for: status, body: response.body))
    }

    private func advice(for status: Int, body: [UInt8]) -> String {
        let vendor = JSONBody.vendorMessage(body).map { " (\(identity.redactor.redact($0, limit: JSONBody.vendorMessageLimit)))" } ?? ""
        switch status {
        case 401: return "credentials rejected\(vendor); check the job's secrets"
        case 403: return "access denied\(vendor); grant the app permission to read this data"
        case 404: return "not found\(vendor); check base_url and the stream path"
        case 400..<500: return "request rejected\(vendor); check the stream's query and the job's settings"
        default: return "server error\(vendor); run the job again later"
        }
    }

    private mutating func send(_ url: String) -> Action {
        currentURL = url
        attempt = 1
        refreshedThisRequest = false
        return .send(url: url)
    }

    func firstURL(extra: [(name: String, value: String)]) -> String {
        var path = stream.path
        var query = stream.query
        switch stream.incremental {
        case .deltaLink(let deltaPath, let deltaQuery, _, _):
            path = deltaPath
            query = deltaQuery ?? query
        case .updatedSince(let param, _): if let cursor = previousState?.cursor { query.append((param, cursor)) }
        case nil: break
        }
        switch stream.paginator.kind {
        case .offset(let offsetParam, let limitParam, let limit, let start):
            query = replacing(query, [(limitParam, String(limit)), (offsetParam, String(start + offset))])
        case .pageNumber(let param, let start, let sizeParam, let size):
            query = replacing(query, [(param, String(start + pageIndex))] + (sizeParam.flatMap { name in size.map { (name, String($0)) } }.map { [$0] } ?? []))
        default: break
        }
        return URLText.join(base: baseURL, path: path, query: replacing(query, extra))
    }

    private func replacing(_ query: [(name: String, value: String)], _ updates: [(name: String, value: String)]) -> [(name: String, value: String)] {
        let names = Set(updates.map(\.name))
        return query.filter { !names.contains($0.name) } + updates
    }

    mutating func fail(_ stage: PullError.Stage, status: Int?, retryable: Bool, _ message: String) -> Action {
        return .failed(PullError(job: identity.job, connector: identity.connector, stream: stream.name, stage: stage, status: status,
                                 retryable: retryable, redactedURL: currentURL.redactedURL, message: message, pagesDelivered: pagesDelivered))
    }

    func outcome() -> PullOutcome {
        var state: IncrementalState?
        switch stream.incremental {
        case .deltaLink: state = IncrementalState(deltaLink: deltaLink)
        case .updatedSince(_, let field):
            let fallback = previousState?.cursor ?? Timestamps.iso8601(startTime)
            state = IncrementalState(cursor: field == nil ? Timestamps.iso8601(startTime) : cursorMax ?? fallback)
        case nil: state = nil
        }
        let full = fullPullForced || (previousState?.deltaLink == nil && previousState?.cursor == nil) || stream.incremental == nil
        return PullOutcome(pages: pagesDelivered, records: recordsDelivered, removed: removedDelivered, isComplete: true,
                           isFullPull: full, fullPullForced: fullPullForced, newState: state)
    }
}
