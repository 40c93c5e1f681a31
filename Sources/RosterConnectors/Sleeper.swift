/// Waits between retries. Production sleeps for real; tests record the requested waits.
public protocol Sleeper: Sendable {
    /// Suspends for `seconds`.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func sleep(seconds: Double) async throws
}

/// Sleeps with `Task.sleep`, honouring cancellation.
public struct TaskSleeper: Sleeper {
    /// Creates the real sleeper.
    public init() {}

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
    }
}
