public import Foundation

/// ISO 8601 times with the zone's offset, as `schedule next` prints and reads them.
public enum ScheduleTime {
    /// `date` as local time in `timeZone` with its offset, e.g. `2026-03-08T03:00:00-04:00`
    /// (`+00:00` for UTC, as croniter's `isoformat()` writes it).
    public static func string(_ date: Date, in timeZone: TimeZone) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let offset = timeZone.secondsFromGMT(for: date)
        let wall = seconds + offset
        let day = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        let civil = CivilDate(dayNumber: day)
        let clock = wall - day * 86_400
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        return "\(pad(civil.year, 4))-\(pad(civil.month))-\(pad(civil.day))T\(pad(clock / 3600)):\(pad(clock / 60 % 60)):\(pad(clock % 60))"
            + "\(sign)\(pad(magnitude / 3600)):\(pad(magnitude / 60 % 60))"
    }

    /// Reads `2026-03-06T12:00:00-05:00`, `…Z`, `2026-03-06T12:00` or `2026-03-06`; a time without
    /// an offset is local time in `timeZone` (a time in a gap reads as the end of the gap, a
    /// repeated time as its first occurrence). Nil when the text is not such a time.
    public static func parse(_ text: String, in timeZone: TimeZone) -> Date? {
        let characters = Array(text.trimmingCharacters(in: .whitespaces))
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= characters.count else { return nil }
            let slice = characters[index..<index + digits]
            guard slice.allSatisfy(\.isASCII), slice.allSatisfy(\.isNumber), let value = Int(String(slice)) else { return nil }
            index += digits
            return value
        }
        func skip(_ separator: Character) -> Bool {
            guard index < characters.count, characters[index] == separator else { return false }
            index += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2),
              (1...12).contains(month), (1...CivilDate.daysIn(year: year, month: month)).contains(day) else { return nil }
        var clock = 0
        if skip("T") || skip(" ") {
            guard let hour = number(2), hour < 24, skip(":"), let minute = number(2), minute < 60 else { return nil }
            var second = 0
            if skip(":") {
                guard let value = number(2), value < 60 else { return nil }
                second = value
                if skip(".") { while index < characters.count, characters[index].isNumber { index += 1 } }
            }
            clock = hour * 3600 + minute * 60 + second
        }
        let wall = CivilDate.dayNumber(year: year, month: month, day: day) * 86_400 + clock
        if index == characters.count {
            return ZoneOffsets(timeZone: timeZone).instants(wall: wall).first.map { Date(timeIntervalSince1970: Double($0)) }
        }
        if skip("Z"), index == characters.count { return Date(timeIntervalSince1970: Double(wall)) }
        guard index < characters.count, characters[index] == "+" || characters[index] == "-" else { return nil }
        let sign = characters[index] == "-" ? -1 : 1
        index += 1
        guard let hours = number(2) else { return nil }
        _ = skip(":")
        guard let minutes = number(2), index == characters.count, hours < 24, minutes < 60 else { return nil }
        return Date(timeIntervalSince1970: Double(wall - sign * (hours * 3600 + minutes * 60)))
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
