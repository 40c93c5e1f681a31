public import RosterEngine

extension InMemoryUserStore {
    /// The users `query` selects, in the order they were first stored (by id), as the SQLite
    /// store lists them. The
    /// in-memory twin hands out a snapshot taken inside the actor.
    public nonisolated func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws {
        for user in await listedUsers(query) { try body(user) }
    }

    private func listedUsers(_ query: UserQuery) -> [StoredUser] {
        let linked = query.job.map { Set((committed.linksByJob[$0] ?? [:]).values) }
        let selected = committed.usersByKey.lazy
            .filter { hash, user in (linked?.contains(hash) ?? true) && query.matches(user) }
            .map(\.value)
            .sorted { $0.id < $1.id }
        return Array(selected.prefix(max(0, query.limit ?? Int.max)))
    }
}
