import Hummingbird
import RosterEngine

/// The JSON of a `GET /api/users` page, written straight into bytes: users as the `User` schema
/// of docs/openapi.yaml, keys sorted as the API's `JSONEncoder` sorts them, at a fraction of its
/// cost, as the users page is the API's busiest route.
enum UsersPageJSON {
    /// `{"nextCursor":…,"users":[…]}`; `nextCursor` is left out when `nil`.
    static func body(_ page: UsersPage) -> ByteBuffer {
        var out = JSONBytes(capacity: 64 + page.users.count * 320)
        out.append("{")
        if let nextCursor = page.nextCursor {
            out.append("\"nextCursor\":")
            out.append(string: nextCursor)
            out.append(",")
        }
        out.append("\"users\":[")
        for (index, user) in page.users.enumerated() {
            if index > 0 { out.append(",") }
            write(user, jobs: page.jobs(of: user), to: &out)
        }
        out.append("]}")
        return ByteBuffer(bytes: out.bytes)
    }

    /// One user: id, the template cells, active, custom attributes and source jobs, keys sorted.
    private static func write(_ user: StoredUser, jobs: [String], to out: inout JSONBytes) {
        let row = user.record.row
        out.append(user.record.active ? "{\"active\":true,\"attributes\":{" : "{\"active\":false,\"attributes\":{")
        for (index, name) in user.record.attributes.keys.sorted().enumerated() {
            if index > 0 { out.append(",") }
            out.append(string: name)
            out.append(":")
            out.append(string: user.record.attributes[name] ?? "")
        }
        out.append("},\"dataCenter\":")
        out.append(string: row.dataCenter)
        out.append(",\"email\":")
        out.append(string: row.email)
        out.append(",\"extension\":")
        out.append(string: row.extension)
        out.append(",\"firstName\":")
        out.append(string: row.firstName)
        out.append(",\"id\":")
        out.bytes.append(contentsOf: String(user.id).utf8)
        out.append(",\"jobs\":[")
        for (index, job) in jobs.enumerated() {
            if index > 0 { out.append(",") }
            out.append(string: job)
        }
        out.append("],\"lastName\":")
        out.append(string: row.lastName)
        out.append(",\"license\":")
        out.append(string: row.license)
        out.append(",\"role\":")
        out.append(string: row.role)
        out.append("}")
    }
}

/// JSON text as UTF-8 bytes in one growing array: many small appends cost less here than in a
/// `ByteBuffer`, which checks its storage on every write.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// JSON syntax written as it is.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, the rest
    /// (any Unicode, and `/`, as the API's encoder leaves it) as UTF-8.
    mutating func append(string text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: utf8[start..<index])
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    append("\\u00")
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
