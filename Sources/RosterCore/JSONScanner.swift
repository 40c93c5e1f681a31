/// The JSON token primitives shared by every byte-level JSON reader in the package: the
/// dictionary parser (``JSONByteParser``) and the mapping's slot decoder.
///
/// Strict RFC 8259: numbers follow the JSON grammar (no `+1`, `01`, `.5`), strings must be valid
/// UTF-8 without raw control characters, and every error carries the byte offset it was found at.
/// The scanner only reads `bytes`; the caller keeps them alive while it scans (the pointer is why
/// it is not `Sendable`).
///
/// Public with `@inlinable` members rather than `package`: Swift 6.3 does not inline `@inlinable`
/// `package` members into other modules (checked with a two-module build), and the decoder needs
/// these small steps inlined (about 2× on the mapping bench). The package ships no library
/// product, so nothing outside it can see this type.
public struct JSONScanner {
    /// Nesting deeper than this is rejected instead of recursing further.
    public static let maximumDepth = 512

    /// The text being scanned.
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next unread byte.
    public var position: Int

    /// A scanner at the first byte of `bytes`.
    @inlinable public init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Whether every byte has been read.
    @inlinable @inline(__always) public var isAtEnd: Bool { position >= bytes.count }

    /// The next byte, or 0 at the end (0 starts no JSON token, so callers need no separate end check).
    @inlinable @inline(__always) public var current: UInt8 { position < bytes.count ? bytes[position] : 0 }

    /// Moves past spaces, tabs, line feeds and carriage returns.
    @inlinable @inline(__always) public mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// An error at the current position.
    public func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, message: message)
    }

    /// An error for an unexpected byte (or the end) where `expected` should be.
    public func unexpected(_ expected: String) -> JSONSyntaxError {
        guard !isAtEnd else { return error("the text ends where \(expected) should follow; the record is cut short") }
        let byte = bytes[position]
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
        return error("expected \(expected), found \(shown)")
    }

    /// Consumes `byte` or throws, naming `expected`.
    @inlinable @inline(__always) public mutating func consume(_ byte: UInt8, _ expected: @autoclosure () -> String) throws(JSONSyntaxError) {
        guard current == byte else { throw unexpected(expected()) }
        position += 1
    }

    // MARK: Strings

    /// Scans the string whose opening quote is at the current position and moves past its closing quote.
    ///
    /// Validates UTF-8 and escapes on the way; builds nothing (see ``string(_:)``).
    /// - Throws: ``JSONSyntaxError`` for an unterminated string, a raw control character, a bad
    ///   escape or invalid UTF-8, at the offending byte.
    @inlinable public mutating func scanString() throws(JSONSyntaxError) -> JSONStringToken {
        position += 1
        let start = position
        var hasEscapes = false
        while true {
            skipPlainStringBytes()
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == 0x22 {
                position += 1
                return JSONStringToken(start: start, end: position - 1, hasEscapes: hasEscapes)
            }
            if byte == 0x5C {
                hasEscapes = true
                try skipEscape()
            } else if byte < 0x20 {
                throw error("control character 0x\(String(byte, radix: 16, uppercase: true)) inside a string; escape it, e.g. \\n or \\t")
            } else if byte >= 0x80 {
                try skipUTF8Sequence(lead: byte)
            } else {
                position += 1
            }
        }
        throw JSONSyntaxError(offset: start - 1, message: "unterminated string; close it with '\"'")
    }

    /// Moves to the next byte in a string that needs a look: a quote, a backslash, a control
    /// character or a non-ASCII byte. Eight bytes per step while the rest is long enough.
    @inlinable @inline(__always) public mutating func skipPlainStringBytes() {
        while position &+ 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            // The classic "has a zero byte" test, per byte class: its lowest flagged byte is exact,
            // which is the only one used.
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            let quotes = word ^ 0x2222_2222_2222_2222, backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
            let flagged = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                | ((word &- 0x2020_2020_2020_2020) & ~word) | word
            let special = flagged & highs
            if special != 0 {
                position &+= special.trailingZeroBitCount >> 3
                return
            }
            position &+= 8
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 || byte >= 0x80 { return }
            position += 1
        }
    }

    /// The text of a scanned string, with escapes decoded.
    @inlinable public func string(_ token: JSONStringToken) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        return token.hasEscapes ? unescapedString(token) : String(decoding: raw, as: UTF8.self)
    }

    /// The slow path of ``string(_:)``, for strings holding escapes.
    public func unescapedString(_ token: JSONStringToken) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(token.end - token.start)
        appendUnescaped(token, to: &decoded)
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Appends the UTF-8 of a scanned string, with escapes decoded, to `decoded`.
    public func appendUnescaped(_ token: JSONStringToken, to decoded: inout [UInt8]) {
        var index = token.start
        while index < token.end {
            let byte = bytes[index]
            guard byte == 0x5C else {
                decoded.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var code = hexValue(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 6 <= token.end, bytes[index] == 0x5C, bytes[index + 1] == UInt8(ascii: "u") {
                    code = 0x10000 + ((code - 0xD800) << 10) + (hexValue(at: index + 2) - 0xDC00)
                    index += 6
                }
                decoded.append(contentsOf: String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
            default: decoded.append(escape)
            }
        }
    }

    /// Checks the escape at the current backslash and moves past it; a high surrogate must be
    /// followed by a low one when another `\u` follows it (a lone one decodes as U+FFFD).
    public mutating func skipEscape() throws(JSONSyntaxError) {
        guard position + 1 < bytes.count else { throw error("unterminated string; close it with '\"'") }
        let escape = bytes[position + 1]
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let code = try checkedHex(at: position + 2)
            position += 6
            if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count, bytes[position] == 0x5C, bytes[position + 1] == UInt8(ascii: "u") {
                let low = try checkedHex(at: position + 2)
                guard (0xDC00..<0xE000).contains(low) else {
                    throw error("a high surrogate \\u\(String(code, radix: 16)) must be followed by a low one (\\uDC00–\\uDFFF)")
                }
                position += 6
            }
        default:
            position += 1
            throw unexpected("an escape: one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    private func checkedHex(at offset: Int) throws(JSONSyntaxError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw JSONSyntaxError(offset: offset, message: "\\u needs four hex digits, e.g. \\u00e9") }
        for index in offset..<offset + 4 where Self.hexDigit(bytes[index]) == nil {
            throw JSONSyntaxError(offset: index, message: "\\u needs four hex digits, e.g. \\u00e9")
        }
        return hexValue(at: offset)
    }

    private func hexValue(at offset: Int) -> UInt32 {
        var code: UInt32 = 0
        for index in offset..<offset + 4 { code = code << 4 | UInt32(Self.hexDigit(bytes[index]) ?? 0) }
        return code
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Checks one multi-byte UTF-8 sequence (shortest form, no surrogates, at most U+10FFFF).
    public mutating func skipUTF8Sequence(lead: UInt8) throws(JSONSyntaxError) {
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xED: length = 3; high = 0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; low = 0x90
        case 0xF4: length = 4; high = 0x8F
        case 0xF1...0xF3: length = 4
        default: throw error("invalid UTF-8 (byte 0x\(String(lead, radix: 16, uppercase: true))); save the file as UTF-8")
        }
        guard position + length <= bytes.count else { throw error("invalid UTF-8: a character is cut short; save the file as UTF-8") }
        let second = bytes[position + 1]
        var valid = second >= low && second <= high
        for offset in 2..<max(2, length) where bytes[position + offset] & 0xC0 != 0x80 { valid = false }
        guard valid else { throw error("invalid UTF-8 (byte 0x\(String(lead, radix: 16, uppercase: true)) starts a malformed character); save the file as UTF-8") }
        position += length
    }

    // MARK: Numbers and literals

    /// Scans a number in JSON's grammar, `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    /// - Throws: ``JSONSyntaxError`` at the first byte that breaks the grammar.
    @inlinable public mutating func scanNumber() throws(JSONSyntaxError) -> JSONNumberToken {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            guard current >= UInt8(ascii: "1") && current <= UInt8(ascii: "9") else {
                throw start == position ? unexpected("a value (string, number, object, array, true, false or null)") : unexpected("a digit after '-'")
            }
            skipDigits()
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            try requireDigits("a digit after the decimal point")
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            try requireDigits("a digit in the exponent")
        }
        return JSONNumberToken(start: start, end: position, isInteger: isInteger)
    }

    /// The value of a scanned number.
    /// - Throws: ``JSONSyntaxError`` when it is too large for a Double (e.g. `1e400`).
    public func double(_ token: JSONNumberToken) throws(JSONSyntaxError) -> Double {
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw JSONSyntaxError(offset: token.start, message: "number \(text) is out of range")
        }
        return number
    }

    @inlinable public mutating func skipDigits() {
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
    }

    @inlinable public mutating func requireDigits(_ expected: String) throws(JSONSyntaxError) {
        guard current >= UInt8(ascii: "0") && current <= UInt8(ascii: "9") else { throw unexpected(expected) }
        skipDigits()
    }

    /// Scans `true`, `false` or `null` at the current position.
    /// - Throws: ``JSONSyntaxError`` when the word is anything else.
    @inlinable public mutating func scanLiteral() throws(JSONSyntaxError) -> JSONLiteral {
        let (word, literal): (StaticString, JSONLiteral) = switch current {
        case UInt8(ascii: "t"): ("true", .true)
        case UInt8(ascii: "f"): ("false", .false)
        default: ("null", .null)
        }
        let count = word.utf8CodeUnitCount
        for offset in 0..<count where position + offset >= bytes.count || bytes[position + offset] != word.utf8Start[offset] {
            throw unexpected("a value (string, number, object, array, true, false or null)")
        }
        position += count
        return literal
    }

    /// Scans an object key and the `:` after it, leaving the scanner at the member's value.
    @discardableResult
    @inlinable @inline(__always) public mutating func scanKey() throws(JSONSyntaxError) -> JSONStringToken {
        guard current == 0x22 else { throw unexpected("a key in double quotes") }
        let key = try scanString()
        skipWhitespace()
        try consume(UInt8(ascii: ":"), "':' after the key")
        skipWhitespace()
        return key
    }

    /// Moves past the `{` or `[` at the current position (`close` is its `}` or `]`).
    ///
    /// Walk a container as `var more = try open…; while more { member; more = try nextMember(…) }`.
    /// - Returns: `true` when a member follows (the scanner is at it), `false` for an empty
    ///   container (the scanner is past its closing bracket).
    /// - Throws: ``JSONSyntaxError`` when nesting goes beyond ``maximumDepth``.
    @inlinable @inline(__always) public mutating func openContainer(depth: Int, close: UInt8) throws(JSONSyntaxError) -> Bool {
        guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
        position += 1
        skipWhitespace()
        guard current == close else { return true }
        position += 1
        return false
    }

    /// After a member: moves past the `,` and returns `true`, or past the closing bracket and returns `false`.
    /// - Throws: ``JSONSyntaxError`` when neither follows.
    @inlinable @inline(__always) public mutating func nextMember(close: UInt8) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if current == UInt8(ascii: ",") {
            position += 1
            skipWhitespace()
            return true
        }
        guard current == close else {
            throw unexpected(close == UInt8(ascii: "}") ? "',' or '}' after the member" : "',' or ']' after the item")
        }
        position += 1
        return false
    }
}
