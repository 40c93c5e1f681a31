public import Foundation
public import RosterCore

/// Reads the sample records that `rostersync map --input` previews: what a connector pulled,
/// saved as a file.
///
/// Accepted shapes:
/// - a JSON array of records: `[{…}, {…}]`;
/// - a vendor response page: an object holding the records in an array under `value` (Graph,
///   Dynamics), `users` (Zendesk, Google), `records` (Salesforce), `results` (HubSpot), `result`
///   (ServiceNow), `data`, `items`, `agents`, `members` or `entries`, or under its only member;
/// - any other object: one record;
/// - JSON lines: one record object per line (blank lines skipped).
public enum SampleRecords {
    /// Keys under which vendor responses hold their records, tried in this order.
    public static let containerKeys = ["value", "users", "records", "results", "result", "data", "items", "agents", "members", "entries"]

    /// Reads and decodes the file at `path`.
    ///
    /// - Throws: ``SampleRecordsError`` when the file cannot be read, is not JSON or JSON lines,
    ///   or holds something other than record objects.
    public static func load(path: String) throws(SampleRecordsError) -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SampleRecordsError(file: path, message: "no such file or it cannot be read; check the path given with --input")
        }
        return try parse(data, file: path)
    }

    /// Decodes sample records from `data`; `file` only names the input in errors.
    ///
    /// - Throws: ``SampleRecordsError`` as ``load(path:)`` does.
    public static func parse(_ data: Data, file: String) throws(SampleRecordsError) -> [JSONValue] {
        guard let first = data.first(where: { !isSpace($0) }) else {
            throw SampleRecordsError(file: file, message: "the file is empty; write a JSON array of records, e.g. [{\"givenName\": \"Ada\"}]")
        }
        guard first == UInt8(ascii: "[") || first == UInt8(ascii: "{") else {
            throw SampleRecordsError(file: file, message: "not JSON: records must be a JSON array [...], an object {...} or one object per line")
        }
        let whole: JSONValue
        do {
            whole = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            if first == UInt8(ascii: "{") && hasSeveralLines(data) { return try jsonLines(data, file: file) }
            throw SampleRecordsError(file: file, message: "not valid JSON (\(reason(error))); check brackets, commas and quotes")
        }
        switch whole {
        case .array(let items):
            return try objects(items, file: file, container: nil)
        case .object(let members):
            if let key = containerKeys.first(where: { members[$0]?.isArray ?? false }), case .array(let items)? = members[key] {
                return try objects(items, file: file, container: key)
            }
            if members.count == 1, let (key, value) = members.first, case .array(let items) = value {
                return try objects(items, file: file, container: key)
            }
            return [whole]
        default:
            throw SampleRecordsError(file: file, message: "the file holds a single JSON value, not records; write an array of objects")
        }
    }

    private static func objects(_ items: [JSONValue], file: String, container: String?) throws(SampleRecordsError) -> [JSONValue] {
        for (position, item) in items.enumerated() where !item.isObject {
            let place = container.map { "'\($0)'" } ?? "the array"
            throw SampleRecordsError(
                file: file, message: "item \(position + 1) of \(place) is not an object; every record must be a JSON object {...}")
        }
        return items
    }

    private static func jsonLines(_ data: Data, file: String) throws(SampleRecordsError) -> [JSONValue] {
        var records: [JSONValue] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { !isSpace($0) }) else { continue }
            let record: JSONValue
            do {
                record = try decoder.decode(JSONValue.self, from: Data(line))
            } catch {
                throw SampleRecordsError(
                    file: file, line: number + 1, message: "not a valid JSON record (\(reason(error))); write one JSON object per line")
            }
            guard record.isObject else {
                throw SampleRecordsError(file: file, line: number + 1, message: "this line is not a JSON object; write one record {...} per line")
            }
            records.append(record)
        }
        return records
    }

    private static func hasSeveralLines(_ data: Data) -> Bool {
        data.split(separator: UInt8(ascii: "\n")).count(where: { $0.contains { !isSpace($0) } }) > 1
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The decoder's explanation without Swift type names.
    private static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return underlying ?? context.debugDescription
    }
}

/// Why sample records could not be read: the file, the line when known, and what to change.
public struct SampleRecordsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input file as the caller named it.
    public var file: String
    /// The line (JSON lines input), when the problem is on one.
    public var line: Int?
    /// What is wrong and what to write instead.
    public var message: String

    /// An error for `file` (at `line`) saying `message`.
    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file[:line]: error: message`.
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)" }
}

extension JSONValue {
    var isObject: Bool { if case .object = self { true } else { false } }
    var isArray: Bool { if case .array = self { true } else { false } }
}
