import Foundation

/// A clock tests move by hand, read through `now` as Unix seconds.
public final class ManualClock: @unchecked Sendable {
    // Safe: every access to `seconds` holds `lock`.
    private let lock = NSLock()
    private var seconds: Double

    /// Starts at `start` (default 2026-11-25T13:40:00Z).
    public init(start: Double = 1_795_614_000) { self.seconds = start }

    /// The current reading.
    public var now: Double { lock.withLock { seconds } }

    /// Moves forward by `delta` seconds.
    public func advance(by delta: Double) { lock.withLock { seconds += delta } }

    /// A closure for ``ConnectorClient``'s `now:` parameter.
    public var reader: @Sendable () -> Double { { [self] in now } }
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
