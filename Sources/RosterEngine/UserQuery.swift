import Foundation

/// Which stored users a listing wants and in what order: every filter narrows, `nil` means "any".
public struct UserQuery: Sendable, Equatable {
    /// The order of a listing.
    public enum Order: Sendable, Equatable {
        /// The order users were first stored (oldest first): a store's natural order, so listing
        /// a large roster needs no sort.
        case stored
        /// By email key, starting after the given key (a page's cursor; `nil` for the first page).
        case emailKey(after: String?)
    }

    /// Only active users (`true`) or only deactivated ones (`false`).
    public var active: Bool?
    /// Only users whose email, first name, last name or "first last" contains this text (any casing).
    public var search: String?
    /// Only users linked to this sync job.
    public var job: String?
    /// Only users with this license (any casing).
    public var license: String?
    /// Only users with this role (any casing).
    public var role: String?
    /// At most this many users.
    public var limit: Int?
    public var order: Order

    public init(
        active: Bool? = nil, search: String? = nil, job: String? = nil, license: String? = nil, role: String? = nil,
        limit: Int? = nil, order: Order = .stored
    ) {
        self.active = active
        self.search = search
        self.job = job
        self.license = license
        self.role = role
        self.limit = limit
        self.order = order
    }

    /// Every user.
    public static let all = UserQuery()

    /// Whether a store must read each user to apply the filters (search, license, role), so that
    /// every store folds case the same way; its limit then counts matches, not rows read.
    public var filtersUsers: Bool {
        !(search ?? "").isEmpty || license != nil || role != nil
    }

    /// The same selection without its limit and order, for counting it.
    public var unlimited: UserQuery {
        var query = self
        query.limit = nil
        query.order = .stored
        return query
    }

    /// Whether `user` passes the active, search, license and role filters (the job filter needs
    /// the store's links, the order and cursor its keys).
    public func matches(_ user: StoredUser) -> Bool {
        if let active, user.record.active != active { return false }
        let row = user.record.row
        if let license, row.license.caseInsensitiveCompare(license) != .orderedSame { return false }
        if let role, row.role.caseInsensitiveCompare(role) != .orderedSame { return false }
        guard let search, !search.isEmpty else { return true }
        return [row.email, row.firstName, row.lastName, row.firstName + " " + row.lastName]
            .contains { $0.range(of: search, options: .caseInsensitive) != nil }
    }
}

/// Reading the roster one user at a time, in constant memory.
public protocol UserListing: Sendable {
    /// Calls `body` with each user that `query` selects, in its order, without holding the whole
    /// roster in memory. Read-only; a `body` that throws ends the listing with its error.
    func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws

    /// The names of the custom attributes that the users `query` selects hold, sorted.
    func attributeNames(_ query: UserQuery) async throws -> [String]

    /// How many users `query` selects, its limit and order aside.
    func countUsers(_ query: UserQuery) async throws -> Int

    /// The sync jobs linked to each of the users with these email keys, sorted by name; users
    /// without links are left out.
    func linkedJobs(emailKeys: [String]) async throws -> [String: [String]]
}

extension UserListing {
    /// The names of the custom attributes that the users `query` selects hold, sorted. This
    /// default reads every selected user; a store may answer from an index instead.
    public func attributeNames(_ query: UserQuery) async throws -> [String] {
        var names = Set<String>()
        try await forEachUser(query) { user in names.formUnion(user.record.attributes.keys) }
        return names.sorted()
    }

    /// How many users `query` selects, counted by reading them; a store may count in SQL instead.
    public func countUsers(_ query: UserQuery) async throws -> Int {
        try await countByReading(query)
    }

    /// How many users `query` selects, its limit and order aside, counted by reading each one:
    /// what a store falls back to when a filter must read the users.
    public func countByReading(_ query: UserQuery) async throws -> Int {
        var count = 0
        try await forEachUser(query.unlimited) { _ in count += 1 }
        return count
    }
}
