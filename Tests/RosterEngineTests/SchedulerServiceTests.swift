import Foundation
import RosterConnectors
import RosterEngine
import RosterTesting
import Testing

/// A wall clock the scheduler's waits move.
final class SteppedClock: RosterClock {
    private let time: Locked<Date>

    init(_ start: Date) { time = Locked(start) }

    func now() -> Date { time.withLock { $0 } }

    func advance(by seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The scheduler's waits: for its first `steps` sleeps, moves the wall clock by the wait and
/// returns at once; the sleep after those parks until the task is cancelled. Every wait is
/// recorded and announced on `calls`.
final class SteppingWaits: Clock {
    typealias Instant = ManualClock.Instant
    let waits = Locked<[Double]>([])
    let calls: AsyncStream<Int>
    private let callsContinuation: AsyncStream<Int>.Continuation
    private let clock: SteppedClock
    private let steps: Int

    init(clock: SteppedClock, steps: Int) {
        (calls, callsContinuation) = AsyncStream<Int>.makeStream()
        self.clock = clock
        self.steps = steps
    }

    var now: Instant { Instant(offset: .zero) }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let seconds = Double(deadline.offset.components.seconds) + Double(deadline.offset.components.attoseconds) / 1e18
        let number = waits.withLock { $0.append(seconds); return $0.count }
        callsContinuation.yield(number)
        if number <= steps {
            clock.advance(by: seconds)
            return
        }
        await parkUntilCancelled()
        throw CancellationError()
    }
}

/// Suspends until the current task is cancelled; an unfinished stream's iteration ends only then.
func parkUntilCancelled() async {
    let (stream, continuation) = AsyncStream<Never>.makeStream()
    for await _ in stream {}
    continuation.finish()
}

/// Waits until `stream` has announced `count` values.
func awaitCount(_ stream: AsyncStream<Int>, reaching count: Int) async {
    for await value in stream where value >= count { return }
}

@Test(.timeLimit(.minutes(1)))
func loopStartsDueJobsRecordsSkipsAndOnShutdownWaitsForRunsToFinishTheirBatch() async throws {
    let clock = SteppedClock(march10("01:59").addingTimeInterval(30))
    let waits = SteppingWaits(clock: clock, steps: 2)
    let log = Locked<[String]>([])
    let (runStarts, runStartsContinuation) = AsyncStream<Int>.makeStream()
    let logs = LogCapture()
    let service = SchedulerService(
        jobs: [try job("hr", "0 * * * *"), try job("nightly", "0 2 * * *")],
        lastRunTimes: ["hr": march10("00:00")],  // missed 01:00 while down
        clock: clock, waits: waits, longestSleep: 2 * 86_400, logger: logs.logger(label: "rostersync.scheduler"),
        runJob: { name, _ in
            let started = log.withLock { $0.append("start \(name)"); return $0.filter { $0.hasPrefix("start") }.count }
            runStartsContinuation.yield(started)
            await parkUntilCancelled()
            // Shutdown reached the run: it commits the batch in hand and ends.
            log.withLock { $0.append("\(name) committed its batch, cancelled: \(Task.isCancelled)") }
        },
        recordSkip: { name, at in
            log.withLock { $0.append("skip \(name) at \(ScheduleTime.string(at, in: TimeZone(identifier: "UTC")!))") }
        }
    )
    let running = Task { await service.run() }
    await awaitCount(waits.calls, reaching: 3)
    await awaitCount(runStarts, reaching: 2)

    running.cancel()
    await running.value

    #expect(waits.waits.withLock { $0 } == [30, 3600, 3600])
    let entries = log.withLock { $0 }
    #expect(entries.filter { $0.hasPrefix("skip") } == ["skip hr at 2026-03-10T02:00:00+00:00", "skip hr at 2026-03-10T03:00:00+00:00"])
    #expect(Set(entries.filter { $0.hasPrefix("start") }) == ["start hr", "start nightly"])
    #expect(Set(entries.filter { $0.contains("committed") }) == [
        "hr committed its batch, cancelled: true", "nightly committed its batch, cancelled: true",
    ])
    #expect(entries.count == 6)
    let logged = logs.entries
    #expect(logged.filter { $0.message.hasPrefix("skipped a scheduled run") }.map { $0.metadata["scheduled_at"] }
        == ["2026-03-10T02:00:00Z", "2026-03-10T03:00:00Z"])
    #expect(logged.filter { $0.message.hasPrefix("skipped") }.allSatisfy { $0.level == .warning && $0.metadata["job"] == "hr" })
    #expect(logged.filter { $0.message == "starting a scheduled run" }.map { $0.metadata["reason"] } == [
        "a scheduled time was missed while the service was down", "its scheduled time came",
    ])
    #expect(logged.filter { $0.message == "scheduled run ended" }.count == 2)
    #expect(logged.contains { $0.message == "next scheduled run" && $0.metadata["job"] == "nightly" && $0.metadata["at"] == "2026-03-10T02:00:00Z" })
}

@Test(.timeLimit(.minutes(1)))
func shutdownWhileIdleStartsNothingAndReturns() async throws {
    let clock = SteppedClock(march10("00:00"))
    let waits = SteppingWaits(clock: clock, steps: 0)
    let starts = Locked<[String]>([])
    let service = SchedulerService(
        jobs: [try job("nightly", "0 2 * * *")], lastRunTimes: [:], clock: clock, waits: waits,
        runJob: { name, _ in starts.withLock { $0.append(name) } }, recordSkip: { _, _ in }
    )
    let running = Task { await service.run() }
    await awaitCount(waits.calls, reaching: 1)
    running.cancel()
    await running.value
    // The 02:00 job is two hours away; the loop still looks at the clock every minute.
    #expect(waits.waits.withLock { $0 } == [60])
    #expect(starts.withLock { $0 }.isEmpty)
}

@Test(.timeLimit(.minutes(1)))
func manualRunReportedToTheServiceMakesTheScheduledTimeSkip() async throws {
    let clock = SteppedClock(march10("00:59"))
    let waits = SteppingWaits(clock: clock, steps: 1)
    let log = Locked<[String]>([])
    let service = SchedulerService(
        jobs: [try job("hr", "0 * * * *")], lastRunTimes: [:], clock: clock, waits: waits,
        runJob: { name, _ in log.withLock { $0.append("start \(name)") } },
        recordSkip: { name, _ in log.withLock { $0.append("skip \(name)") } }
    )
    await service.runStarted(job: "hr")
    let running = Task { await service.run() }
    await awaitCount(waits.calls, reaching: 2)
    running.cancel()
    await running.value
    #expect(log.withLock { $0 } == ["skip hr"])
}
