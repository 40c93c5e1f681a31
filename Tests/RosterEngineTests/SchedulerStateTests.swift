import Foundation
import RosterEngine
import Testing

/// A time on 2026-03-10 in UTC, `HH:MM`.
func march10(_ clock: String) -> Date {
    let utc = TimeZone(identifier: "UTC")!
    return ScheduleTime.parse("2026-03-10T\(clock):00Z", in: utc)!
}

func job(_ name: String, _ cron: String) throws -> ScheduledJob {
    ScheduledJob(name: name, schedule: try CronSchedule(cron, timeZone: "UTC"))
}

@Test func dueJobStartsAndTheLoopSleepsUntilTheNextTime() throws {
    var scheduler = JobScheduler(jobs: [try job("hr", "*/15 * * * *"), try job("crm", "0 2 * * *")])
    #expect(scheduler.startup(lastRunTimes: [:], now: march10("00:05")) == [.sleep(until: march10("00:15"))])
    #expect(scheduler.tick(now: march10("00:15")) == [.start(job: "hr", trigger: .schedule, scheduledFor: march10("00:15")), .sleep(until: march10("00:30"))])
    #expect(scheduler.runningJobs == ["hr"])
}

@Test func earlyWakeStartsNothing() throws {
    var scheduler = JobScheduler(jobs: [try job("hr", "*/15 * * * *")])
    _ = scheduler.startup(lastRunTimes: [:], now: march10("00:05"))
    #expect(scheduler.tick(now: march10("00:14")) == [.sleep(until: march10("00:15"))])
}

@Test func overlappingTimeIsSkippedAndRecordedThenTheNextTimeStarts() throws {
    var scheduler = JobScheduler(jobs: [try job("hr", "*/15 * * * *")])
    _ = scheduler.startup(lastRunTimes: [:], now: march10("00:05"))
    _ = scheduler.tick(now: march10("00:15"))
    #expect(scheduler.tick(now: march10("00:30")) == [.recordSkip(job: "hr", at: march10("00:30")), .sleep(until: march10("00:45"))])
    scheduler.runFinished(job: "hr")
    #expect(scheduler.tick(now: march10("00:45")) == [.start(job: "hr", trigger: .schedule, scheduledFor: march10("00:45")), .sleep(until: march10("01:00"))])
}

@Test func manualRunMakesTheScheduledTimeSkip() throws {
    var scheduler = JobScheduler(jobs: [try job("hr", "0 * * * *")])
    _ = scheduler.startup(lastRunTimes: [:], now: march10("00:05"))
    scheduler.runStarted(job: "hr")
    #expect(scheduler.tick(now: march10("01:00")) == [.recordSkip(job: "hr", at: march10("01:00")), .sleep(until: march10("02:00"))])
}

@Test func timesMissedWhileDownGiveExactlyOneCatchUpAtStartup() throws {
    var scheduler = JobScheduler(jobs: [try job("hr", "*/15 * * * *"), try job("crm", "0 2 * * *"), try job("new", "0 3 * * *")])
    // hr last ran at 00:00 and missed 00:15…05:45; crm ran at 02:00 and missed nothing; new never ran.
    let actions = scheduler.startup(lastRunTimes: ["hr": march10("00:00"), "crm": march10("02:00")], now: march10("05:50"))
    #expect(actions == [.start(job: "hr", trigger: .schedule, scheduledFor: march10("00:15")), .sleep(until: march10("06:00"))])
    #expect(scheduler.tick(now: march10("05:51")) == [.sleep(until: march10("06:00"))])
}

@Test func wakingLateAfterSeveralTimesStartsOnce() throws {
    var scheduler = JobScheduler(jobs: [try job("hr", "*/15 * * * *")])
    _ = scheduler.startup(lastRunTimes: [:], now: march10("00:05"))
    #expect(scheduler.tick(now: march10("01:20")) == [.start(job: "hr", trigger: .schedule, scheduledFor: march10("00:15")), .sleep(until: march10("01:30"))])
}

@Test func shutdownStartsNothingButStillRecordsSkips() throws {
    var scheduler = JobScheduler(jobs: [try job("hr", "*/15 * * * *"), try job("crm", "*/30 * * * *")])
    _ = scheduler.startup(lastRunTimes: [:], now: march10("00:05"))
    _ = scheduler.tick(now: march10("00:15"))
    scheduler.shutdown()
    #expect(scheduler.isShuttingDown)
    // crm is due at 00:30 too, but nothing new starts.
    #expect(scheduler.tick(now: march10("00:30")) == [.recordSkip(job: "hr", at: march10("00:30")), .sleep(until: march10("00:45"))])
}

@Test func noJobsMeansNoSleepTarget() {
    var scheduler = JobScheduler(jobs: [])
    #expect(scheduler.startup(lastRunTimes: [:], now: march10("00:00")).isEmpty)
}
