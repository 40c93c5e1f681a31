public import Foundation

extension CronExpression {
    /// The next `count` times strictly after `after` at which the expression fires in `timeZone`,
    /// ascending, with the DST rules croniter follows and one classic-cron difference:
    ///
    /// - A local time that does not exist (spring-forward gap) fires at the first instant after
    ///   the gap: `0 2 * * *` in America/New_York fires at 03:00 EDT on 2026-03-08. When the hour
    ///   field allows every hour (`30 * * * *`) the missing time is skipped instead, since the
    ///   expression fires again within the hour.
    /// - A local time that occurs twice (fall-back) fires at both instants, except for a
    ///   fixed-time expression (``isFixedTime``), which fires only at the first:
    ///   `30 1 * * *` fires at 2026-11-01T01:30-04:00 and not again at 01:30-05:00.
    ///
    /// Days are skipped by the month and day fields, so a rare expression such as `0 0 29 2 *`
    /// costs a few hundred cheap steps, not a scan over every minute of the years between.
    public func nextFireTimes(after: Date, timeZone: TimeZone, count: Int) -> [Date] {
        guard count > 0 else { return [] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let local = calendar.dateComponents([.year, .month, .day], from: after)
        let zone = ZoneOffsets(timeZone: timeZone)
        let minutesOfDay = self.minutesOfDay
        let everyHour = hours.nonzeroBitCount == 24
        let afterSeconds = after.timeIntervalSince1970
        // Start a day early: a gap or repeated hour around midnight can move a local time of the
        // previous day past `after`.
        var day = CivilDate.dayNumber(year: local.year ?? 1970, month: local.month ?? 1, day: local.day ?? 1) - 1
        var found: [Int] = []
        var lastDay: Int?
        // Four centuries repeat the Gregorian calendar; parsing guarantees a match within them.
        while let next = nextMatchingDay(from: day, through: min(lastDay ?? .max, day + 146_097)) {
            for instant in zone.instants(day: next, minutesOfDay: minutesOfDay, firstOnly: isFixedTime, skipMissing: everyHour)
            where Double(instant) > afterSeconds {
                found.append(instant)
            }
            // Times of the next day can precede this day's around a midnight transition: look one day on.
            if found.count >= count, lastDay == nil { lastDay = next + 1 }
            day = next + 1
        }
        var unique: [Int] = []
        for instant in found.sorted() where unique.last != instant { unique.append(instant) }
        return unique.prefix(count).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The first day number in `start...limit` (days since 1970-01-01) on which the expression fires.
    private func nextMatchingDay(from start: Int, through limit: Int) -> Int? {
        var dayNumber = start
        while dayNumber <= limit {
            let date = CivilDate(dayNumber: dayNumber)
            if months & (1 << UInt64(date.month)) == 0 {
                dayNumber += CivilDate.daysIn(year: date.year, month: date.month) - date.day + 1
                continue
            }
            if matches(month: date.month, day: date.day, weekday: CivilDate.weekday(dayNumber: dayNumber)) { return dayNumber }
            dayNumber += 1
        }
        return nil
    }
}

/// A proleptic Gregorian date, with day numbers counted from 1970-01-01 (H. Hinnant's algorithms).
struct CivilDate: Equatable {
    var year: Int
    var month: Int
    var day: Int

    init(year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    init(dayNumber: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Sunday = 0; 1970-01-01 was a Thursday.
    static func weekday(dayNumber: Int) -> Int { ((dayNumber % 7) + 11) % 7 }

    static func daysIn(year: Int, month: Int) -> Int {
        if month == 2 { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28 }
        return [4, 6, 9, 11].contains(month) ? 30 : 31
    }
}

/// Maps local wall-clock times of a zone to instants (Unix seconds), gap and overlap included.
///
/// `Calendar.date(from:)` picks one instant for a repeated local time and its own answer for a
/// missing one; the rules here need both instants and "first instant after the gap", so this
/// reads the zone's offsets directly.
struct ZoneOffsets {
    let timeZone: TimeZone

    func offset(at instant: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
    }

    /// The instants of the given minutes of local day `day`, ascending per minute: only the first
    /// of a repeated time when `firstOnly`, none for a missing time when `skipMissing`.
    func instants(day: Int, minutesOfDay: [Int], firstOnly: Bool, skipMissing: Bool) -> [Int] {
        let wallStart = day * 86_400
        let before = offset(at: wallStart - 86_400)
        let after = offset(at: wallStart + 2 * 86_400)
        if before == after, offset(at: wallStart - before) == before, offset(at: wallStart + 86_399 - before) == before {
            return minutesOfDay.map { wallStart + $0 * 60 - before }
        }
        var result: [Int] = []
        for minute in minutesOfDay {
            let found = instants(wall: wallStart + minute * 60, offsets: [before, after], skipMissing: skipMissing)
            result.append(contentsOf: firstOnly ? Array(found.prefix(1)) : found)
        }
        return result
    }

    /// Every instant whose local time is `wall` (seconds since 1970 read as UTC): one, two in a
    /// repeated hour, or, for a time inside a gap, the first instant after the gap.
    func instants(wall: Int) -> [Int] {
        instants(wall: wall, offsets: [offset(at: wall - 86_400), offset(at: wall + 86_400)], skipMissing: false)
    }

    private func instants(wall: Int, offsets: [Int], skipMissing: Bool) -> [Int] {
        let candidates = Set(offsets.map { wall - $0 }).sorted()
        let valid = candidates.filter { offset(at: $0) == wall - $0 }
        if !valid.isEmpty || candidates.count < 2 { return valid.isEmpty ? candidates : valid }
        if skipMissing { return [] }
        return [firstInstantAfterChange(from: candidates[0], to: candidates[candidates.count - 1])]
    }

    /// The first instant in `(low, high]` whose offset differs from the offset at `low`.
    private func firstInstantAfterChange(from low: Int, to high: Int) -> Int {
        let original = offset(at: low)
        var (low, high) = (low, high)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == original { low = middle } else { high = middle }
        }
        return high
    }
}
