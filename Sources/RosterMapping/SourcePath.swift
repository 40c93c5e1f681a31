public import RosterCore

/// A compiled path into a source record: `name.givenName`, `phones.0.value`,
/// `customSchemas.ContactCenter.Extension`, `"@odata.type"`, `attributes."a.b"`.
///
/// Segments are separated by `.`. A segment that contains `.`, `@` or `"` is written in double
/// quotes, with `\"` and `\\` as escapes inside them. An unquoted segment of digits indexes an
/// array (or names an object key of those digits); a quoted one is always an object key.
/// Paths are split once at load time, never per record.
public struct SourcePath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case key(String)
        /// An unquoted all-digits segment: an array index, or an object key when the value is an object.
        case indexOrKey(Int, String)
    }

    let segments: [Segment]
    /// The path as written in the mapping file.
    public let description: String

    /// Parses `text`.
    ///
    /// - Throws: ``PathSyntaxError`` when a segment is empty, a quote is unterminated or misplaced,
    ///   or an unquoted segment contains `@`; the message says what to write instead.
    public init(parsing text: String) throws(PathSyntaxError) {
        description = text
        segments = try SourcePath.split(text)
    }

    /// The value at this path in `record`, or `nil` when any step is missing or of the wrong kind.
    public func resolve(in record: JSONValue) -> JSONValue? {
        // Most paths are one plain key (`givenName`); skip the loop's copies for them.
        if segments.count == 1, case .key(let key) = segments[0] {
            guard case .object(let members) = record else { return nil }
            return members[key]
        }
        var current = record
        for segment in segments {
            switch current {
            case .object(let members):
                let key: String
                switch segment {
                case .key(let name): key = name
                case .indexOrKey(_, let name): key = name
                }
                guard let next = members[key] else { return nil }
                current = next
            case .array(let items):
                guard case .indexOrKey(let index, _) = segment, items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    private static func split(_ text: String) throws(PathSyntaxError) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else {
            throw PathSyntaxError("empty path; write a field name such as givenName or name.givenName")
        }
        var segments: [Segment] = []
        var position = 0
        while true {
            if position < scalars.count, scalars[position] == "\"" {
                let (key, end) = try quotedSegment(scalars, from: position, in: text)
                segments.append(.key(key))
                position = end
            } else {
                var end = position
                while end < scalars.count, scalars[end] != "." { end += 1 }
                let raw = String(String.UnicodeScalarView(scalars[position..<end]))
                try checkUnquoted(raw, rest: String(String.UnicodeScalarView(scalars[position...])), in: text)
                if raw.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }),
                   let index = Int(raw) {
                    segments.append(.indexOrKey(index, raw))
                } else {
                    segments.append(.key(raw))
                }
                position = end
            }
            if position == scalars.count { return segments }
            if scalars[position] != "." {
                throw PathSyntaxError(
                    "path '\(text)' has text after a closing quote; put a '.' after the quoted key, e.g. \"a.b\".c")
            }
            position += 1
            if position == scalars.count {
                throw PathSyntaxError("path '\(text)' ends with '.'; remove the trailing dot")
            }
        }
    }

    private static func quotedSegment(
        _ scalars: [Unicode.Scalar], from start: Int, in text: String
    ) throws(PathSyntaxError) -> (String, Int) {
        var key = String.UnicodeScalarView()
        var position = start + 1
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "\\", position + 1 < scalars.count {
                key.append(scalars[position + 1])
                position += 2
            } else if scalar == "\"" {
                guard !key.isEmpty else {
                    throw PathSyntaxError("path '\(text)' has an empty quoted key \"\"; write the key between the quotes")
                }
                return (String(key), position + 1)
            } else {
                key.append(scalar)
                position += 1
            }
        }
        throw PathSyntaxError("path '\(text)' has an unterminated quote; close the key with '\"'")
    }

    /// `rest` is the path from this segment on, offered quoted when it may be one dotted key.
    private static func checkUnquoted(_ raw: String, rest: String, in text: String) throws(PathSyntaxError) {
        if raw.contains("@") {
            let alternative = rest.contains(".") ? " (or \"\(rest)\" if that is one key with dots)" : ""
            throw PathSyntaxError("path '\(text)' has '@' in the key '\(raw)'; quote the key: \"\(raw)\"\(alternative)")
        }
        if raw.isEmpty {
            throw PathSyntaxError(
                "path '\(text)' has an empty key (two dots, or a leading dot); separate keys with one '.', e.g. name.givenName")
        }
        if raw.contains("\"") {
            throw PathSyntaxError("path '\(text)' has a quote inside the key '\(raw)'; quote the whole key: \"\(raw)\"")
        }
    }
}

/// Why a path could not be parsed, with what to write instead.
public struct PathSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message, e.g. `path 'a..b' has an empty key …; separate keys with one '.'`.
    public let description: String

    init(_ description: String) { self.description = description }
}

extension JSONValue {
    /// The text a mapping sees for this value, or `nil` for arrays and objects (which need an index
    /// or key to reach a value).
    ///
    /// Integral numbers print without a fraction (`1000.0` → `"1000"`), other numbers as Swift's
    /// shortest round-trip form (`0.5` → `"0.5"`); `true`/`false` as words; `null` as empty text.
    package var mappedText: String? {
        switch self {
        case .string(let text): return text
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return JSONValue.format(number)
        case .array, .object: return nil
        }
    }

    /// `number` as mapped text: integers below 2^63 in magnitude without `.0`, other values shortest round-trip.
    package static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(.towardZero), abs(number) < 9.2e18 {
            return String(Int64(number))
        }
        return "\(number)"
    }
}
