import Foundation
import RosterCore

/// Decides, from one failed response or transport error, whether to try again and after how long.
/// Pure: the clock reading and the jitter draw come in as arguments.
package struct RetryPolicy: Sendable {
    /// What to do about a response that was not a success.
    package enum Decision: Sendable, Equatable {
        /// Wait this many seconds, then send the same request again.
        case retry(afterSeconds: Double)
        /// Give up; `retryable` says whether a later run may succeed.
        case giveUp(reason: String, retryable: Bool)
    }

    /// The connector's `rate_limit:` settings.
    package let settings: RetrySettings

    /// A policy for `settings`.
    package init(settings: RetrySettings) { self.settings = settings }

    /// True for statuses that mean "slow down" (429/502/503/504 by default, and vendor 403 throttles).
    package func isThrottle(status: Int, body: [UInt8]) -> Bool {
        if settings.retryStatuses.contains(status) { return true }
        guard status == 403, !settings.throttleErrorCodes.isEmpty, let value = JSONBody.parse(body) else { return false }
        return JSONBody.containsString(value, in: settings.throttleErrorCodes)
    }

    /// The decision for throttled response number `attempt` (1-based) received at `now` (Unix seconds).
    package func decide(throttledAttempt attempt: Int, retryAfter: String?, now: Double, jitter: Double) -> Decision {
        guard attempt < settings.maxAttempts else {
            return .giveUp(reason: "still throttled or unavailable after \(attempt) tries; run the job again later or raise rate_limit.max_attempts",
                           retryable: true)
        }
        if let retryAfter, let wait = Self.retryAfterSeconds(retryAfter, now: now) {
            guard wait <= settings.maxRetryAfterSeconds else {
                return .giveUp(reason: "the server asked to wait \(Int(wait)) s, more than rate_limit.max_retry_after_seconds (\(Int(settings.maxRetryAfterSeconds)) s)",
                               retryable: true)
            }
            return .retry(afterSeconds: wait)
        }
        return .retry(afterSeconds: backoff(attempt: attempt, jitter: jitter))
    }

    /// The decision for transport failure number `attempt`: network blips are retried with backoff.
    package func decide(transportFailure error: TransportError, attempt: Int, jitter: Double) -> Decision {
        switch error.kind {
        case .connectionFailed, .timedOut:
            guard attempt < settings.maxAttempts else {
                let what = error.kind == .timedOut ? "timed out" : "could not connect"
                return .giveUp(reason: "\(what) after \(attempt) tries: \(error.detail); check base_url and the network, or raise timeouts.total_seconds",
                               retryable: true)
            }
            return .retry(afterSeconds: backoff(attempt: attempt, jitter: jitter))
        case .tls:
            return .giveUp(reason: "TLS failed: \(error.detail); check the server certificate or the job's CA file", retryable: false)
        case .bodyTooLarge:
            return .giveUp(reason: "response larger than timeouts.max_body_bytes; raise it or page smaller", retryable: false)
        case .disallowedScheme:
            return .giveUp(reason: "URL scheme not allowed: \(error.detail); list it under the connector's schemes:", retryable: false)
        case .cancelled:
            return .giveUp(reason: "cancelled", retryable: true)
        case .other:
            return .giveUp(reason: error.detail, retryable: false)
        }
    }

    /// Capped exponential backoff: `initial · 2^(attempt-1)`, capped, scaled by a jitter in [0.5, 1).
    package func backoff(attempt: Int, jitter: Double) -> Double {
        let exponent = Double(min(attempt - 1, 30))
        let capped = min(settings.maxBackoffSeconds, settings.initialBackoffSeconds * pow2(exponent))
        return capped * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }

    /// `Retry-After` as seconds from `now`: delta-seconds or an HTTP date (never negative).
    package static func retryAfterSeconds(_ value: String, now: Double) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0 { return seconds }
        if let date = Timestamps.parseHTTPDate(trimmed) { return max(0, date - now) }
        return nil
    }
}
