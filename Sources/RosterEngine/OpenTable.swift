/// Linear-probing hash table on 32- or 64-bit keys (0 means empty); grows by doubling past 80% load.
///
/// Keys live in their own array: a probe sequence then walks 8 keys per cache line instead of
/// whole values, which keeps misses (every new user of a fresh import) cheap at high load. A
/// key may be stored more than once (two emails whose hashes collide): a probe then also asks
/// the value whether it is the one sought, and only on equal keys.
struct OpenTable<Key: FixedWidthInteger & UnsignedInteger & Sendable, Value: Sendable>: Sendable {
    private var keys: [Key]
    private var values: [Value]
    private let filler: Value
    private(set) var count = 0

    init(capacity: Int, filler: Value) {
        let slots = max(16, capacity + capacity / 4 + 1)
        self.filler = filler
        keys = Array(repeating: 0, count: slots)
        values = Array(repeating: filler, count: slots)
    }

    /// The slot holding `key` with a value `matches` accepts, or the empty slot ending its probe sequence.
    func slot(of key: Key, where matches: (Value) -> Bool) -> Int {
        keys.withUnsafeBufferPointer { keys in
            // Keys need not be well spread (extension keys are mostly their digits), so mix them
            // (murmur3's finaliser), then multiply-high maps them onto any table size without a modulo.
            let wide = UInt64(truncatingIfNeeded: key)
            var mixed = wide ^ (wide >> 33)
            mixed &*= 0xff51_afd7_ed55_8ccd
            mixed ^= mixed >> 33
            var index = Int(mixed.multipliedFullWidth(by: UInt64(keys.count)).high)
            while keys[index] != 0 && !(keys[index] == key && matches(values[index])) {
                index = index + 1 == keys.count ? 0 : index + 1
            }
            return index
        }
    }

    /// Whether `slot` (from ``slot(of:where:)``) holds a value.
    func isOccupied(_ slot: Int) -> Bool { keys[slot] != 0 }

    /// The value in an occupied `slot`.
    subscript(slot: Int) -> Value {
        get { values[slot] }
        set { values[slot] = newValue }
    }

    /// The value stored under `key`, for tables whose keys are unique.
    func find(_ key: Key) -> Value? {
        let index = slot(of: key) { _ in true }
        return keys[index] == key ? values[index] : nil
    }

    /// Stores `value` under `key` (non-zero), replacing the value already there, for tables whose keys are unique.
    mutating func upsert(_ key: Key, _ value: Value) {
        let index = slot(of: key) { _ in true }
        if keys[index] == key {
            values[index] = value
        } else {
            insert(key, value)
        }
    }

    /// Stores `value` under `key` (non-zero) as a new entry, even when `key` is already stored.
    mutating func insert(_ key: Key, _ value: Value) {
        if (count + 1) * 5 > keys.count * 4 { grow() }
        let index = slot(of: key) { _ in false }
        keys[index] = key
        values[index] = value
        count += 1
    }

    private mutating func grow() {
        let oldValues = values, oldKeys = keys
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: filler, count: oldKeys.count * 2)
        count = 0
        for (key, value) in zip(oldKeys, oldValues) where key != 0 { insert(key, value) }
    }
}
