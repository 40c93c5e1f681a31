import ArgumentParser
import Foundation
import RosterEngine

/// `rostersync schedule next "CRON" --tz ZONE [--from ISO8601] [--count N] [--json]` (DESIGN §5).
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Check job schedules.", subcommands: [Next.self]
    )

    /// Prints the next fire times of a cron expression in a time zone.
    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next", abstract: "Print the next fire times of a cron expression.",
            discussion: """
            CRON is 5 fields (minute hour day-of-month month day-of-week) or a macro: @hourly, @daily, \
            @midnight, @weekly, @monthly, @yearly, @annually. Example: rostersync schedule next "0 2 * * *" --tz America/New_York
            """
        )

        @Argument(help: "A 5-field cron expression or a macro such as @daily.")
        var cron: String

        @Option(name: .customLong("tz"), help: "IANA time zone the expression's times are read in.")
        var timeZone = "UTC"

        @Option(help: "Start after this ISO 8601 time; without an offset it is local time in --tz. Default: now.")
        var from: String?

        @Option(help: "How many times to print.")
        var count = 5

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if global.db != nil { throw ValidationError("schedule next does not use a store; remove --db") }
            guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
            if let from, ScheduleTime.parse(from, in: .gmt) == nil {
                throw ValidationError("--from '\(from)' is not an ISO 8601 time; write e.g. 2026-03-06T12:00:00-05:00, 2026-03-06T12:00 or 2026-03-06")
            }
        }

        func run() async throws {
            let schedule: CronSchedule
            do {
                schedule = try CronSchedule(cron, timeZone: timeZone)
            } catch {
                throw UsageError(message: error.description)
            }
            let start = from.flatMap { ScheduleTime.parse($0, in: schedule.timeZone) } ?? Date()
            let times = schedule.nextFireTimes(after: start, count: count).map { ScheduleTime.string($0, in: schedule.timeZone) }
            if global.json {
                Output.json(["times": times])
            } else {
                print(times.joined(separator: "\n"))
            }
        }
    }
}
