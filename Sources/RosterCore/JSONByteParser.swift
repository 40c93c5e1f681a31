/// A JSON parser over UTF-8 bytes straight into ``JSONValue``, on the shared ``JSONScanner``.
///
/// Of duplicate keys in an object the last one wins. Measured on a Graph page of 999 users
/// (291 KB, `-O`, shared 2-core box): ≈ 3 ms per page; `JSONDecoder` into `JSONValue` 37–73 ms;
/// `JSONSerialization` plus conversion 49–92 ms.
package struct JSONByteParser {
    private var scanner: JSONScanner
    /// Member count of the last object closed at each shallow depth: records in an array share a
    /// shape, so sizing the next dictionary up front saves its rehashing growth.
    private var objectSizeHints = [Int](repeating: 0, count: 8)

    private init(_ scanner: JSONScanner) { self.scanner = scanner }

    /// The value in `bytes` (surrounding whitespace allowed), or `nil` for anything not JSON.
    package static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? parseReportingErrors(bytes)
    }

    /// The value in `bytes` (surrounding whitespace allowed).
    /// - Throws: ``JSONSyntaxError`` with the byte offset and what is wrong.
    package static func parseReportingErrors(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer -> Result<JSONValue, JSONSyntaxError> in
            var parser = JSONByteParser(JSONScanner(buffer))
            do throws(JSONSyntaxError) {
                parser.scanner.skipWhitespace()
                let value = try parser.value(depth: 0)
                parser.scanner.skipWhitespace()
                guard parser.scanner.isAtEnd else { throw parser.scanner.error("text after the JSON value; remove it") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        switch scanner.current {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(scanner.string(try scanner.scanString()))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            switch try scanner.scanLiteral() {
            case .true: return .bool(true)
            case .false: return .bool(false)
            case .null: return .null
            }
        default: return .number(try scanner.double(try scanner.scanNumber()))
        }
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var members = [String: JSONValue](minimumCapacity: depth < objectSizeHints.count ? objectSizeHints[depth] : 0)
        var more = try scanner.openContainer(depth: depth, close: UInt8(ascii: "}"))
        while more {
            let key = scanner.string(try scanner.scanKey())
            members[key] = try value(depth: depth + 1)
            more = try scanner.nextMember(close: UInt8(ascii: "}"))
        }
        if depth < objectSizeHints.count { objectSizeHints[depth] = members.count }
        return .object(members)
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        var items: [JSONValue] = []
        var more = try scanner.openContainer(depth: depth, close: UInt8(ascii: "]"))
        while more {
            items.append(try value(depth: depth + 1))
            more = try scanner.nextMember(close: UInt8(ascii: "]"))
        }
        return .array(items)
    }
}
