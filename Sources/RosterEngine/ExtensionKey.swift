import RosterCore

/// An extension as a 64-bit key: the digit count in the top byte and the number below, so
/// `0312` and `312` differ and the text can be read back (``text(_:)``). Extensions longer than
/// 16 digits, which no phone system uses, fall back to a hash with the top byte 0xFF.
public enum ExtensionKey {
    /// The key of `extension`; 0 for an empty one.
    public static func of(_ extension: String) -> UInt64 {
        var text = `extension`
        return text.withUTF8(of(utf8:))
    }

    /// The key of the extension whose UTF-8 bytes are `utf8`, as ``of(_:)`` gives for that text.
    public static func of(utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard !utf8.isEmpty else { return 0 }
        guard utf8.count <= 16, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            var hash = StableHash()
            hash.combine(bytes: utf8)
            return hash.value | (0xFF << 56)
        }
        let value = utf8.reduce(UInt64(0)) { $0 &* 10 &+ UInt64($1 - 0x30) }
        return UInt64(utf8.count) << 56 | value
    }

    /// The extension a key stands for, when it is exact (not a hash).
    public static func text(_ key: UInt64) -> String? {
        let length = Int(key >> 56)
        guard key != 0, length <= 16 else { return nil }
        let digits = String(key & 0x00FF_FFFF_FFFF_FFFF)
        return String(repeating: "0", count: max(0, length - digits.count)) + digits
    }
}
