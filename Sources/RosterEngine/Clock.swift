public import Foundation

/// The wall clock the engine reads for run times; tests inject a manual one.
public protocol RosterClock: Sendable {
    func now() -> Date
}

/// The system's clock.
public struct SystemClock: RosterClock {
    public init() {}
    public func now() -> Date { Date() }
}
