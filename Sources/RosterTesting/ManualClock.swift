import Foundation
import Synchronization

/// The tests' clock: a `Clock` whose sleeps return at once, each recorded and moving the time
/// forward by its length, read as wall time in Unix seconds through ``unixSeconds``.
///
/// Pass it where the product takes `any Clock<Duration>` for waits (``ConnectorClient``'s retry
/// and rate-limit waits, a sync's `waits:`) and its ``reader`` where a connector reads the time.
public final class ManualClock: Clock, Sendable {
    /// A point on the manual time line: the time moved since the clock was made.
    public struct Instant: InstantProtocol {
        /// Time moved since the clock was made.
        public var offset: Duration

        /// The instant `offset` after the clock was made.
        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var offset = Duration.zero
        var waits: [Double] = []
    }

    private let state = Mutex(State())
    private let start: Double

    /// Starts at `start` Unix seconds (default 2026-11-25T13:40:00Z).
    public init(start: Double = 1_795_614_000) { self.start = start }

    public var now: Instant { Instant(offset: state.withLock { $0.offset }) }

    public var minimumResolution: Duration { .zero }

    /// Records the wait until `deadline` and moves the time there, without suspending.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.waits.append(Self.seconds(max(.zero, deadline.offset - state.offset)))
            state.offset = max(state.offset, deadline.offset)
        }
    }

    /// Every wait asked for, in seconds, in order.
    public var waits: [Double] { state.withLock { $0.waits } }

    /// Moves the time forward by `seconds` without recording a wait.
    public func advance(by seconds: Double) { state.withLock { $0.offset += .seconds(seconds) } }

    /// The current time in Unix seconds.
    public var unixSeconds: Double { start + Self.seconds(state.withLock { $0.offset }) }

    /// A closure for ``ConnectorClient``'s `now:` parameter.
    public var reader: @Sendable () -> Double { { [self] in unixSeconds } }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A mutable value shared by `@Sendable` mock handlers.
public final class Locked<Value>: @unchecked Sendable {
    // Safe: `value` is only touched inside `withLock`.
    private let lock = NSLock()
    private var value: Value

    /// Wraps `value`.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
