/// The text encoding of a CSV file, chosen once per file from the evidence of all its bytes
/// (DESIGN §1): UTF-8, or Windows-1252 for files whose non-ASCII text is not UTF-8, as Excel on
/// Windows writes them.
public enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case windows1252 = "Windows-1252"

    /// Decodes `bytes` to a String in this encoding.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Windows1252.scalar(for: byte)) }
            return String(scalars)
        }
    }

    /// Whether one cell's `bytes` were written in another encoding than this one: invalid UTF-8
    /// in a UTF-8 file, or a UTF-8 character in a Windows-1252 file. Only asked in a file that
    /// mixes encodings (``CSVFormat/mixesEncodings``).
    package func isForeign(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var evidence = EncodingEvidence()
        evidence.feed(UnsafeRawBufferPointer(bytes))
        evidence.finish()
        switch self {
        case .utf8: return evidence.invalidSequences > 0
        case .windows1252: return evidence.utf8Characters > 0
        }
    }

    /// Why a cell failed ``isForeign(_:)``, and what to do about it.
    package var foreignCellReason: String {
        let saveAs = "save the file as \"CSV UTF-8 (Comma delimited)\" and import it again"
        switch self {
        case .utf8: return "the cell has bytes that are not UTF-8, though the rest of the file is UTF-8; retype the cell and \(saveAs)"
        case .windows1252: return "the cell holds UTF-8 text, though the rest of the file is Windows-1252; retype the cell and \(saveAs)"
        }
    }
}

/// What one pass over a file's bytes says about its encoding: how many non-ASCII characters are
/// valid UTF-8 sequences and how many bytes are not. Works chunk by chunk, a sequence may
/// straddle two chunks.
package struct EncodingEvidence: Sendable {
    /// Valid UTF-8 sequences of two to four bytes: non-ASCII characters written as UTF-8.
    package private(set) var utf8Characters = 0
    /// Bytes that start no valid UTF-8 sequence, and sequences cut short: in a Windows-1252
    /// file, about one per non-ASCII character.
    package private(set) var invalidSequences = 0
    /// Continuation bytes still expected by the current sequence.
    private var pending = 0
    /// Allowed range for the next continuation byte (tightened after E0, ED, F0, F4 leads).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    package init() {}

    /// Whether every byte so far belongs to a valid UTF-8 sequence.
    package var isValidUTF8: Bool { invalidSequences == 0 && pending == 0 }

    /// Counts the sequences of the next chunk.
    package mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        while index < count {
            if pending == 0 {
                // ASCII fast path: skip 8 bytes at a time while no high bit is set.
                while index + 8 <= count,
                      bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { return }
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: pending = 1; lower = 0x80; upper = 0xBF
                case 0xE0: pending = 2; lower = 0xA0; upper = 0xBF
                case 0xE1...0xEC, 0xEE...0xEF: pending = 2; lower = 0x80; upper = 0xBF
                case 0xED: pending = 2; lower = 0x80; upper = 0x9F
                case 0xF0: pending = 3; lower = 0x90; upper = 0xBF
                case 0xF1...0xF3: pending = 3; lower = 0x80; upper = 0xBF
                case 0xF4: pending = 3; lower = 0x80; upper = 0x8F
                default: invalidSequences += 1
                }
            } else {
                let byte = bytes[index]
                let fits = byte >= lower && byte <= upper
                lower = 0x80
                upper = 0xBF
                guard fits else {
                    // The sequence breaks here; this byte may start the next one.
                    invalidSequences += 1
                    pending = 0
                    continue
                }
                index += 1
                pending -= 1
                if pending == 0 { utf8Characters += 1 }
            }
        }
    }

    /// Call after the last chunk: a sequence cut off by the end of the file is invalid.
    package mutating func finish() {
        if pending != 0 {
            invalidSequences += 1
            pending = 0
        }
    }
}

/// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic characters.
enum Windows1252 {
    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func scalar(for byte: UInt8) -> Unicode.Scalar {
        let value = (0x80...0x9F).contains(byte) ? high[Int(byte) - 0x80] : UInt32(byte)
        return Unicode.Scalar(value)!
    }
}
