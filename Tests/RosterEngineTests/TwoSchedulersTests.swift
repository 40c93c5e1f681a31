import Foundation
import RosterConnectors
import RosterEngine
import RosterTesting
import Testing

/// The scheduler's waits, let through one step at a time by the test: each sleep waits until
/// ``allow(steps:)`` has allowed it, then moves the wall clock by the wait and returns.
final class GatedWaits: Clock {
    typealias Instant = ManualClock.Instant
    private let clock: SteppedClock
    private let state = Locked((allowed: 0, taken: 0))

    init(clock: SteppedClock) { self.clock = clock }

    var now: Instant { Instant(offset: .zero) }
    var minimumResolution: Duration { .zero }

    /// Lets `steps` more sleeps return.
    func allow(steps: Int) { state.withLock { $0.allowed += steps } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while !state.withLock({ state in
            guard state.taken < state.allowed else { return false }
            state.taken += 1
            return true
        }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        clock.advance(by: Double(deadline.offset.components.seconds) + Double(deadline.offset.components.attoseconds) / 1e18)
    }
}

/// Two schedulers (two instances of `serve`) on one store: every scheduled time runs exactly once.
@Test(.timeLimit(.minutes(1)))
func twoSchedulersOnOneStoreRunEachScheduledTimeOnce() async throws {
    let store = InMemoryUserStore()
    let job = SyncServiceTests.job()
    let outcomes = Locked<[(instance: String, time: Date, ran: Bool)]>([])
    var instances: [(service: SchedulerService, waits: GatedWaits)] = []
    for name in ["a", "b"] {
        let clock = SteppedClock(march10("00:05"))
        let waits = GatedWaits(clock: clock)
        let sync = SyncServiceTests.service(store, users: 10)
        let service = SchedulerService(
            jobs: [ScheduledJob(name: job.name, schedule: try CronSchedule("*/15 * * * *", timeZone: "UTC"))], lastRunTimes: [:],
            clock: clock, waits: waits, longestSleep: 86_400,
            runJob: { _, time in
                let outcome = try? await sync.syncScheduled(job, configFile: "rostersync.yaml", at: time)
                var ran = false
                if case .ran = outcome { ran = true }
                outcomes.withLock { $0.append((name, time, ran)) }
            },
            recordSkip: { job, time in _ = try? await sync.recordSkip(job: job, at: time) })
        instances.append((service, waits))
    }
    let tasks = instances.map { instance in Task { await instance.service.run() } }
    for slot in 1...3 {
        instances.forEach { $0.waits.allow(steps: 1) }
        while outcomes.withLock({ $0.count }) < 2 * slot { try await Task.sleep(for: .milliseconds(5)) }
    }
    tasks.forEach { $0.cancel() }
    for task in tasks { await task.value }

    let times = [march10("00:15"), march10("00:30"), march10("00:45")]
    let seen = outcomes.withLock { $0 }
    for time in times {
        #expect(seen.filter { $0.time == time }.count == 2, "both instances came to \(time)")
        #expect(seen.filter { $0.time == time && $0.ran }.count == 1, "exactly one ran \(time): \(seen)")
    }
    let runs = try await store.runs(limit: 10)
    #expect(runs.map(\.scheduledFor).compactMap { $0 }.sorted() == times, "one run record per time")
    #expect(runs.allSatisfy { $0.status == .succeeded && $0.trigger == .schedule }, "\(runs)")
}
