import Hummingbird
import RosterEngine

/// The JSON of a `GET /api/users` page, written straight into the answer's bytes: users as the
/// `User` schema of docs/openapi.yaml, keys sorted as the API's `JSONEncoder` sorts them, at a
/// fraction of its cost, as the users page is the API's busiest route.
enum UsersPageJSON {
    /// `{"nextCursor":…,"users":[…]}`; `nextCursor` is left out when `nil`.
    static func response(_ page: UsersPage) -> Response {
        var out = ByteBuffer()
        out.reserveCapacity(64 + page.users.count * 320)
        out.writeStaticString("{")
        if let nextCursor = page.nextCursor {
            out.writeStaticString("\"nextCursor\":")
            write(nextCursor, to: &out)
            out.writeStaticString(",")
        }
        out.writeStaticString("\"users\":[")
        var first = true
        for user in page.users {
            if !first { out.writeStaticString(",") }
            first = false
            write(user, jobs: page.jobs(of: user), to: &out)
        }
        out.writeStaticString("]}")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: out))
    }

    /// One user: id, the template cells, active, custom attributes and source jobs, keys sorted.
    static func write(_ user: StoredUser, jobs: [String], to out: inout ByteBuffer) {
        let row = user.record.row
        out.writeStaticString(user.record.active ? "{\"active\":true,\"attributes\":{" : "{\"active\":false,\"attributes\":{")
        var first = true
        for name in user.record.attributes.keys.sorted() {
            if !first { out.writeStaticString(",") }
            first = false
            write(name, to: &out)
            out.writeStaticString(":")
            write(user.record.attributes[name] ?? "", to: &out)
        }
        out.writeStaticString("},\"dataCenter\":")
        write(row.dataCenter, to: &out)
        out.writeStaticString(",\"email\":")
        write(row.email, to: &out)
        out.writeStaticString(",\"extension\":")
        write(row.extension, to: &out)
        out.writeStaticString(",\"firstName\":")
        write(row.firstName, to: &out)
        out.writeStaticString(",\"id\":")
        out.writeString(String(user.id))
        out.writeStaticString(",\"jobs\":[")
        for (index, job) in jobs.enumerated() {
            if index > 0 { out.writeStaticString(",") }
            write(job, to: &out)
        }
        out.writeStaticString("],\"lastName\":")
        write(row.lastName, to: &out)
        out.writeStaticString(",\"license\":")
        write(row.license, to: &out)
        out.writeStaticString(",\"role\":")
        write(row.role, to: &out)
        out.writeStaticString("}")
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, the rest
    /// (any Unicode, and `/`, as the API's encoder leaves it) as UTF-8.
    static func write(_ text: String, to out: inout ByteBuffer) {
        out.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                switch byte {
                case UInt8(ascii: "\""): out.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): out.writeStaticString("\\\\")
                case 0x0A: out.writeStaticString("\\n")
                case 0x0D: out.writeStaticString("\\r")
                case 0x09: out.writeStaticString("\\t")
                case 0x08: out.writeStaticString("\\b")
                case 0x0C: out.writeStaticString("\\f")
                default:
                    out.writeStaticString("\\u00")
                    out.writeInteger(hex[Int(byte >> 4)])
                    out.writeInteger(hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            out.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.writeInteger(UInt8(ascii: "\""))
    }
}
