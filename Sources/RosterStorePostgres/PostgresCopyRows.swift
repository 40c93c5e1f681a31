import PostgresNIO
import RosterCore
import RosterEngine

/// Rows in the text format of `COPY … FROM STDIN`, gathered into chunks to send: columns split by
/// tabs, rows ended by newlines, backslash escapes for backslashes, tabs, newlines and carriage
/// returns in values, `\N` for NULL.
struct PostgresCopyRows {
    /// The `users` columns a created user is copied into, in the order ``appendUser(_:attributes:runID:)`` writes them.
    static let userColumns = [
        "first_name", "last_name", "license", "extension", "email", "role", "data_center", "attributes",
        "email_key", "email_hash", "content_hash", "created_run", "updated_run",
    ]

    /// Bytes gathered before a chunk is sent: large enough that a chunk is cheap per row, small
    /// enough that memory stays flat however many rows a batch holds.
    private static let chunkSize = 1 << 19

    private var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(Self.chunkSize + 4096)
    }

    var isEmpty: Bool { bytes.isEmpty }
    var isFull: Bool { bytes.count >= Self.chunkSize }

    /// The gathered rows as one chunk; gathering starts again empty.
    mutating func take() -> ByteBuffer {
        defer { bytes.removeAll(keepingCapacity: true) }
        return ByteBuffer(bytes: bytes)
    }

    /// A created user: its cells (an empty extension as NULL), attributes JSON, keys and hashes,
    /// and the run that created it.
    mutating func appendUser(_ write: UserWrite, attributes: String?, runID: Int64?) {
        let row = write.record.row
        for column in TemplateColumn.allCases {
            let cell = row[column]
            if column == .extension, cell.isEmpty { appendNull() } else { append(cell) }
            bytes.append(UInt8(ascii: "\t"))
        }
        if let attributes { append(attributes) } else { appendNull() }
        bytes.append(UInt8(ascii: "\t"))
        append(write.record.emailKey)
        bytes.append(UInt8(ascii: "\t"))
        append(Int64(bitPattern: write.emailHash))
        bytes.append(UInt8(ascii: "\t"))
        append(Int64(bitPattern: write.contentHash))
        for _ in 0..<2 {
            bytes.append(UInt8(ascii: "\t"))
            if let runID { append(runID) } else { appendNull() }
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendNull() {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "N"))
    }

    private mutating func append(_ number: Int64) {
        bytes.append(contentsOf: String(number).utf8)
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let escaped: UInt8
                switch utf8[index] {
                case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
                default: continue
                }
                bytes.append(contentsOf: utf8[start..<index])
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(escaped)
                start = index + 1
            }
            bytes.append(contentsOf: utf8[start...])
        }
    }
}
