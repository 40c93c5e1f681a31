public import Foundation

/// The wall clock: the one source of dates for run records, schedules and what connectors read
/// as the time (token expiry, `Retry-After` dates, cursors); tests inject a manual one.
///
/// Waits (retry backoff, rate limits, the scheduler's sleeps) are not wall time: they go through
/// Swift's `Clock` (`any Clock<Duration>`, `ContinuousClock` in production, `ManualClock` of
/// RosterTesting in tests).
public protocol RosterClock: Sendable {
    /// The current date.
    func now() -> Date
}

/// The system's clock.
public struct SystemClock: RosterClock {
    /// The system clock.
    public init() {}
    public func now() -> Date { Date() }
}
