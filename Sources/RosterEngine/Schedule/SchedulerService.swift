public import Foundation
public import RosterConnectors

/// The scheduler loop of `serve`: feeds a ``JobScheduler`` the clock's time and carries out its
/// actions. Runs are child tasks, so shutdown is structured: cancel the task running ``run()``
/// (as a SIGTERM handler does) and the loop starts nothing new, the current runs see the
/// cancellation (they finish the batch in hand and record themselves as interrupted), and
/// ``run()`` returns once they have.
public actor SchedulerService {
    /// Runs one job now; called with the job's name. Should return soon after its task is
    /// cancelled, once the current batch is committed.
    public typealias RunJob = @Sendable (String) async -> Void
    /// Records that a job was skipped at a fire time because its previous run was still going.
    public typealias RecordSkip = @Sendable (_ job: String, _ at: Date) async -> Void

    private var machine: JobScheduler
    private let lastRunTimes: [String: Date]
    private let clock: any RosterClock
    private let sleeper: any Sleeper
    private let longestSleep: Double
    private let runJob: RunJob
    private let recordSkip: RecordSkip

    /// - Parameters:
    ///   - lastRunTimes: the start of each job's last run, from the run history, for the one
    ///     catch-up run after downtime.
    ///   - longestSleep: the longest single wait in seconds; the loop looks at the clock at least
    ///     this often, so a changed wall clock is noticed.
    public init(
        jobs: [ScheduledJob], lastRunTimes: [String: Date], clock: any RosterClock, sleeper: any Sleeper,
        longestSleep: Double = 60, runJob: @escaping RunJob, recordSkip: @escaping RecordSkip
    ) {
        machine = JobScheduler(jobs: jobs)
        self.lastRunTimes = lastRunTimes
        self.clock = clock
        self.sleeper = sleeper
        self.longestSleep = longestSleep
        self.runJob = runJob
        self.recordSkip = recordSkip
    }

    /// Runs the schedule until the calling task is cancelled, then waits for the runs in progress.
    public func run() async {
        await withDiscardingTaskGroup { group in
            var actions = machine.startup(lastRunTimes: lastRunTimes, now: clock.now())
            while !Task.isCancelled {
                var wake = clock.now().addingTimeInterval(longestSleep)
                for action in actions {
                    switch action {
                    case .start(let job, _):
                        group.addTask { await self.runToEnd(job) }
                    case .recordSkip(let job, let at):
                        await recordSkip(job, at)
                    case .sleep(let until):
                        wake = min(wake, until)
                    }
                }
                do {
                    try await sleeper.sleep(seconds: max(0, wake.timeIntervalSince(clock.now())))
                } catch {
                    break
                }
                actions = machine.tick(now: clock.now())
            }
            machine.shutdown()
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

    private func runToEnd(_ job: String) async {
        await runJob(job)
        machine.runFinished(job: job)
    }
}
