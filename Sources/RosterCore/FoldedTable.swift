/// Text values by key, matched first as written and then by a folded spelling (`fold` applied
/// to both sides, e.g. lower-casing), as catalog names and mapping `map:` tables are.
///
/// Values usually match a key exactly as written, so that is tried first and only a miss pays
/// for folding. Tables of a dozen keys or fewer (the usual case) are scanned: comparing a few
/// short strings is cheaper than hashing one; larger ones are hashed. A class, so holders reach
/// it by one reference instead of copying its tables.
package final class FoldedTable: Sendable {
    private static let scanLimit = 12
    private let fold: @Sendable (String) -> String
    /// Keys as written, keys folded, and values, in parallel so a scan compares strings in place
    /// instead of copying (and retaining) tuples.
    private let written: [String]
    private let foldedKeys: [String]
    private let values: [String]
    private let exact: [String: String]
    private let folded: [String: String]

    /// A table of `entries` in order; of two keys that are equal, or fold alike, the first wins.
    package init(_ entries: [(key: String, value: String)], fold: @escaping @Sendable (String) -> String) {
        self.fold = fold
        written = entries.map(\.key)
        foldedKeys = written.map(fold)
        values = entries.map(\.value)
        let small = written.count <= Self.scanLimit
        exact = small ? [:] : Dictionary(zip(written, values), uniquingKeysWith: { first, _ in first })
        folded = small ? [:] : Dictionary(zip(foldedKeys, values), uniquingKeysWith: { first, _ in first })
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
}
