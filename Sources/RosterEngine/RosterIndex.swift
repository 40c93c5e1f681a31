import RosterCore

/// What the planner needs to know about one user, without a single string: the hashes of the
/// email key, the content and the extension, the license and whether the user is active.
public struct IndexedUser: Sendable, Equatable {
    /// Names the user within one ``RosterIndex`` (where it keeps the user's email key); 0 for a
    /// user not taken into an index yet.
    public internal(set) var id: UInt32 = 0
    /// ``EmailKey/hash(_:)`` of the user's email.
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

/// Who holds an extension: the owner's ``IndexedUser/id`` and the run's row that claimed it (0
/// when the holder is a stored user the run has not touched).
public struct ExtensionHolder: Sendable, Equatable {
    public var extensionHash: UInt64
    public var owner: UInt32
    public var row: Int32
}

/// The compact in-memory image of the roster that every planned row is checked against.
///
/// Two open-addressing hash tables (users by 32 bits of their email hash, holders by
/// ``ExtensionKey``), sized once for the stored users plus the rows about to come, at 28 and 16
/// bytes a slot (key included), and the email keys of all users packed in one buffer
/// (``EmailKeyStore``, about 21 bytes an email): about 75 MB for a million users, where a
/// `[String: …]` dictionary needs three times that.
///
/// The hash only finds candidates: a user is the one sought when its email key is equal too
/// (DESIGN §2), so two emails whose hashes collide are two users.
public struct RosterIndex: Sendable {
    private var users: OpenTable<UInt32, UserSlot>
    /// Every user's email key; a user's ``IndexedUser/id`` names its key there.
    private var emailKeys: EmailKeyStore
    private var extensions: OpenTable<UInt64, HolderSlot>
    /// Applied to every email hash: all ones, or fewer bits for tests that force collisions.
    private let emailHashMask: UInt64
    /// Active users per license position, for seat checks.
    public private(set) var seatsUsed: [Int]

    /// An empty index able to hold `capacity` users without growing.
    /// - Parameter emailHashBits: bits of the email hash the index uses; fewer than 64 only for
    ///   tests, to make distinct emails collide (0: every email hashes alike).
    public init(capacity: Int, emailHashBits: Int = 64) {
        precondition(Catalog.licenses.count <= 4, "a user slot keeps the license in two bits")
        users = OpenTable(capacity: capacity, filler: UserSlot(contentHash: 0, extensionHash: 0, emailKey: 0, rowAndFlags: 0))
        extensions = OpenTable(capacity: capacity, filler: HolderSlot(owner: 0, row: 0))
        emailHashMask = emailHashBits >= 64 ? .max : (1 << UInt64(max(0, emailHashBits))) - 1
        seatsUsed = Array(repeating: 0, count: Catalog.licenses.count)
        emailKeys = EmailKeyStore(capacity: capacity)
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

    /// Adds a stored user (used while loading from a store) whose email key (lower-cased, see
    /// ``EmailKey``) has the UTF-8 bytes `emailKey`; `user.emailHash` must be its hash.
    public mutating func addStored(_ user: IndexedUser, emailKey: UnsafeBufferPointer<UInt8>) {
        hasStoredUsers = true
        var added = user
        added.id = emailKeys.append(key: emailKey)
        users.insert(tableKey(user.emailHash), UserSlot(added))
        if user.extensionHash != 0 { extensions.upsert(user.extensionHash, HolderSlot(owner: added.id, row: 0)) }
        if user.isActive { seatsUsed[Int(user.license)] += 1 }
    }

    /// Adds the stored users of `chunk`, as ``addStored(_:emailKey:)``.
    public mutating func addStored(_ chunk: StoredUserChunk) {
        chunk.forEach { user, key in addStored(user, emailKey: key) }
    }

    /// The user whose email is `email` (any casing), if the index holds it.
    /// - Parameter emailHash: ``EmailKey/hash(_:)`` of `email`, when the caller has it already.
    public func user(email: String, emailHash: UInt64? = nil) -> IndexedUser? {
        var email = email
        return email.withUTF8 { user(email: $0, emailHash: emailHash ?? EmailKey.hash(utf8: $0)) }
    }

    /// The user whose email has the UTF-8 bytes `email` (any casing); `emailHash` is its ``EmailKey/hash(utf8:)``.
    public func user(email: UnsafeBufferPointer<UInt8>, emailHash: UInt64) -> IndexedUser? {
        let slot = slot(of: email, emailHash: emailHash)
        return users.isOccupied(slot) ? users[slot].user(emailHash: emailHash) : nil
    }

    /// The email key of `user`, an entry of this index.
    public func emailKey(of user: IndexedUser) -> String { emailKeys.key(user.id) }

    /// Marks the stored, active user with email `email` as first seen on `row` if its content hash
    /// is `contentHash` and no earlier row claimed it; one probe, for the unchanged-row fast path.
    /// - Returns: whether the user was marked (otherwise nothing changed).
    public mutating func claimUnchanged(emailHash: UInt64, email: UnsafeBufferPointer<UInt8>, contentHash: UInt64, row: Int32) -> Bool {
        let slot = slot(of: email, emailHash: emailHash)
        guard users.isOccupied(slot) else { return false }
        var entry = users[slot]
        guard entry.isStored, entry.isActive, entry.firstRow == 0, entry.contentHash == contentHash else { return false }
        entry.firstRow = row
        users[slot] = entry
        return true
    }

    /// Records `user`, an entry of this index (its ``IndexedUser/id`` set), as it is after the current row.
    public mutating func update(_ user: IndexedUser) {
        precondition(user.id != 0, "only a user of this index can be updated")
        let slot = users.slot(of: tableKey(user.emailHash)) { $0.emailKey == user.id }
        precondition(users.isOccupied(slot), "the user is not in this index")
        users[slot] = UserSlot(user)
    }

    /// Adds `user`, whose email is `email` (any casing), as a new entry; the caller has checked
    /// that the index holds no user with this email.
    /// - Returns: `user` with its ``IndexedUser/id``.
    @discardableResult
    public mutating func insert(_ user: IndexedUser, email: String) -> IndexedUser {
        var email = email
        return email.withUTF8 { insert(user, email: $0) }
    }

    private mutating func insert(_ user: IndexedUser, email: UnsafeBufferPointer<UInt8>) -> IndexedUser {
        var user = user
        user.id = emailKeys.append(email: email)
        users.insert(tableKey(user.emailHash), UserSlot(user))
        return user
    }

    /// The holder of the extension hashing to `extensionHash`, if it is held.
    public func holder(extensionHash: UInt64) -> ExtensionHolder? {
        guard let holder = extensions.find(extensionHash), holder.owner != 0 else { return nil }
        return ExtensionHolder(extensionHash: extensionHash, owner: holder.owner, row: holder.row)
    }

    /// Moves the extension of the user with id `owner` from `old` to `new` (either may be 0 for none).
    public mutating func moveExtension(owner: UInt32, from old: UInt64, to new: UInt64, row: Int32) {
        guard old != new else { return }
        if old != 0 { extensions.upsert(old, HolderSlot(owner: 0, row: 0)) }
        if new != 0 { extensions.upsert(new, HolderSlot(owner: owner, row: row)) }
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

    /// The key of `emailHash` in the user table, its two halves folded: never 0, which marks an
    /// empty slot. Equal keys of different emails only cost a comparison of their email keys.
    private func tableKey(_ emailHash: UInt64) -> UInt32 {
        let hash = emailHash & emailHashMask
        return max(UInt32(truncatingIfNeeded: hash ^ (hash >> 32)), 1)
    }

    /// The slot of the user whose email is `email`, or the empty slot where the search ended:
    /// the hash finds candidates, the email key decides.
    private func slot(of email: UnsafeBufferPointer<UInt8>, emailHash: UInt64) -> Int {
        users.slot(of: tableKey(emailHash)) { emailKeys.matches($0.emailKey, email: email) }
    }
}

/// A user's entry without its hash (the key array holds that): 24 bytes. The first row, license
/// and flags share one word: rows past 2^28 are clamped, far beyond any file that fits in memory.
struct UserSlot: Sendable {
    var contentHash: UInt64
    var extensionHash: UInt64
    /// The user's ``IndexedUser/id``.
    var emailKey: UInt32
    /// Bits 0–27: first row; 28–29: license; 30: active; 31: stored.
    var rowAndFlags: UInt32

    private static let rowMask: UInt32 = (1 << 28) - 1
    private static let activeBit: UInt32 = 1 << 30
    private static let storedBit: UInt32 = 1 << 31

    init(contentHash: UInt64, extensionHash: UInt64, emailKey: UInt32, rowAndFlags: UInt32) {
        self.contentHash = contentHash
        self.extensionHash = extensionHash
        self.emailKey = emailKey
        self.rowAndFlags = rowAndFlags
    }

    init(_ user: IndexedUser) {
        let row = UInt32(clamping: max(0, min(Int(user.firstRow), Int(Self.rowMask))))
        self.init(
            contentHash: user.contentHash, extensionHash: user.extensionHash, emailKey: user.id,
            rowAndFlags: row | UInt32(user.license & 3) << 28 | (user.isActive ? Self.activeBit : 0) | (user.isStored ? Self.storedBit : 0))
    }

    var firstRow: Int32 {
        get { Int32(rowAndFlags & Self.rowMask) }
        set { rowAndFlags = rowAndFlags & ~Self.rowMask | UInt32(clamping: max(0, min(Int(newValue), Int(Self.rowMask)))) }
    }

    var isActive: Bool { rowAndFlags & Self.activeBit != 0 }
    var isStored: Bool { rowAndFlags & Self.storedBit != 0 }

    func user(emailHash: UInt64) -> IndexedUser {
        var user = IndexedUser(
            emailHash: emailHash, contentHash: contentHash, extensionHash: extensionHash, license: UInt8(rowAndFlags >> 28 & 3),
            isActive: isActive, isStored: isStored, firstRow: firstRow)
        user.id = emailKey
        return user
    }
}

/// An extension holder's entry without its key: 8 bytes.
struct HolderSlot: Sendable {
    /// The holder's ``IndexedUser/id``; 0 once released.
    var owner: UInt32
    var row: Int32
}
