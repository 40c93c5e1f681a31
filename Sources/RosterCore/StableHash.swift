/// A deterministic 64-bit hash (FNV-1a, then a murmur3 finaliser for well-spread bits).
///
/// Unlike `Hasher`, its values are the same in every process, so they can be stored: the
/// store keeps each user's email and content hash, and a repeat import compares hashes instead
/// of loading every stored row. Never 0, so 0 can mean "none".
public struct StableHash: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Mixes in the UTF-8 bytes of `text`, then a separator so that ("ab","c") ≠ ("a","bc").
    public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(bytes: $0) }
    }

    /// Mixes in `bytes` as ``combine(_:)`` mixes in a String with those UTF-8 bytes.
    public mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        var state = self.state
        for byte in bytes {
            state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        self.state = (state ^ 0x1F) &* 0x0000_0100_0000_01B3
    }

    /// Mixes in `text` with ASCII letters lower-cased, without allocating a lower-cased copy:
    /// the same value as `combine(text.lowercased())` for ASCII text (valid emails are ASCII).
    public mutating func combineLowercased(_ text: String) {
        var text = text
        text.withUTF8 { combineLowercased(bytes: $0) }
    }

    /// Mixes in `bytes` with ASCII letters lower-cased.
    public mutating func combineLowercased(bytes: UnsafeBufferPointer<UInt8>) {
        var state = self.state
        for byte in bytes {
            let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            state = (state ^ UInt64(lowered)) &* 0x0000_0100_0000_01B3
        }
        self.state = (state ^ 0x1F) &* 0x0000_0100_0000_01B3
    }

    public var value: UInt64 {
        var h = state
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h == 0 ? 1 : h
    }

    /// The hash of `text` lower-cased (ASCII letters), as the email identity key is hashed.
    public static func ofLowercased(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.combineLowercased(text)
        return hash.value
    }

    /// The hash of one string.
    public static func of(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.combine(text)
        return hash.value
    }
}
