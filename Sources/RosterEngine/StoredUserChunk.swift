import RosterCore

/// Stored users on their way from a store's scan into a ``RosterIndex``: their entries and their
/// email keys packed in one byte buffer, so a scan hands over thousands of users without a String.
public struct StoredUserChunk: Sendable {
    private var users: [IndexedUser] = []
    private var keyBytes: [UInt8] = []
    private var keyEnds: [Int] = []

    /// An empty chunk with room for `capacity` users.
    public init(capacity: Int) {
        users.reserveCapacity(capacity)
        keyEnds.reserveCapacity(capacity)
        keyBytes.reserveCapacity(capacity * 32)
    }

    /// Number of users in the chunk.
    public var count: Int { users.count }

    /// Adds a user whose email key (see ``EmailKey``) has the UTF-8 bytes `emailKey`; its
    /// ``IndexedUser/emailHash`` is computed here.
    public mutating func append(_ user: IndexedUser, emailKey: UnsafeBufferPointer<UInt8>) {
        var user = user
        user.emailHash = EmailKey.hash(utf8: emailKey)
        users.append(user)
        keyBytes.append(contentsOf: emailKey)
        keyEnds.append(keyBytes.count)
    }

    /// Empties the chunk, keeping its capacity.
    public mutating func removeAll() {
        users.removeAll(keepingCapacity: true)
        keyBytes.removeAll(keepingCapacity: true)
        keyEnds.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with every user and the bytes of its email key, in order.
    func forEach(_ body: (IndexedUser, UnsafeBufferPointer<UInt8>) -> Void) {
        keyBytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for (user, end) in zip(users, keyEnds) {
                body(user, UnsafeBufferPointer(rebasing: bytes[start..<end]))
                start = end
            }
        }
    }
}
