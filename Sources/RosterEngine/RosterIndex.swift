import RosterCore

/// What the planner needs to know about one user, without a single string: hashes of the email
/// key, the content and the extension, the license and whether the user is active.
public struct IndexedUser: Sendable, Equatable {
    public var emailHash: UInt64
    public var contentHash: UInt64
    /// ``ExtensionKey/of(_:)`` of the user's extension; 0 when the user has none.
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

/// Who holds an extension: the owner's email hash (0 once released) and the run's row that
/// claimed it (0 when the holder is a stored user the run has not touched).
public struct ExtensionHolder: Sendable, Equatable {
    public var extensionHash: UInt64
    public var ownerEmailHash: UInt64
    public var row: Int32
}

/// The compact in-memory image of the roster that every planned row is checked against.
///
/// Two open-addressing hash tables (users by email hash, holders by ``ExtensionKey``), sized once
/// for the stored users plus the rows about to come, at 32 and 24 bytes a slot (key included):
/// about 70 MB for a million users, where a `[String: …]` dictionary needs three times that.
/// Emails are keyed by 64-bit hashes; writes are still guarded by the store's unique index.
public struct RosterIndex: Sendable {
    private var users: OpenTable<UserSlot>
    private var extensions: OpenTable<HolderSlot>
    /// Active users per license position, for seat checks.
    public private(set) var seatsUsed: [Int]

    /// An empty index able to hold `capacity` users without growing.
    public init(capacity: Int) {
        users = OpenTable(capacity: capacity, filler: UserSlot(contentHash: 0, extensionHash: 0, firstRow: 0, license: 0, isActive: false, isStored: false))
        extensions = OpenTable(capacity: capacity, filler: HolderSlot(ownerEmailHash: 0, row: 0))
        seatsUsed = Array(repeating: 0, count: Catalog.licenses.count)
    }

    /// The capacity to reserve for `stored` users plus a file of at most `incomingRows` rows.
    /// Most rows of a repeat import are users already stored, so an eighth of the file is
    /// reserved beyond them (at least the whole file when the store is small); the index grows
    /// by doubling if a file brings more new users than that.
    public static func capacity(stored: Int, incomingRows: Int) -> Int {
        max(stored + incomingRows / 8, incomingRows)
    }

    /// Whether any user was stored before the run: without one, no row can be unchanged.
    public private(set) var hasStoredUsers = false

    /// Adds a stored user (used while loading from a store).
    public mutating func addStored(_ user: IndexedUser) {
        hasStoredUsers = true
        setUser(user)
        if user.extensionHash != 0 { extensions.upsert(user.extensionHash, HolderSlot(ownerEmailHash: user.emailHash, row: 0)) }
        if user.isActive { seatsUsed[Int(user.license)] += 1 }
    }

    /// The user whose email key hashes to `emailHash`.
    public func user(emailHash: UInt64) -> IndexedUser? {
        users.find(emailHash).map { slot in
            IndexedUser(emailHash: emailHash, contentHash: slot.contentHash, extensionHash: slot.extensionHash, license: slot.license,
                        isActive: slot.isActive, isStored: slot.isStored, firstRow: slot.firstRow)
        }
    }

    /// Marks the stored, active user `emailHash` as first seen on `row` if its content hash is
    /// `contentHash` and no earlier row claimed it; one probe, for the unchanged-row fast path.
    /// - Returns: whether the user was marked (otherwise nothing changed).
    public mutating func claimUnchanged(emailHash: UInt64, contentHash: UInt64, row: Int32) -> Bool {
        users.modify(emailHash) { slot in
            guard slot.isStored, slot.isActive, slot.firstRow == 0, slot.contentHash == contentHash else { return false }
            slot.firstRow = row
            return true
        }
    }

    /// Records `user` as it is after the current row.
    public mutating func setUser(_ user: IndexedUser) {
        users.upsert(user.emailHash, UserSlot(contentHash: user.contentHash, extensionHash: user.extensionHash, firstRow: user.firstRow,
                                              license: user.license, isActive: user.isActive, isStored: user.isStored))
    }

    /// The holder of the extension hashing to `extensionHash`, if it is held.
    public func holder(extensionHash: UInt64) -> ExtensionHolder? {
        guard let holder = extensions.find(extensionHash), holder.ownerEmailHash != 0 else { return nil }
        return ExtensionHolder(extensionHash: extensionHash, ownerEmailHash: holder.ownerEmailHash, row: holder.row)
    }

    /// Moves `owner`'s extension from `old` to `new` (either may be 0 for none).
    public mutating func moveExtension(owner: UInt64, from old: UInt64, to new: UInt64, row: Int32) {
        guard old != new else { return }
        if old != 0 { extensions.upsert(old, HolderSlot(ownerEmailHash: 0, row: 0)) }
        if new != 0 { extensions.upsert(new, HolderSlot(ownerEmailHash: owner, row: row)) }
    }

    /// Moves one active seat from license position `old` (nil for a new user) to `new`.
    public mutating func moveSeat(from old: UInt8?, to new: UInt8) {
        if let old { seatsUsed[Int(old)] -= 1 }
        seatsUsed[Int(new)] += 1
    }

    /// Gives back one active seat of license position `license`.
    public mutating func releaseSeat(_ license: UInt8) { seatsUsed[Int(license)] -= 1 }

    /// Number of users in the index, stored or seen in the run.
    public var count: Int { users.count }
}

/// A user's entry without its key (the key array holds the email hash): 24 bytes.
struct UserSlot: Sendable {
    var contentHash: UInt64
    var extensionHash: UInt64
    var firstRow: Int32
    var license: UInt8
    var isActive: Bool
    var isStored: Bool
}

/// An extension holder's entry without its key: 16 bytes.
struct HolderSlot: Sendable {
    var ownerEmailHash: UInt64
    var row: Int32
}

/// Linear-probing hash table; grows by doubling past 80% load.
///
/// Keys live in their own array: a probe sequence then walks 8 keys per cache line instead of
/// whole values, which keeps misses (every new user of a fresh import) cheap at high load.
struct OpenTable<Value: Sendable>: Sendable {
    private var keys: [UInt64]
    private var values: [Value]
    private let filler: Value
    private(set) var count = 0

    init(capacity: Int, filler: Value) {
        let slots = max(16, capacity + capacity / 4 + 1)
        self.filler = filler
        keys = Array(repeating: 0, count: slots)
        values = Array(repeating: filler, count: slots)
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func slot(of key: UInt64) -> Int {
        keys.withUnsafeBufferPointer { keys in
            // Keys need not be well spread (extension keys are mostly their digits), so mix them
            // (murmur3's finaliser), then multiply-high maps them onto any table size without a modulo.
            var mixed = key ^ (key >> 33)
            mixed &*= 0xff51_afd7_ed55_8ccd
            mixed ^= mixed >> 33
            var index = Int(mixed.multipliedFullWidth(by: UInt64(keys.count)).high)
            while keys[index] != key && keys[index] != 0 {
                index = index + 1 == keys.count ? 0 : index + 1
            }
            return index
        }
    }

    func find(_ key: UInt64) -> Value? {
        let index = slot(of: key)
        return keys[index] == key ? values[index] : nil
    }

    /// Calls `body` on the value stored under `key`, in place; `false` when `key` is absent.
    mutating func modify(_ key: UInt64, _ body: (inout Value) -> Bool) -> Bool {
        let index = slot(of: key)
        guard keys[index] == key else { return false }
        return body(&values[index])
    }

    /// Stores `value` under `key` (non-zero).
    mutating func upsert(_ key: UInt64, _ value: Value) {
        if (count + 1) * 5 > keys.count * 4 { grow() }
        let index = slot(of: key)
        if keys[index] == 0 {
            keys[index] = key
            count += 1
        }
        values[index] = value
    }

    private mutating func grow() {
        let oldValues = values, oldKeys = keys
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: filler, count: oldKeys.count * 2)
        count = 0
        for (key, value) in zip(oldKeys, oldValues) where key != 0 { upsert(key, value) }
    }
}
