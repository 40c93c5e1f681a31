/// Text values by key, matched first as written and then by a folded spelling (`fold` applied
/// to both sides, e.g. lower-casing), as catalog names and mapping `map:` tables are.
///
/// Values usually match a key exactly as written, so that is tried first and only a miss pays
/// for folding. Tables of a dozen keys or fewer (the usual case) are scanned: comparing a few
/// short strings is cheaper than hashing one; larger ones are hashed. A class, so holders reach
/// it by one reference instead of copying its tables.
package final class FoldedTable: Sendable {
    /// A fold spelt for ASCII bytes, so ``value(forUTF8:)`` can match ASCII text without making
    /// a `String`. It must agree with the table's `fold` on ASCII text.
    package enum ASCIIFold: Sendable {
        /// Lower-case A–Z.
        case lowercase
        /// Drop leading and trailing spaces, tabs and line breaks, then lower-case A–Z.
        case trimmedLowercase
    }

    private static let scanLimit = 12
    private let fold: @Sendable (String) -> String
    private let asciiFold: ASCIIFold?
    /// Keys as written, keys folded, and values, in parallel so a scan compares strings in place
    /// instead of copying (and retaining) tuples.
    private let written: [String]
    private let foldedKeys: [String]
    private let values: [String]
    private let exact: [String: String]
    private let folded: [String: String]
    /// For ``value(forUTF8:)`` when the table is scanned and every key is ASCII: the written
    /// keys' bytes, then the folded keys' bytes, back to back (`keyEnds` marks where each ends).
    private let keyBytes: [UInt8]
    private let keyEnds: [Int]

    /// A table of `entries` in order; of two keys that are equal, or fold alike, the first wins.
    /// Give `asciiFold` to let ``value(forUTF8:)`` match ASCII text by its bytes.
    package init(_ entries: [(key: String, value: String)], fold: @escaping @Sendable (String) -> String, asciiFold: ASCIIFold? = nil) {
        self.fold = fold
        written = entries.map(\.key)
        foldedKeys = written.map(fold)
        values = entries.map(\.value)
        let small = written.count <= Self.scanLimit
        exact = small ? [:] : Dictionary(zip(written, values), uniquingKeysWith: { first, _ in first })
        folded = small ? [:] : Dictionary(zip(foldedKeys, values), uniquingKeysWith: { first, _ in first })
        let keys = written + foldedKeys
        if small, asciiFold != nil, keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            self.asciiFold = asciiFold
            keyBytes = keys.flatMap(\.utf8)
            var end = 0
            keyEnds = keys.map { key in
                end += key.utf8.count
                return end
            }
        } else {
            self.asciiFold = nil
            keyBytes = []
            keyEnds = []
        }
    }

    /// The value under `key` as written, else under its folded spelling.
    package func value(for key: String) -> String? {
        if written.count <= Self.scanLimit {
            for index in written.indices where written[index] == key { return values[index] }
            let foldedKey = fold(key)
            for index in foldedKeys.indices where foldedKeys[index] == foldedKey { return values[index] }
            return nil
        }
        return exact[key] ?? folded[fold(key)]
    }

    /// ``value(for:)`` of the text whose UTF-8 is `key`: ASCII text is matched by its bytes
    /// when the table was given an ASCII fold and all its keys are ASCII; other text becomes a
    /// `String` first.
    package func value(forUTF8 key: UnsafeBufferPointer<UInt8>) -> String? {
        guard let asciiFold, key.allSatisfy({ $0 < 0x80 }) else {
            return value(for: String(decoding: key, as: UTF8.self))
        }
        return keyBytes.withUnsafeBufferPointer { keys -> String? in
            for index in written.indices where matches(key, entry: index, in: keys, folding: false) { return values[index] }
            var start = 0, end = key.count
            if asciiFold == .trimmedLowercase {
                while start < end, Self.isASCIISpace(key[start]) { start += 1 }
                while end > start, Self.isASCIISpace(key[end - 1]) { end -= 1 }
            }
            let trimmed = UnsafeBufferPointer(rebasing: key[start..<end])
            for index in foldedKeys.indices where matches(trimmed, entry: written.count + index, in: keys, folding: true) {
                return values[index]
            }
            return nil
        }
    }

    /// Whether `key` (lower-cased when `folding`) equals key number `entry` of `keys`.
    @inline(__always)
    private func matches(_ key: UnsafeBufferPointer<UInt8>, entry: Int, in keys: UnsafeBufferPointer<UInt8>, folding: Bool) -> Bool {
        let start = entry == 0 ? 0 : keyEnds[entry - 1], end = keyEnds[entry]
        guard end - start == key.count else { return false }
        for offset in key.indices {
            let byte = key[offset]
            if (folding && byte &- 0x41 < 26 ? byte | 0x20 : byte) != keys[start + offset] { return false }
        }
        return true
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
