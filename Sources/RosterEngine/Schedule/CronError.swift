/// One of the five fields of a cron expression, in order.
public enum CronField: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// 0–59.
    case minute
    /// 0–23.
    case hour
    /// 1–31.
    case dayOfMonth
    /// 1–12 or JAN–DEC.
    case month
    /// 0–7 (0 and 7 are Sunday) or SUN–SAT.
    case dayOfWeek

    /// The field's name as messages and docs spell it: `minute`, `day-of-month`, ….
    public var description: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The smallest and largest number the field accepts (day-of-week accepts 7 for Sunday).
    var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Names accepted in place of numbers (case-insensitive): JAN–DEC and SUN–SAT.
    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The number of the first name (JAN = 1, SUN = 0).
    var firstNameValue: Int { self == .month ? 1 : 0 }
}

/// A cron expression or time zone that cannot be used, said for people: where (the field),
/// what (the token and the problem) and what to write instead.
///
/// Prints as `minute field '61' is out of range 0-59; write a number from 0 to 59, …`.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field the problem is in; nil when it concerns the whole expression or the time zone.
    public var field: CronField?
    /// What the problem is about, e.g. `minute field`, `cron expression`, `time zone`.
    public var subject: String
    /// The text as written.
    public var token: String
    /// What is wrong, e.g. `is out of range 0-59`.
    public var problem: String
    /// What to write instead.
    public var fix: String

    /// Creates an error; `subject` defaults to "`<field> field`".
    public init(field: CronField?, subject: String? = nil, token: String, problem: String, fix: String) {
        self.field = field
        self.subject = subject ?? field.map { "\($0) field" } ?? "cron expression"
        self.token = token
        self.problem = problem
        self.fix = fix
    }

    /// The message for people: where, what, and what to write instead.
    public var description: String { "\(subject) '\(token)' \(problem); \(fix)" }
}
