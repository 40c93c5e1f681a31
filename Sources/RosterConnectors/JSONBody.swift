import Foundation
package import RosterCore

/// JSON body helpers: parsing (via ``JSONByteParser``), encoding, vendor error messages.
package enum JSONBody {
    /// The parsed body, or `nil` when it is not JSON.
    package static func parse(_ bytes: [UInt8]) -> JSONValue? {
        JSONByteParser.parse(bytes)
    }

    /// Encodes `value` as compact JSON bytes (used by mocks and tests); one pass, one buffer.
    package static func encode(_ value: JSONValue) -> [UInt8] {
        JSONByteWriter.encode(value)
    }

    /// True when any string anywhere in `value` equals one of `codes` (vendor throttle markers).
    package static func containsString(_ value: JSONValue, in codes: Set<String>) -> Bool {
        switch value {
        case .string(let text): codes.contains(text)
        case .array(let items): items.contains { containsString($0, in: codes) }
        case .object(let members): members.values.contains { containsString($0, in: codes) }
        default: false
        }
    }

    /// Characters of a vendor message shown, after redaction.
    package static let vendorMessageLimit = 200

    /// The vendor message (`error_description`, `message`, `error`, `errorCode`…) of an error
    /// body, whole: redact it (``Redactor/redact(_:limit:)``) before cutting it to ``vendorMessageLimit``.
    package static func vendorMessage(_ bytes: [UInt8]) -> String? {
        guard let value = parse(bytes) else { return nil }
        let keys = ["error_description", "message", "errorCode", "error", "reason", "description", "title"]
        func search(_ value: JSONValue, depth: Int) -> String? {
            guard depth < 4 else { return nil }
            switch value {
            case .object(let members):
                for key in keys { if let text = members[key]?.scalarText, !text.isEmpty { return text } }
                for key in keys { if let nested = members[key], let found = search(nested, depth: depth + 1) { return found } }
                return nil
            case .array(let items):
                return items.first.flatMap { search($0, depth: depth + 1) }
            default:
                return nil
            }
        }
        return search(value, depth: 0)
    }
}
