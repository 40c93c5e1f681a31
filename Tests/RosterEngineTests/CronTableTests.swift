import Foundation
import RosterEngine
import Testing

/// One row of the croniter fixture (scripts/cron_tables.py).
struct CronTableCase: Decodable, CustomTestStringConvertible {
    var expression: String
    var timeZone: String
    var from: String
    var times: [String]

    var testDescription: String { "\(expression) in \(timeZone) after \(from)" }
}

private struct CronTables: Decodable {
    var count: Int
    var cases: [CronTableCase]
}

private let cronTables: CronTables = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/cron_tables.json")
    do {
        return try JSONDecoder().decode(CronTables.self, from: Data(contentsOf: url))
    } catch {
        fatalError("cannot read \(url.path): \(error); run scripts/cron_tables.py")
    }
}()

/// The next times after `from` for `expression` in `zone`, as `schedule next` prints them.
private func nextTimes(_ expression: String, zone name: String, from: String, count: Int) throws -> [String] {
    let schedule = try CronSchedule(expression, timeZone: name)
    let start = try #require(ScheduleTime.parse(from, in: schedule.timeZone), "unreadable start \(from)")
    return schedule.nextFireTimes(after: start, count: count).map { ScheduleTime.string($0, in: schedule.timeZone) }
}

@Test func fixtureCoversTheZonesAndSyntaxTheSpecNames() {
    let zones = Set(cronTables.cases.map(\.timeZone))
    #expect(zones == ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "America/Sao_Paulo"])
    #expect(cronTables.cases.count > 800)
}

@Test(arguments: cronTables.cases)
func matchesCroniter(_ row: CronTableCase) throws {
    #expect(try nextTimes(row.expression, zone: row.timeZone, from: row.from, count: cronTables.count) == row.times)
}

@Test(arguments: [
    // The spec's examples, verbatim: 02:00 does not exist in New York on 2026-03-08.
    ("0 2 * * *", "2026-03-06T12:00:00-05:00", ["2026-03-07T02:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00"]),
    // Fall-back day: a fixed-time job fires once, at the first 01:30 (croniter would add 01:30-05:00).
    ("30 1 * * *", "2026-10-31T12:00:00-04:00", ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00", "2026-11-03T01:30:00-05:00"]),
    // Ranges or steps in the hour fire in both passes, as croniter does.
    ("30 0-3 * * *", "2026-11-01T00:00:00-04:00", ["2026-11-01T00:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"]),
])
func newYorkDSTExamples(expression: String, from: String, expected: [String]) throws {
    #expect(try nextTimes(expression, zone: "America/New_York", from: from, count: 3) == expected)
}

@Test func onePassOfTheRepeatedHourStillFiresAfterTheFirstIsPast() throws {
    let times = try nextTimes("*/30 * * * *", zone: "America/New_York", from: "2026-11-01T01:45:00-04:00", count: 3)
    #expect(times == ["2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00"])
}

@Test func farRareScheduleIsComputedBySkippingNotScanning() throws {
    let clock = ContinuousClock()
    let started = clock.now
    // 200 leap days reach past the 400-year cycle (2100, 2200, 2300, 2500… are not leap years).
    let times = try nextTimes("59 23 29 2 *", zone: "Australia/Lord_Howe", from: "2026-01-01T00:00:00Z", count: 200)
    let elapsed = clock.now - started
    #expect(times.count == 200)
    #expect(times[49] == "2232-02-29T23:59:00+11:00")
    #expect(times.last == "2848-02-29T23:59:00+11:00")
    // Scanning minute by minute over 800 years would take minutes; skipping takes milliseconds.
    // The bound separates the two with room for a loaded CI machine.
    #expect(elapsed < .seconds(10))
}

@Test(arguments: [
    ("America/New_Yrok", "time zone 'America/New_Yrok' is not known; did you mean 'America/New_York'? write an IANA name such as 'America/New_York', 'Europe/London' or 'UTC'"),
    ("new york", "time zone 'new york' is not known; did you mean 'America/New_York'? write an IANA name such as 'America/New_York', 'Europe/London' or 'UTC'"),
    ("Mars/Olympus", "time zone 'Mars/Olympus' is not known; write an IANA name such as 'America/New_York', 'Europe/London' or 'UTC'"),
])
func unknownZoneSaysWhatToWrite(name: String, message: String) {
    #expect(throws: CronError.self) { try CronSchedule.timeZone(named: name) }
    do {
        _ = try CronSchedule("0 2 * * *", timeZone: name)
    } catch {
        #expect(error.description == message)
    }
}

@Test(arguments: [
    ("2026-03-08T03:00:00-04:00", "America/New_York", "2026-03-08T03:00:00-04:00"),
    ("2026-03-08T07:00:00Z", "America/New_York", "2026-03-08T03:00:00-04:00"),
    ("2026-03-08T07:00:00.250Z", "UTC", "2026-03-08T07:00:00+00:00"),
    ("2026-03-07T12:00", "America/New_York", "2026-03-07T12:00:00-05:00"),
    ("2026-03-07", "Asia/Kolkata", "2026-03-07T00:00:00+05:30"),
    ("2026-10-04T02:15:00", "Australia/Lord_Howe", "2026-10-04T02:30:00+11:00"),
    ("2026-11-01T01:30:00", "America/New_York", "2026-11-01T01:30:00-04:00"),
    ("2026-01-01T00:00:00+0530", "UTC", "2025-12-31T18:30:00+00:00"),
])
func readsAndWritesTimesWithOffsets(text: String, zone: String, expected: String) throws {
    let timeZone = try CronSchedule.timeZone(named: zone)
    let date = try #require(ScheduleTime.parse(text, in: timeZone))
    #expect(ScheduleTime.string(date, in: timeZone) == expected)
}

@Test(arguments: ["", "tomorrow", "2026-13-01", "2026-02-30", "2026-03-07T25:00", "2026-03-07T12:00+5", "2026-03-07T12:00:00Zjunk"])
func rejectsTimesThatAreNotISO8601(text: String) throws {
    #expect(ScheduleTime.parse(text, in: try CronSchedule.timeZone(named: "UTC")) == nil)
}
