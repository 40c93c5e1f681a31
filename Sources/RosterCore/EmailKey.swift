/// A user's identity (DESIGN §2): the email as Swift's `lowercased()` writes it. Two emails are
/// the same user exactly when their keys are equal; their ``StableHash`` only speeds the search.
///
/// Valid emails are ASCII, whose key is the ASCII lower-casing, so the functions here work on
/// bytes without making the key; any other text goes through `lowercased()`.
public enum EmailKey {
    /// The key of `email`.
    public static func of(_ email: String) -> String { email.lowercased() }

    /// The ``StableHash`` of the key of `email`, without making the key when it is ASCII.
    public static func hash(_ email: String) -> UInt64 {
        var email = email
        return email.withUTF8(hash(utf8:))
    }

    /// The ``StableHash`` of the key of the email whose UTF-8 bytes are `utf8`, as ``hash(_:)``.
    public static func hash(utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard isASCII(utf8) else { return StableHash.of(String(decoding: utf8, as: UTF8.self).lowercased()) }
        var hash = StableHash()
        hash.combineLowercased(bytes: utf8)
        return hash.value
    }

    /// Appends the UTF-8 bytes of the key of the email whose bytes are `utf8` to `bytes`.
    public static func appendKey(of utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        guard isASCII(utf8) else {
            bytes.append(contentsOf: String(decoding: utf8, as: UTF8.self).lowercased().utf8)
            return
        }
        for byte in utf8 { bytes.append(lowercasedASCII(byte)) }
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.reduce(0, |) < 0x80
    }

    private static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
