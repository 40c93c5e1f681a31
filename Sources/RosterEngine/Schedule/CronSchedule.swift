public import Foundation
import RosterCore

/// A job's schedule: a cron expression read in an IANA time zone.
///
/// ```swift
/// let nightly = try CronSchedule("0 2 * * *", timeZone: "America/New_York")
/// let next = nightly.nextFireTime(after: .now)
/// ```
public struct CronSchedule: Sendable, Equatable {
    /// When it fires, in local time.
    public let expression: CronExpression
    /// The zone the expression's local times are read in.
    public let timeZone: TimeZone

    /// Parses `expression` and looks up `timeZone` (default UTC).
    /// - Throws: ``CronError`` for a bad expression or an unknown zone (with a did-you-mean).
    public init(_ expression: String, timeZone: String = "UTC") throws(CronError) {
        self.expression = try CronExpression(parsing: expression)
        self.timeZone = try Self.timeZone(named: timeZone)
    }

    /// A schedule from parts already parsed.
    public init(expression: CronExpression, timeZone: TimeZone) {
        self.expression = expression
        self.timeZone = timeZone
    }

    /// The next `count` fire times strictly after `after`, ascending (see ``CronExpression/nextFireTimes(after:timeZone:count:)``).
    public func nextFireTimes(after: Date, count: Int) -> [Date] {
        expression.nextFireTimes(after: after, timeZone: timeZone, count: count)
    }

    /// The first fire time strictly after `after`.
    public func nextFireTime(after: Date) -> Date? {
        nextFireTimes(after: after, count: 1).first
    }

    /// The zone with IANA identifier `name`, such as `Europe/London` or `UTC`.
    /// - Throws: ``CronError`` naming the zone, with the closest known identifier when there is one.
    public static func timeZone(named name: String) throws(CronError) -> TimeZone {
        if let zone = TimeZone(identifier: name) { return zone }
        let known = TimeZone.knownTimeZoneIdentifiers
        let city = name.replacingOccurrences(of: " ", with: "_").lowercased()
        let closest = Suggestions.closest(to: name, in: known)
            ?? known.first { $0.lowercased() == city || $0.lowercased().hasSuffix("/" + city) }
        throw CronError(field: nil, subject: "time zone", token: name, problem: "is not known",
                        fix: (closest.map { "did you mean '\($0)'? " } ?? "") + "write an IANA name such as 'America/New_York', 'Europe/London' or 'UTC'")
    }
}
