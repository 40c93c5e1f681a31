public import Foundation
public import Logging

/// The scheduler loop of `serve`: feeds a ``JobScheduler`` the clock's time and carries out its
/// actions. Runs are child tasks, so shutdown is structured: cancel the task running ``run()``
/// (as a SIGTERM handler does) and the loop starts nothing new, the current runs see the
/// cancellation (they finish the batch in hand and record themselves as interrupted), and
/// ``run()`` returns once they have.
public actor SchedulerService {
    /// Runs one job now; called with the job's name and the scheduled time the run is for.
    /// Should return soon after its task is cancelled, once the current batch is committed.
    public typealias RunJob = @Sendable (_ job: String, _ scheduledFor: Date) async -> Void
    /// Records that a job was skipped at a fire time because its previous run was still going.
    public typealias RecordSkip = @Sendable (_ job: String, _ at: Date) async -> Void

    private var machine: JobScheduler
    private let lastRunTimes: [String: Date]
    private let clock: any RosterClock
    private let waits: any Clock<Duration>
    private let longestSleep: Double
    private let runJob: RunJob
    private let recordSkip: RecordSkip
    private let logger: Logger
    /// The next times last logged, so each change is logged once.
    private var loggedNextFires: [String: Date] = [:]

    /// - Parameters:
    ///   - clock: the wall time fire times are compared with.
    ///   - waits: the clock the loop sleeps on between times (a manual clock in tests).
    ///   - lastRunTimes: the start of each job's last run, from the run history, for the one
    ///     catch-up run after downtime.
    ///   - longestSleep: the longest single wait in seconds; the loop looks at the clock at least
    ///     this often, so a changed wall clock is noticed.
    ///   - logger: receives run starts and ends, skipped runs and each job's next time.
    public init(
        jobs: [ScheduledJob], lastRunTimes: [String: Date], clock: any RosterClock, waits: any Clock<Duration>,
        longestSleep: Double = 60, logger: Logger = Logger(label: "rostersync.scheduler"),
        runJob: @escaping RunJob, recordSkip: @escaping RecordSkip
    ) {
        machine = JobScheduler(jobs: jobs)
        self.lastRunTimes = lastRunTimes
        self.clock = clock
        self.waits = waits
        self.longestSleep = longestSleep
        self.runJob = runJob
        self.recordSkip = recordSkip
        self.logger = logger
    }

    /// Runs the schedule until the calling task is cancelled, then waits for the runs in progress.
    public func run() async {
        await withDiscardingTaskGroup { group in
            var actions = machine.startup(lastRunTimes: lastRunTimes, now: clock.now())
            var reason = "a scheduled time was missed while the service was down"
            while !Task.isCancelled {
                logNextFireTimes()
                var wake = clock.now().addingTimeInterval(longestSleep)
                for action in actions {
                    switch action {
                    case .start(let job, _, let time):
                        logger.info("starting a scheduled run", metadata: ["job": "\(job)", "reason": "\(reason)", "scheduled_for": "\(Self.timestamp(time))"])
                        group.addTask { await self.runToEnd(job, for: time) }
                    case .recordSkip(let job, let at):
                        logger.warning("skipped a scheduled run: the previous run is still going",
                                       metadata: ["job": "\(job)", "scheduled_at": "\(Self.timestamp(at))"])
                        await recordSkip(job, at)
                    case .sleep(let until):
                        wake = min(wake, until)
                    }
                }
                logger.trace("sleeping", metadata: ["until": "\(Self.timestamp(wake))"])
                do {
                    try await waits.sleep(for: .seconds(max(0, wake.timeIntervalSince(clock.now()))))
                } catch {
                    break
                }
                reason = "its scheduled time came"
                actions = machine.tick(now: clock.now())
            }
            machine.shutdown()
            let running = machine.runningJobs.sorted()
            logger.info("scheduler stopping; no new run starts", metadata: [
                "waiting_for": .array(running.map { .string($0) }),
            ])
        }
    }

    /// A run of `job` started outside the scheduler (manual or API): its scheduled times are
    /// skipped until ``runFinished(job:)``.
    public func runStarted(job: String) {
        machine.runStarted(job: job)
    }

    /// A run of `job` started outside the scheduler ended.
    public func runFinished(job: String) {
        machine.runFinished(job: job)
    }

    private func runToEnd(_ job: String, for time: Date) async {
        let started = clock.now()
        await runJob(job, time)
        machine.runFinished(job: job)
        logger.info("scheduled run ended", metadata: [
            "job": "\(job)", "seconds": "\(Self.rounded(clock.now().timeIntervalSince(started)))",
        ])
    }

    /// Logs each job's next time once, when it is new.
    private func logNextFireTimes() {
        for (job, time) in machine.nextFireTimes.sorted(by: { $0.key < $1.key }) where loggedNextFires[job] != time {
            loggedNextFires[job] = time
            logger.info("next scheduled run", metadata: ["job": "\(job)", "at": "\(Self.timestamp(time))"])
        }
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    private static func rounded(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }
}
