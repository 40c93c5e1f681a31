import Foundation
import RosterCore

/// A parsed 5-field cron expression (`minute hour day-of-month month day-of-week`) or macro
/// (`@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`/`@annually`).
///
/// Fields take `*`, numbers, names (`JAN`–`DEC`, `SUN`–`SAT`, any case), ranges `a-b`
/// (wrapping past the end, as `FRI-MON`), lists `a,b`, and steps `*/n`, `a-b/n`, `a/n`.
/// Day-of-week 0 and 7 are Sunday. When both day fields are restricted (neither is `*`),
/// a day matches if either matches, as in cron and croniter.
///
/// ```swift
/// let weekdays = try CronExpression(parsing: "0 9-17 * * 1-5")
/// ```
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    /// Bits 0–6, Sunday = 0.
    let daysOfWeek: UInt64
    /// Both day fields restricted: a day matches when either field matches.
    let daysMatchEither: Bool

    /// The macros and the expressions they stand for.
    public static let macros: [(name: String, expression: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
    ]

    /// Parses `text`.
    /// - Throws: ``CronError`` naming the field, the bad token and what to write instead.
    public init(parsing text: String) throws(CronError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        source = trimmed
        var expanded = trimmed
        if trimmed.hasPrefix("@") {
            guard let macro = Self.macros.first(where: { $0.name == trimmed.lowercased() }) else {
                let names = Self.macros.map(\.name)
                let hint = Suggestions.closest(to: trimmed, in: names).map { "did you mean \($0)? " } ?? ""
                throw CronError(field: nil, subject: "cron macro", token: trimmed, problem: "is not known",
                                fix: "\(hint)use one of \(names.joined(separator: ", ")) or 5 fields")
            }
            expanded = macro.expression
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(field: nil, token: trimmed, problem: "has \(fields.count) field\(fields.count == 1 ? "" : "s")",
                            fix: "write 5: minute hour day-of-month month day-of-week, e.g. '0 2 * * *', or a macro such as @daily")
        }
        minutes = try Self.parse(fields[0], as: .minute)
        hours = try Self.parse(fields[1], as: .hour)
        daysOfMonth = try Self.parse(fields[2], as: .dayOfMonth)
        months = try Self.parse(fields[3], as: .month)
        let weekBits = try Self.parse(fields[4], as: .dayOfWeek)
        daysOfWeek = (weekBits | (weekBits >> 7)) & 0x7F
        daysMatchEither = !Self.isUnrestricted(fields[2]) && !Self.isUnrestricted(fields[4])
        try checkDaysExist(dayField: fields[2], monthField: fields[3])
    }

    /// The expression as written.
    public var description: String { source }

    /// True when the expression fires at one minute of the day (one minute and one hour value):
    /// such a job fires only at the first of two repeated local times on a fall-back day.
    public var isFixedTime: Bool { minutes.nonzeroBitCount == 1 && hours.nonzeroBitCount == 1 }

    /// Whether a local calendar day is a firing day.
    func matches(month: Int, day: Int, weekday: Int) -> Bool {
        guard months & (1 << UInt64(month)) != 0 else { return false }
        let byDay = daysOfMonth & (1 << UInt64(day)) != 0
        let byWeekday = daysOfWeek & (1 << UInt64(weekday)) != 0
        return daysMatchEither ? (byDay || byWeekday) : (byDay && byWeekday)
    }

    /// The minutes of the day (0–1439) the expression fires at, ascending.
    var minutesOfDay: [Int] {
        var result: [Int] = []
        for hour in 0..<24 where hours & (1 << UInt64(hour)) != 0 {
            for minute in 0..<60 where minutes & (1 << UInt64(minute)) != 0 { result.append(hour * 60 + minute) }
        }
        return result
    }

    private static func isUnrestricted(_ field: String) -> Bool { field == "*" || field == "?" }

    /// Rejects a day-of-month that never occurs in the months allowed (`0 0 30 2 *`), so the
    /// search for the next time always ends.
    private func checkDaysExist(dayField: String, monthField: String) throws(CronError) {
        guard !daysMatchEither else { return }
        let longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let firstDay = daysOfMonth.trailingZeroBitCount
        let possible = (1...12).contains { months & (1 << UInt64($0)) != 0 && firstDay <= longest[$0] }
        if !possible {
            throw CronError(field: .dayOfMonth, token: dayField, problem: "never occurs in month field '\(monthField)'",
                            fix: "use a day that exists in those months (February has at most 29 days; April, June, September and November 30)")
        }
    }

    /// The bit set of one field: bit n set when value n is allowed.
    private static func parse(_ text: String, as field: CronField) throws(CronError) -> UInt64 {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else {
                throw CronError(field: field, token: text, problem: "has an empty list item", fix: "separate values with single commas, e.g. '1,15'")
            }
            bits |= try parseItem(item, as: field)
        }
        return bits
    }

    /// One list item: `*`, `?` (day fields), `a`, `a-b`, each optionally followed by `/step`.
    private static func parseItem(_ item: String, as field: CronField) throws(CronError) -> UInt64 {
        let marks = field == .dayOfMonth ? ["#", "L", "W"] : ["#"]
        if let mark = marks.first(where: { item.uppercased().contains($0) }) {
            throw CronError(field: field, token: item, problem: "uses '\(mark)', which is not supported",
                            fix: "list the values instead, e.g. '1,15' or 'MON'")
        }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else {
            throw CronError(field: field, token: item, problem: "has more than one '/'", fix: "write one step, e.g. '*/15' or '0-30/5'")
        }
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 1 else {
                throw CronError(field: field, token: item, problem: "has step '\(parts[1])'", fix: "use a whole step of at least 1, e.g. '*/15'")
            }
            step = value
        }
        let bounds = field.bounds
        let start: Int
        let end: Int
        let base = parts[0]
        if base == "*" || (base == "?" && (field == .dayOfMonth || field == .dayOfWeek)) {
            start = bounds.lowerBound
            end = field == .dayOfWeek ? 6 : bounds.upperBound
        } else if let dash = base.firstIndex(of: "-") {
            start = try value(String(base[..<dash]), item: item, as: field)
            end = try value(String(base[base.index(after: dash)...]), item: item, as: field)
        } else {
            start = try value(base, item: item, as: field)
            end = parts.count == 2 ? (field == .dayOfWeek ? 6 : bounds.upperBound) : start
        }
        var bits: UInt64 = 0
        let span = bounds.count
        let length = (end - start + span) % span
        for offset in stride(from: 0, through: length, by: step) {
            let number = bounds.lowerBound + (start - bounds.lowerBound + offset) % span
            bits |= 1 << UInt64(number)
        }
        return bits
    }

    /// A number or name, checked against the field's range.
    private static func value(_ text: String, item: String, as field: CronField) throws(CronError) -> Int {
        let bounds = field.bounds
        if let number = Int(text) {
            guard bounds.contains(number) else {
                throw CronError(field: field, token: item, problem: "is out of range \(bounds.lowerBound)-\(bounds.upperBound)",
                                fix: "write a number from \(bounds.lowerBound) to \(bounds.upperBound)")
            }
            return number
        }
        if let index = field.names.firstIndex(of: text.uppercased()) { return field.firstNameValue + index }
        let examples = field.names.isEmpty ? "" : " or a name \(field.names[0])-\(field.names[field.names.count - 1])"
        let hint = Suggestions.closest(to: text, in: field.names).map { "did you mean \($0)? " } ?? ""
        throw CronError(field: field, token: item, problem: text.isEmpty ? "is missing a value" : "has '\(text)', which is not a \(field) value",
                        fix: "\(hint)write a number from \(bounds.lowerBound) to \(bounds.upperBound)\(examples), a range like '1-5', a list like '1,15', '*' or a step like '*/15'")
    }
}
