/// Byte-level steps on UTF-8 text for transforms, filters and `first_of`, each exactly what the
/// `String` operation it stands for gives, or `false` when only `String` can tell.
enum UTF8Text {
    /// `byte` with A–Z lower-cased.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Whether every byte is ASCII.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        // Eight bytes at a time: a word has a non-ASCII byte when one of its high bits is set.
        while index &+ 8 <= bytes.count {
            let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { return false }
            index &+= 8
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 { return false }
            index &+= 1
        }
        return true
    }

    /// Whether each byte is one character: ASCII without a carriage return (`"\r\n"` is one
    /// character of two bytes).
    static func hasOneByteCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        isASCII(bytes) && !bytes.contains(0x0D)
    }

    /// Maps every byte of ASCII text through `map` in place; `false`, leaving the text as it
    /// was, when it holds a byte beyond ASCII.
    @inline(__always)
    static func mapASCII(_ bytes: UnsafeMutableBufferPointer<UInt8>, _ map: (UInt8) -> UInt8) -> Bool {
        guard isASCII(UnsafeBufferPointer(bytes)) else { return false }
        for index in bytes.indices { bytes[index] = map(bytes[index]) }
        return true
    }

    /// ``Transform/titleCased(_:)`` of ASCII text in place; `false`, leaving it, beyond ASCII.
    static func titleCaseASCII(_ bytes: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        guard isASCII(UnsafeBufferPointer(bytes)) else { return false }
        var startOfWord = true
        for index in bytes.indices {
            let byte = bytes[index]
            let isUpper = byte &- 0x41 < 26, isLower = byte &- 0x61 < 26
            if isUpper || isLower {
                bytes[index] = startOfWord ? (isLower ? byte - 0x20 : byte) : (isUpper ? byte + 0x20 : byte)
                startOfWord = false
            } else {
                startOfWord = true
            }
        }
        return true
    }

    /// The length of the space (space, tab, line feed, carriage return, NBSP or BOM) starting at
    /// `index`, or 0.
    @inline(__always)
    static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        switch bytes[index] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0xC2 where index &+ 1 < bytes.count && bytes[index &+ 1] == 0xA0: return 2
        case 0xEF where index &+ 2 < bytes.count && bytes[index &+ 1] == 0xBB && bytes[index &+ 2] == 0xBF: return 3
        default: return 0
        }
    }

    /// The length of the space ending just before `end`, or 0 (see ``spaceLength(_:at:)``).
    @inline(__always)
    static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        switch bytes[end &- 1] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0xA0 where end >= 2 && bytes[end &- 2] == 0xC2: return 2
        case 0xBF where end >= 3 && bytes[end &- 3] == 0xEF && bytes[end &- 2] == 0xBB: return 3
        default: return 0
        }
    }

    /// Whether the text is empty or only spaces (see ``spaceLength(_:at:)``), as
    /// `FieldRule`'s blank test on the `String` gives.
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let length = spaceLength(bytes, at: index)
            if length == 0 { return false }
            index &+= length
        }
        return true
    }

    /// `trimmingSpaces()` in place; `false`, leaving the text, when a space to trim borders a
    /// byte beyond ASCII (a combining mark could make it part of a letter, which only `String` sees).
    static func trimSpaces(_ text: inout UTF8Buffer) -> Bool {
        guard let range = trimmedRange(text.bytes) else { return false }
        text.keep(range)
        return true
    }

    /// The part of `bytes` that `trimmingSpaces()` keeps, or `nil` when only `String` can tell
    /// (see ``trimSpaces(_:)``).
    static func trimmedRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var start = 0, end = bytes.count
        while start < end {
            let length = spaceLength(bytes, at: start)
            if length == 0 { break }
            start &+= length
        }
        while end > start {
            let length = spaceLength(bytes, before: end)
            if length == 0 { break }
            end &-= length
        }
        let decided = start == end
            || ((start == 0 || bytes[start] < 0x80) && (end == bytes.count || bytes[end &- 1] < 0x80))
        return decided ? start..<end : nil
    }
}
