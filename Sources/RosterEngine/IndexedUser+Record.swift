import RosterCore

extension IndexedUser {
    /// The index entry of a stored user.
    public init(_ record: UserRecord) {
        let license = UInt8(Catalog.licenses.firstIndex(of: record.row.license) ?? Catalog.licenses.count - 1)
        self.init(
            emailHash: EmailKey.hash(record.row.email), contentHash: record.contentHash,
            extensionHash: ExtensionKey.of(record.row.extension),
            license: license, isActive: record.active)
    }
}

extension RosterIndex {
    /// Adds a stored user from its record.
    public mutating func addStored(_ record: UserRecord) {
        var key = record.emailKey
        key.withUTF8 { addStored(IndexedUser(record), emailKey: $0) }
    }
}
