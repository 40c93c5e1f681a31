// What ``JSONScanner`` hands back: token positions, literals and syntax errors.

/// Where a scanned string's content lies (between the quotes) and whether it needs decoding.
@frozen public struct JSONStringToken {
    /// Offset of the first content byte.
    public var start: Int
    /// Offset of the closing quote.
    public var end: Int
    /// Whether the content holds backslash escapes.
    public var hasEscapes: Bool

    /// A token for the content `start..<end`.
    @inlinable public init(start: Int, end: Int, hasEscapes: Bool) {
        self.start = start
        self.end = end
        self.hasEscapes = hasEscapes
    }
}

/// Where a scanned number lies, and whether it is written as a plain integer (no `.`, no exponent).
@frozen public struct JSONNumberToken {
    /// Offset of the first byte (`-` or a digit).
    public var start: Int
    /// Offset just past the last digit.
    public var end: Int
    /// Whether the number has neither a fraction nor an exponent.
    public var isInteger: Bool

    /// A token for the number text `start..<end`.
    @inlinable public init(start: Int, end: Int, isInteger: Bool) {
        self.start = start
        self.end = end
        self.isInteger = isInteger
    }
}

/// One of JSON's three words.
public enum JSONLiteral {
    case `true`, `false`, null
}

/// Why bytes are not JSON: the byte offset (from the start of the scanned text) and what is wrong.
public struct JSONSyntaxError: Error, Sendable, Hashable {
    /// Offset of the offending byte from the start of the text.
    public var offset: Int
    /// What is wrong there, e.g. `expected ':' after the key, found ','`.
    public var message: String

    /// An error at `offset` saying `message`.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }
}
