public import RosterCore

/// What the planner needs to know about one user, without a single string: hashes of the email
/// key, the content and the extension, the license and whether the user is active.
public struct IndexedUser: Sendable, Equatable {
    public var emailHash: UInt64
    public var contentHash: UInt64
    /// 0 when the user has no extension.
    public var extensionHash: UInt64
    /// The row of the current run that named this email first, 0 when none yet.
    public var firstRow: Int32
    /// Position of the license in ``Catalog/licenses``.
    public var license: UInt8
    public var isActive: Bool
    /// Whether the user exists in the store (as opposed to only seen in the current file).
    public var isStored: Bool

    public init(emailHash: UInt64, contentHash: UInt64, extensionHash: UInt64, license: UInt8, isActive: Bool, isStored: Bool = true, firstRow: Int32 = 0) {
        self.emailHash = emailHash
        self.contentHash = contentHash
        self.extensionHash = extensionHash
        self.license = license
        self.isActive = isActive
        self.isStored = isStored
        self.firstRow = firstRow
    }
}

/// Who holds an extension: the owner's email hash (0 once released) and the run's row that
/// claimed it (0 when the holder is a stored user the run has not touched).
public struct ExtensionHolder: Sendable, Equatable {
    public var ownerEmailHash: UInt64
    public var row: Int32
}

/// The compact in-memory image of the roster that every planned row is checked against.
///
/// Two open-addressing hash tables keyed by ``StableHash`` values (users by email, holders by
/// extension), sized once for the stored users plus the rows about to come, at ~32 and ~24 bytes
/// a slot: about 75 MB for a million users, where a `[String: …]` dictionary needs three times that.
/// Keys are 64-bit hashes; writes are still guarded by the store's unique email key.
public struct RosterIndex: Sendable {
    private var users: OpenTable<IndexedUser>
    private var extensions: OpenTable<ExtensionHolder>
    /// Active users per license position, for seat checks.
    public private(set) var seatsUsed: [Int]

    /// An empty index able to hold `capacity` users without growing.
    public init(capacity: Int) {
        users = OpenTable(capacity: capacity, filler: IndexedUser(emailHash: 0, contentHash: 0, extensionHash: 0, license: 0, isActive: false))
        extensions = OpenTable(capacity: capacity, filler: ExtensionHolder(ownerEmailHash: 0, row: 0))
        seatsUsed = Array(repeating: 0, count: Catalog.licenses.count)
    }

    /// Adds a stored user (used while loading from a store).
    public mutating func addStored(_ user: IndexedUser) {
        users.upsert(user.emailHash, user)
        if user.extensionHash != 0 { extensions.upsert(user.extensionHash, ExtensionHolder(ownerEmailHash: user.emailHash, row: 0)) }
        if user.isActive { seatsUsed[Int(user.license)] += 1 }
    }

    /// The user whose email key hashes to `emailHash`.
    public func user(emailHash: UInt64) -> IndexedUser? { users.find(emailHash) }

    /// Records `user` as it is after the current row.
    public mutating func setUser(_ user: IndexedUser) { users.upsert(user.emailHash, user) }

    /// The holder of the extension hashing to `extensionHash`, if it is held.
    public func holder(extensionHash: UInt64) -> ExtensionHolder? {
        guard let holder = extensions.find(extensionHash), holder.ownerEmailHash != 0 else { return nil }
        return holder
    }

    /// Moves `owner`'s extension from `old` to `new` (either may be 0 for none).
    public mutating func moveExtension(owner: UInt64, from old: UInt64, to new: UInt64, row: Int32) {
        guard old != new else { return }
        if old != 0 { extensions.upsert(old, ExtensionHolder(ownerEmailHash: 0, row: 0)) }
        if new != 0 { extensions.upsert(new, ExtensionHolder(ownerEmailHash: owner, row: row)) }
    }

    /// Moves one active seat from license position `old` (nil for a new user) to `new`.
    public mutating func moveSeat(from old: UInt8?, to new: UInt8) {
        if let old { seatsUsed[Int(old)] -= 1 }
        seatsUsed[Int(new)] += 1
    }

    /// Number of users in the index, stored or seen in the run.
    public var count: Int { users.count }
}

/// Linear-probing hash table keyed by non-zero 64-bit hashes; grows by doubling past 80% load.
struct OpenTable<Value: Sendable>: Sendable {
    private var keys: [UInt64]
    /// Non-optional so a slot costs exactly the value's stride; `filler` marks unused slots.
    private var values: [Value]
    private let filler: Value
    private(set) var count = 0

    init(capacity: Int, filler: Value) {
        let slots = max(16, capacity + capacity / 4 + 1)
        self.filler = filler
        keys = Array(repeating: 0, count: slots)
        values = Array(repeating: filler, count: slots)
    }

    private func slot(for key: UInt64) -> Int {
        // Multiply-high maps the hash onto any table size without a modulo.
        Int(key.multipliedFullWidth(by: UInt64(keys.count)).high)
    }

    func find(_ key: UInt64) -> Value? {
        var index = slot(for: key)
        while true {
            let stored = keys[index]
            if stored == key { return values[index] }
            if stored == 0 { return nil }
            index = index + 1 == keys.count ? 0 : index + 1
        }
    }

    mutating func upsert(_ key: UInt64, _ value: Value) {
        if (count + 1) * 5 > keys.count * 4 { grow() }
        var index = slot(for: key)
        while true {
            let stored = keys[index]
            if stored == key { values[index] = value; return }
            if stored == 0 {
                keys[index] = key
                values[index] = value
                count += 1
                return
            }
            index = index + 1 == keys.count ? 0 : index + 1
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: filler, count: oldKeys.count * 2)
        count = 0
        for (key, value) in zip(oldKeys, oldValues) where key != 0 { upsert(key, value) }
    }
}
