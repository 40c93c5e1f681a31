import Foundation

/// Bytes for stdout, written in 64 KB blocks: a listing of a million users goes out as it is
/// produced, without one write per row or the whole text in memory.
final class StdoutStream {
    /// Only ever touched by the one thread writing the listing; without the dynamic exclusivity
    /// check, which otherwise costs about a sixth of a JSON listing.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    private let capacity = 64 << 10

    init() { buffer.reserveCapacity(capacity) }

    deinit { flush() }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    func write(byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= capacity { flush() }
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    /// Writes out what is buffered; stops quietly when stdout is closed (a pipe into `head`).
    func flush() {
        var offset = 0
        buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A comma, a quote or a line break: a CSV cell holding one is quoted.
    private static func needsQuotes(_ byte: UInt8) -> Bool {
        byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D
    }

    /// `text` as a JSON string, quotes included: escapes `"`, `\` and control characters.
    func writeJSONString(_ text: String) {
        write(byte: 0x22)
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                switch byte {
                case 0x22: write("\\\"")
                case 0x5C: write("\\\\")
                case 0x0A: write("\\n")
                case 0x0D: write("\\r")
                case 0x09: write("\\t")
                default: write(String(format: "\\u%04x", byte))
                }
                start = index + 1
            }
            append(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        write(byte: 0x22)
    }

    /// One CSV record, cells quoted when they hold a comma, a quote or a line break; CRLF ends it.
    func writeCSVRecord(_ cells: [String]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { write(byte: 0x2C) }
            var cell = cell
            let needsQuotes = cell.withUTF8 { bytes in bytes.contains(where: Self.needsQuotes) }
            if needsQuotes {
                write(byte: 0x22)
                write(cell.replacingOccurrences(of: "\"", with: "\"\""))
                write(byte: 0x22)
            } else {
                write(cell)
            }
        }
        write("\r\n")
    }
}

extension String {
    /// The text with every character that would act on a terminal shown as a visible escape:
    /// control characters (ESC, NUL, BEL, …, C1 controls) as `\x1B`-style codes and bidirectional
    /// overrides as `\u{202E}`; a line break shows as ⏎. Plain text comes back unchanged.
    var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.actsOnTerminal) else { return self }
        var safe = ""
        var scalars = unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            if scalar == "\r", scalars.first == "\n" { continue }
            if scalar == "\n" || scalar == "\r" {
                safe += "⏎"
            } else if scalar.value < 0x100, Self.actsOnTerminal(scalar) {
                safe += String(format: "\\x%02X", scalar.value)
            } else if Self.actsOnTerminal(scalar) {
                safe += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                safe.unicodeScalars.append(scalar)
            }
        }
        return safe
    }

    private static func actsOnTerminal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
