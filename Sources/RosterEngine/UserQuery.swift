import Foundation

/// Which stored users a listing wants: every filter narrows, `nil` means "any".
public struct UserQuery: Sendable, Equatable {
    /// Only active users (`true`) or only deactivated ones (`false`).
    public var active: Bool?
    /// Only users whose email, first name or last name contains this text (any casing).
    public var search: String?
    /// Only users linked to this sync job.
    public var job: String?
    /// At most this many users.
    public var limit: Int?

    public init(active: Bool? = nil, search: String? = nil, job: String? = nil, limit: Int? = nil) {
        self.active = active
        self.search = search
        self.job = job
        self.limit = limit
    }

    /// Every user.
    public static let all = UserQuery()

    /// Whether `user` passes the active and search filters (the job filter needs the store's links).
    public func matches(_ user: StoredUser) -> Bool {
        if let active, user.record.active != active { return false }
        guard let search, !search.isEmpty else { return true }
        let row = user.record.row
        return [row.email, row.firstName, row.lastName].contains { $0.range(of: search, options: .caseInsensitive) != nil }
    }
}

/// Reading the roster one user at a time, in constant memory.
public protocol UserListing: Sendable {
    /// Calls `body` with each user that `query` selects, in the order users were first stored
    /// (oldest first; a store's natural order, so a large roster needs no sort), without holding
    /// the whole roster in memory. Read-only; a `body` that throws ends the listing with its error.
    func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws

    /// The names of the custom attributes that the users `query` selects hold, sorted.
    func attributeNames(_ query: UserQuery) async throws -> [String]
}

extension UserListing {
    /// The names of the custom attributes that the users `query` selects hold, sorted. This
    /// default reads every selected user; a store may answer from an index instead.
    public func attributeNames(_ query: UserQuery) async throws -> [String] {
        var names = Set<String>()
        try await forEachUser(query) { user in names.formUnion(user.record.attributes.keys) }
        return names.sorted()
    }
}
