public import Foundation

/// A job the scheduler fires: its name (the key of `jobs:` in the config) and its schedule.
public struct ScheduledJob: Sendable, Equatable {
    /// The job's name, as ``SchedulerService/RunJob`` receives it.
    public var name: String
    /// When the job fires.
    public var schedule: CronSchedule

    /// A job named `name` firing on `schedule`.
    public init(name: String, schedule: CronSchedule) {
        self.name = name
        self.schedule = schedule
    }
}

/// Decides which jobs are due, as a value: events go in, ``Action`` values come out, and time
/// is only ever the `now` an event carries, so it is tested without a clock.
///
/// Rules: one run per job at a time; a job still running when its next time comes is skipped
/// and the skip is reported; times missed while the service was down give exactly one catch-up
/// run at startup; after ``shutdown()`` nothing new starts.
public struct JobScheduler: Sendable {
    /// What the loop must do next.
    public enum Action: Sendable, Equatable {
        /// Start a run of `job` for its scheduled time `scheduledFor` (for a catch-up run, the first
        /// time missed).
        case start(job: String, trigger: RunTrigger, scheduledFor: Date)
        /// `job` was due at `at` but its previous run had not finished; record that it was skipped.
        case recordSkip(job: String, at: Date)
        /// Nothing is due before `until`; call ``JobScheduler/tick(now:)`` then.
        case sleep(until: Date)
    }

    private struct Entry: Sendable {
        var job: ScheduledJob
        var nextFire: Date?
        var running = false
    }

    private var entries: [Entry]
    /// True after ``shutdown()``.
    public private(set) var isShuttingDown = false

    /// A scheduler for `jobs`; nothing is planned until ``startup(lastRunTimes:now:)``.
    public init(jobs: [ScheduledJob]) {
        entries = jobs.map { Entry(job: $0) }
    }

    /// The jobs with a run in progress, by name.
    public var runningJobs: Set<String> { Set(entries.filter(\.running).map(\.job.name)) }

    /// Each job's next planned time, by name; a job without one is absent.
    public var nextFireTimes: [String: Date] {
        Dictionary(entries.compactMap { entry in entry.nextFire.map { (entry.job.name, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    /// Plans each job's next time after `now`. A job whose last run (`lastRunTimes[name]`, the
    /// start of its last run) was followed by a fire time at or before `now` missed at least one
    /// time while the service was down and starts once now; a job that never ran waits for its first time.
    public mutating func startup(lastRunTimes: [String: Date], now: Date) -> [Action] {
        var actions: [Action] = []
        for index in entries.indices {
            let schedule = entries[index].job.schedule
            if !isShuttingDown, let last = lastRunTimes[entries[index].job.name],
               let missed = schedule.nextFireTime(after: last), missed <= now {
                actions.append(start(index, for: missed))
            }
            entries[index].nextFire = schedule.nextFireTime(after: now)
        }
        return actions + sleepAction(now: now)
    }

    /// The clock reached `now`: starts every due job that is not running, reports a skip for every
    /// due job that is, and plans each due job's next time after `now` (several times passed at
    /// once, as after a suspended machine, count as one).
    public mutating func tick(now: Date) -> [Action] {
        var actions: [Action] = []
        for index in entries.indices {
            guard let due = entries[index].nextFire, due <= now else { continue }
            if entries[index].running {
                actions.append(.recordSkip(job: entries[index].job.name, at: due))
            } else if !isShuttingDown {
                actions.append(start(index, for: due))
            }
            entries[index].nextFire = entries[index].job.schedule.nextFireTime(after: now)
        }
        return actions + sleepAction(now: now)
    }

    /// A run of `job` began outside the scheduler (a manual or API sync): scheduled times that come
    /// while it runs are skipped. Runs the scheduler starts are marked running by their `.start` action.
    public mutating func runStarted(job: String) {
        for index in entries.indices where entries[index].job.name == job { entries[index].running = true }
    }

    /// A run of `job` ended; its next scheduled time may start it again.
    public mutating func runFinished(job: String) {
        for index in entries.indices where entries[index].job.name == job { entries[index].running = false }
    }

    /// Stops starting runs: later ticks only report skips and sleeps, runs in progress go on.
    public mutating func shutdown() {
        isShuttingDown = true
    }

    private mutating func start(_ index: Int, for time: Date) -> Action {
        entries[index].running = true
        return .start(job: entries[index].job.name, trigger: .schedule, scheduledFor: time)
    }

    /// One sleep until the earliest planned time; none when no job has a next time.
    private func sleepAction(now: Date) -> [Action] {
        guard let earliest = entries.compactMap(\.nextFire).min() else { return [] }
        return [.sleep(until: max(earliest, now))]
    }
}
