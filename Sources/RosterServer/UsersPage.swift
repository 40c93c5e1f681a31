import RosterEngine

/// One page of the users pages, read from the store by email-key cursor: only the page's users
/// are in memory, however large the roster, and writes by any process show at once.
struct UsersPage: Sendable {
    var users: [StoredUser] = []
    /// The email key to ask for the next page with, when there is one.
    var nextCursor: String?
    /// Email key → the configured sync jobs linked to that user, in config order (users only ever
    /// imported from files have none).
    var sourceJobs: [String: [String]] = [:]

    /// The first `limit` users that `query` selects after its cursor, with their source jobs.
    init(_ query: UserQuery, limit: Int, store: any UserStore, jobs: [String]) async throws {
        var query = query
        query.limit = limit + 1
        var users: [StoredUser] = []
        users.reserveCapacity(limit + 1)
        try await store.forEachUser(query) { users.append($0) }
        if users.count > limit {
            users.removeLast(users.count - limit)
            nextCursor = users.last?.record.emailKey
        }
        self.users = users
        guard !jobs.isEmpty else { return }
        let linked = try await store.linkedJobs(emailKeys: users.map(\.record.emailKey))
        let configOrder = Dictionary(jobs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (key, names) in linked {
            let configured = names.filter { configOrder[$0] != nil }.sorted { configOrder[$0]! < configOrder[$1]! }
            if !configured.isEmpty { sourceJobs[key] = configured }
        }
    }

    /// The source jobs of `user`.
    func jobs(of user: StoredUser) -> [String] {
        sourceJobs[user.record.emailKey] ?? []
    }
}
