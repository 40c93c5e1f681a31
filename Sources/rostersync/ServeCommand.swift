import ArgumentParser
import CurlHTTP
import Dispatch
import Foundation
import Logging
import RosterConnectors
import RosterEngine

/// `rostersync serve`: runs every job that has a schedule, at its times, until SIGTERM or Ctrl-C.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run scheduled syncs; with --http also the JSON API and web console.",
        discussion: """
            A job runs at the times of its `schedule` in its `timezone`. A time missed while the service was down runs once \
            at start; a time that comes while the job's previous run is still going is skipped and recorded. Several instances \
            may share one store: each scheduled time runs once across them, and a run whose instance died is settled as failed \
            (see docs/deploy.md). SIGTERM or Ctrl-C \
            starts no new run and lets the current one end; it is recorded as interrupted and writes nothing. \
            Logs go to stderr at --log-level (default info), as text or, with --log-format json, one JSON object a line.
            """)

    @Option(help: "Also serve the HTTP API and web console on HOST:PORT (127.0.0.1:8080 when given without a value).")
    var http: String?

    @OptionGroup var global: GlobalOptions

    @Option(help: "Log lines as text, or json: one object a line with time, level, label, message and metadata.")
    var logFormat = LogFormat.text

    func run() async throws {
        let services = try await global.makeServices(jobs: .service)
        if let http { return try await serveHTTP(at: http, services: services) }
        guard services.config.jobs.contains(where: { $0.schedule != nil }) else {
            throw UsageError(message: "no job has a schedule; add schedule: \"0 2 * * *\" and timezone: to a job in \(global.configPath)")
        }
        let http = CurlHTTPClient()
        let sync = SyncService(store: services.store, catalog: services.config.catalog, http: http)
        let logger = Logger(label: "rostersync.scheduler")
        let (scheduler, scheduled) = try await Self.makeScheduler(config: services.config, configFile: global.configPath, store: services.store, sync: { sync }, logger: logger)
        logger.notice("rostersync serve: \(Output.count(scheduled.count, "scheduled job")) (\(scheduled.map(\.name).joined(separator: ", "))); SIGTERM or Ctrl-C stops")
        for job in scheduled { logger.notice("\(Self.nextLine(job.name, in: scheduled))", metadata: ["job": "\(job.name)"]) }
        let task = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await AbandonedRunWatch(store: services.store, logger: logger).run() }
                await scheduler.run()
                group.cancelAll()
            }
        }
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        await task.value
        signals.forEach { $0.cancel() }
        await http.shutdown()
        logger.notice("rostersync serve: stopped")
    }
}

extension ServeCommand {
    /// The scheduler over the config's scheduled jobs, as `serve` runs it with or without `--http`:
    /// each run (by a sync service from `sync`, asked once per run) is logged with its counts,
    /// then the job's next time; a time skipped because the job was still running is recorded.
    static func makeScheduler(
        config: RosterConfig, configFile: String, store: any UserStore, sync: @escaping @Sendable () -> SyncService, logger: Logger
    ) async throws -> (scheduler: SchedulerService, jobs: [ScheduledJob]) {
        let jobs = config.jobs
        let scheduled = try jobs.compactMap { job in
            try job.schedule.map { ScheduledJob(name: job.name, schedule: try CronSchedule($0, timeZone: job.timeZone)) }
        }
        var lastRuns: [String: Date] = [:]
        for run in try await store.runs(limit: 10_000) where run.kind == "sync" && lastRuns[run.source] == nil {
            lastRuns[run.source] = run.startedAt
        }
        let scheduler = SchedulerService(
            jobs: scheduled, lastRunTimes: lastRuns, clock: SystemClock(), waits: ContinuousClock(),
            runJob: { name, time in
                guard let job = jobs.first(where: { $0.name == name }) else { return }
                do {
                    if case .ran(let result) = try await sync().syncScheduled(job, configFile: configFile, at: time) {
                        let run = result.run
                        logger.info("\(name): run \(run.id) \(run.status.rawValue): \(run.created) created, \(run.updated) updated, \(run.unchanged) unchanged, \(run.failed) failed, \(run.deactivated) deactivated\(run.message.map { "; \($0)" } ?? "")",
                                    metadata: ["job": "\(name)", "run": "\(run.id)", "status": "\(run.status.rawValue)"])
                    }
                } catch {
                    logger.error("\(name): \(ExitStatus.classify(error).1)", metadata: ["job": "\(name)"])
                }
                logger.notice("\(nextLine(name, in: scheduled))", metadata: ["job": "\(name)"])
            },
            recordSkip: { name, time in
                do {
                    try await sync().recordSkip(job: name, at: time)
                } catch is ScheduledRunTaken {
                    logger.info("another instance has recorded this scheduled time", metadata: ["job": "\(name)"])
                } catch {
                    logger.error("\(name): the skipped run could not be recorded: \(ExitStatus.classify(error).1)", metadata: ["job": "\(name)"])
                }
            })
        return (scheduler, scheduled)
    }

    /// "JOB: next run at TIME", in the job's time zone.
    static func nextLine(_ name: String, in scheduled: [ScheduledJob]) -> String {
        guard let schedule = scheduled.first(where: { $0.name == name })?.schedule,
              let next = schedule.nextFireTime(after: Date()) else { return "\(name): no next time" }
        return "\(name): next run at \(ScheduleTime.string(next, in: schedule.timeZone))"
    }
}
