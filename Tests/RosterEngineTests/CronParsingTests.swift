import Foundation
import RosterEngine
import Testing

/// 2026-01-01T00:00:00Z, a Thursday.
private let newYear = Date(timeIntervalSince1970: 1_767_225_600)

/// The first `count` fire times after 2026-01-01T00:00Z in UTC, as ISO text.
private func firstTimes(_ expression: String, count: Int = 5) throws -> [String] {
    let utc = try #require(TimeZone(identifier: "UTC"))
    return try CronExpression(parsing: expression).nextFireTimes(after: newYear, timeZone: utc, count: count)
        .map { ScheduleTime.string($0, in: utc) }
}

/// Strips the shared date and offset, leaving `MM-DDTHH:MM` for compact tables.
private func short(_ times: [String]) -> [String] {
    times.map { String($0.dropFirst(5).prefix(11)) }
}

@Test(arguments: [
    ("*/15 * * * *", ["01-01T00:15", "01-01T00:30", "01-01T00:45", "01-01T01:00", "01-01T01:15"]),
    ("5/20 * * * *", ["01-01T00:05", "01-01T00:25", "01-01T00:45", "01-01T01:05", "01-01T01:25"]),
    ("1-5/2 * * * *", ["01-01T00:01", "01-01T00:03", "01-01T00:05", "01-01T01:01", "01-01T01:03"]),
    ("50-5/5 * * * *", ["01-01T00:05", "01-01T00:50", "01-01T00:55", "01-01T01:00", "01-01T01:05"]),
    ("*/45 * * * *", ["01-01T00:45", "01-01T01:00", "01-01T01:45", "01-01T02:00", "01-01T02:45"]),
    ("*/100 * * * *", ["01-01T01:00", "01-01T02:00", "01-01T03:00", "01-01T04:00", "01-01T05:00"]),
    ("0 22-2 * * *", ["01-01T01:00", "01-01T02:00", "01-01T22:00", "01-01T23:00", "01-02T00:00"]),
    ("0 9-17 * * 1-5", ["01-01T09:00", "01-01T10:00", "01-01T11:00", "01-01T12:00", "01-01T13:00"]),
    ("0 0 * * MON", ["01-05T00:00", "01-12T00:00", "01-19T00:00", "01-26T00:00", "02-02T00:00"]),
    ("0 0 * * fri-mon", ["01-02T00:00", "01-03T00:00", "01-04T00:00", "01-05T00:00", "01-09T00:00"]),
    ("0 0 * * 7", ["01-04T00:00", "01-11T00:00", "01-18T00:00", "01-25T00:00", "02-01T00:00"]),
    ("0 0 * * 0-7/2", ["01-03T00:00", "01-04T00:00", "01-06T00:00", "01-08T00:00", "01-10T00:00"]),
    ("0 0 * * 1/2", ["01-02T00:00", "01-05T00:00", "01-07T00:00", "01-09T00:00", "01-12T00:00"]),
    // Both day fields restricted: either matches (cron and croniter), also with steps and full ranges.
    ("0 0 1,15 * MON", ["01-05T00:00", "01-12T00:00", "01-15T00:00", "01-19T00:00", "01-26T00:00"]),
    ("0 0 */2 * MON", ["01-03T00:00", "01-05T00:00", "01-07T00:00", "01-09T00:00", "01-11T00:00"]),
    ("0 0 1 * */1", ["01-02T00:00", "01-03T00:00", "01-04T00:00", "01-05T00:00", "01-06T00:00"]),
    ("0 0 ? * MON", ["01-05T00:00", "01-12T00:00", "01-19T00:00", "01-26T00:00", "02-02T00:00"]),
    ("0 0 30-2 * *", ["01-02T00:00", "01-30T00:00", "01-31T00:00", "02-01T00:00", "02-02T00:00"]),
    ("0 0 31 * *", ["01-31T00:00", "03-31T00:00", "05-31T00:00", "07-31T00:00", "08-31T00:00"]),
    ("0 0 1 jan,JUL *", ["07-01T00:00", "01-01T00:00", "07-01T00:00", "01-01T00:00", "07-01T00:00"]),
    ("0 6 1 NOV-FEB *", ["01-01T06:00", "02-01T06:00", "11-01T06:00", "12-01T06:00", "01-01T06:00"]),
    ("  0  2\t* * *  ", ["01-01T02:00", "01-02T02:00", "01-03T02:00", "01-04T02:00", "01-05T02:00"]),
    ("@hourly", ["01-01T01:00", "01-01T02:00", "01-01T03:00", "01-01T04:00", "01-01T05:00"]),
    ("@daily", ["01-02T00:00", "01-03T00:00", "01-04T00:00", "01-05T00:00", "01-06T00:00"]),
    ("@MIDNIGHT", ["01-02T00:00", "01-03T00:00", "01-04T00:00", "01-05T00:00", "01-06T00:00"]),
    ("@weekly", ["01-04T00:00", "01-11T00:00", "01-18T00:00", "01-25T00:00", "02-01T00:00"]),
    ("@monthly", ["02-01T00:00", "03-01T00:00", "04-01T00:00", "05-01T00:00", "06-01T00:00"]),
])
func parsesFieldSyntax(expression: String, expected: [String]) throws {
    #expect(short(try firstTimes(expression)) == expected)
}

@Test(arguments: [
    ("0 0 29 2 *", ["2028-02-29T00:00:00+00:00", "2032-02-29T00:00:00+00:00", "2036-02-29T00:00:00+00:00"]),
    ("@yearly", ["2027-01-01T00:00:00+00:00", "2028-01-01T00:00:00+00:00", "2029-01-01T00:00:00+00:00"]),
    ("@annually", ["2027-01-01T00:00:00+00:00", "2028-01-01T00:00:00+00:00", "2029-01-01T00:00:00+00:00"]),
    ("59 23 31 12 *", ["2026-12-31T23:59:00+00:00", "2027-12-31T23:59:00+00:00", "2028-12-31T23:59:00+00:00"]),
])
func skipsYearsByFields(expression: String, expected: [String]) throws {
    #expect(try firstTimes(expression, count: 3) == expected)
}

@Test func leapDaysAcrossCenturiesSkipTheNonLeap2100() throws {
    let utc = try #require(TimeZone(identifier: "UTC"))
    let start = try #require(ScheduleTime.parse("2095-01-01T00:00:00Z", in: utc))
    let times = try CronExpression(parsing: "0 0 29 2 *").nextFireTimes(after: start, timeZone: utc, count: 2)
    #expect(times.map { ScheduleTime.string($0, in: utc) } == ["2096-02-29T00:00:00+00:00", "2104-02-29T00:00:00+00:00"])
}

@Test(arguments: [
    ("61 * * * *", "minute field '61' is out of range 0-59; write a number from 0 to 59"),
    ("0 24 * * *", "hour field '24' is out of range 0-23; write a number from 0 to 23"),
    ("0 0 0 * *", "day-of-month field '0' is out of range 1-31; write a number from 1 to 31"),
    ("0 0 * 13 *", "month field '13' is out of range 1-12; write a number from 1 to 12"),
    ("0 0 * * 8", "day-of-week field '8' is out of range 0-7; write a number from 0 to 7"),
    ("0 9-25 * * *", "hour field '9-25' is out of range 0-23; write a number from 0 to 23"),
    ("*/0 * * * *", "minute field '*/0' has step '0'; use a whole step of at least 1, e.g. '*/15'"),
    ("*/x * * * *", "minute field '*/x' has step 'x'; use a whole step of at least 1, e.g. '*/15'"),
    ("1/2/3 * * * *", "minute field '1/2/3' has more than one '/'; write one step, e.g. '*/15' or '0-30/5'"),
    ("1,,2 * * * *", "minute field '1,,2' has an empty list item; separate values with single commas, e.g. '1,15'"),
    ("0 0 * * MONN", "day-of-week field 'MONN' has 'MONN', which is not a day-of-week value; did you mean MON? write a number from 0 to 7 or a name SUN-SAT, a range like '1-5', a list like '1,15', '*' or a step like '*/15'"),
    ("0 0 * jam *", "month field 'jam' has 'jam', which is not a month value; did you mean JAN? write a number from 1 to 12 or a name JAN-DEC, a range like '1-5', a list like '1,15', '*' or a step like '*/15'"),
    ("x 0 * * *", "minute field 'x' has 'x', which is not a minute value; write a number from 0 to 59, a range like '1-5', a list like '1,15', '*' or a step like '*/15'"),
    ("-5 0 * * *", "minute field '-5' is missing a value; write a number from 0 to 59, a range like '1-5', a list like '1,15', '*' or a step like '*/15'"),
    ("0 0 L * *", "day-of-month field 'L' uses 'L', which is not supported; list the values instead, e.g. '1,15' or 'MON'"),
    ("0 0 15W * *", "day-of-month field '15W' uses 'W', which is not supported; list the values instead, e.g. '1,15' or 'MON'"),
    ("0 0 * * MON#2", "day-of-week field 'MON#2' uses '#', which is not supported; list the values instead, e.g. '1,15' or 'MON'"),
    ("0 0 30 2 *", "day-of-month field '30' never occurs in month field '2'; use a day that exists in those months (February has at most 29 days; April, June, September and November 30)"),
    ("0 0 31 APR,JUN *", "day-of-month field '31' never occurs in month field 'APR,JUN'; use a day that exists in those months (February has at most 29 days; April, June, September and November 30)"),
    ("0 12 * *", "cron expression '0 12 * *' has 4 fields; write 5: minute hour day-of-month month day-of-week, e.g. '0 2 * * *', or a macro such as @daily"),
    ("0 0 12 * * *", "cron expression '0 0 12 * * *' has 6 fields; write 5: minute hour day-of-month month day-of-week, e.g. '0 2 * * *', or a macro such as @daily"),
    ("", "cron expression '' has 0 fields; write 5: minute hour day-of-month month day-of-week, e.g. '0 2 * * *', or a macro such as @daily"),
    ("@dayly", "cron macro '@dayly' is not known; did you mean @daily? use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or 5 fields"),
    ("? * * * *", "minute field '?' has '?', which is not a minute value; write a number from 0 to 59, a range like '1-5', a list like '1,15', '*' or a step like '*/15'"),
])
func rejectsWithWhereWhatAndFix(expression: String, message: String) {
    #expect(throws: CronError.self) { try CronExpression(parsing: expression) }
    do {
        _ = try CronExpression(parsing: expression)
    } catch {
        #expect(error.description == message)
    }
}

@Test func errorNamesTheField() {
    do {
        _ = try CronExpression(parsing: "0 0 * 13 *")
        Issue.record("expected an error")
    } catch {
        #expect(error.field == .month)
        #expect(error.token == "13")
    }
}

@Test(arguments: [
    ("30 1 * * *", true), ("@daily", true), ("0 2 * * MON-FRI", true), ("*/60 3 * * *", true),
    ("0,30 1 * * *", false), ("30 1,2 * * *", false), ("30 1-3 * * *", false), ("30 */2 * * *", false), ("@hourly", false),
])
func fixedTimeMeansOneMinuteAndOneHour(expression: String, fixed: Bool) throws {
    #expect(try CronExpression(parsing: expression).isFixedTime == fixed)
}
