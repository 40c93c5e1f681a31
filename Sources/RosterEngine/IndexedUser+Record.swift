import RosterCore

extension IndexedUser {
    /// The index entry of a stored user.
    public init(_ record: UserRecord) {
        let license = UInt8(Catalog.licenses.firstIndex(of: record.row.license) ?? Catalog.licenses.count - 1)
        self.init(
            emailHash: StableHash.ofLowercased(record.row.email), contentHash: record.contentHash,
            extensionHash: ExtensionKey.of(record.row.extension),
            license: license, isActive: record.active)
    }
}
