import ArgumentParser
import Foundation
import RosterEngine

/// `rostersync status [--json]`: each job with its schedule, last run, next time and whether a
/// run is going now.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show each job's last run, next scheduled time and whether it is running now.",
        discussion: "Times are shown in each job's time zone. A run is 'running' while its instance (host:pid, shown) is alive and renews its lease.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let services = try await global.makeServices(readOnly: true)
        let runs = try await services.store.runs(limit: 10_000)
        let now = Date()
        let jobs = try services.config.jobs.map { job in try JobStatus(job, runs: runs, now: now) }
        let imports = runs.filter { $0.kind == "import" && $0.status == .running }
        if global.json {
            Output.json(["jobs": jobs.map(\.object), "runningImports": imports.map(RunJSON.object)])
            return
        }
        if jobs.isEmpty {
            print("no jobs in \(global.configPath); add a 'jobs:' list (see docs/config.md)")
        } else {
            print(Output.table(header: ["Job", "Schedule", "Last run", "Next time", "Now"], rows: jobs.map(\.row)))
            for job in jobs { if let message = job.last?.message { print("\(job.name), run \(job.last!.id): \(message)") } }
        }
        for run in imports { print("import of \(run.source) (run \(run.id)) is running, started \(Output.timestamp(run.startedAt))") }
    }
}

/// One job's line of `status`.
struct JobStatus {
    var name: String
    var schedule: String?
    var timeZone: TimeZone
    var last: RunRecord?
    var next: Date?
    var running: RunRecord?

    init(_ job: JobConfig, runs: [RunRecord], now: Date) throws {
        name = job.name
        let syncs = runs.filter { $0.kind == "sync" && $0.source == job.name }
        running = syncs.first { $0.status == .running }
        last = syncs.first { $0.status != .running }
        schedule = job.schedule
        if let expression = job.schedule {
            let cron = try CronSchedule(expression, timeZone: job.timeZone)
            timeZone = cron.timeZone
            next = cron.nextFireTime(after: now)
        } else {
            timeZone = .gmt
        }
    }

    var row: [String] {
        let lastText = last.map { "run \($0.id) \($0.status.rawValue) \(Output.timestamp($0.finishedAt ?? $0.startedAt))" } ?? "never"
        return [
            name, schedule.map { "\($0) (\(timeZone.identifier))" } ?? "manual", lastText,
            next.map { ScheduleTime.string($0, in: timeZone) } ?? "-", running.map { "running (run \($0.id) on \($0.instance ?? "unknown"))" } ?? "idle",
        ]
    }

    var object: [String: Any] {
        [
            "job": name, "schedule": Output.nullable(schedule), "timezone": timeZone.identifier,
            "lastRun": Output.nullable(last.map(RunJSON.object)), "next": Output.nullable(next.map { ScheduleTime.string($0, in: timeZone) }),
            "running": Output.nullable(running?.id), "runningOn": Output.nullable(running?.instance),
        ]
    }
}
