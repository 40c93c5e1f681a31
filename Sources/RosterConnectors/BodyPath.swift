public import RosterCore

/// A dotted path into a JSON body: `value`, `paging.next.after`, `@odata.nextLink`; `$` or empty is the body itself.
///
/// Keys may themselves contain dots (`@odata.nextLink`): at each object the longest remaining
/// dotted run that is a key wins, so `@odata.nextLink` finds that key and `meta.after_cursor`
/// walks into `meta`. Numeric segments index arrays.
public struct BodyPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as written.
    public let text: String
    private let segments: [String]

    /// Parses `text`; `$` and empty mean the root.
    public init(_ text: String) {
        self.text = text
        var trimmed = Substring(text)
        if trimmed.hasPrefix("$") { trimmed = trimmed.dropFirst() }
        if trimmed.hasPrefix(".") { trimmed = trimmed.dropFirst() }
        segments = trimmed.isEmpty ? [] : trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// True for `$`/empty.
    public var isRoot: Bool { segments.isEmpty }

    public var description: String { text.isEmpty ? "$" : text }

    /// The value at this path in `value`, or `nil` when any step is missing.
    public func lookup(in value: JSONValue) -> JSONValue? {
        Self.lookup(segments[...], in: value)
    }

    private static func lookup(_ rest: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
        guard !rest.isEmpty else { return value }
        switch value {
        case .object(let members):
            for split in stride(from: rest.endIndex, to: rest.startIndex, by: -1) {
                let key = rest[rest.startIndex..<split].joined(separator: ".")
                if let member = members[key], let found = lookup(rest[split...], in: member) { return found }
            }
            return nil
        case .array(let items):
            guard let index = Int(rest[rest.startIndex]), items.indices.contains(index) else { return nil }
            return lookup(rest.dropFirst(), in: items[index])
        default:
            return nil
        }
    }
}

extension JSONValue {
    /// A scalar as the text a URL or identifier needs: strings as-is, integral numbers without
    /// a fraction, booleans as `true`/`false`; `nil` for null, arrays and objects.
    package var scalarText: String? {
        switch self {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if let integer = Int64(exactly: number) { return String(integer) }
            return String(number)
        default: return nil
        }
    }
}
