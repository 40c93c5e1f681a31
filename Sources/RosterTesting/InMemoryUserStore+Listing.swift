public import RosterEngine

extension InMemoryUserStore {
    /// The users `query` selects, in its order, as the SQLite store lists them. The in-memory
    /// twin hands out a snapshot taken inside the actor.
    public nonisolated func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws {
        for user in await listedUsers(query) { try body(user) }
    }

    /// The jobs linked to each of these users, sorted by name.
    public func linkedJobs(emailKeys: [String]) async throws -> [String: [String]] {
        let wanted = Set(emailKeys)
        var jobs: [String: [String]] = [:]
        for (job, links) in committed.linksByJob.sorted(by: { $0.key < $1.key }) {
            for key in Set(links.values) where wanted.contains(key) { jobs[key, default: []].append(job) }
        }
        return jobs
    }

    private func listedUsers(_ query: UserQuery) -> [StoredUser] {
        let linked = query.job.map { Set((committed.linksByJob[$0] ?? [:]).values) }
        var selected = committed.usersByKey
            .filter { key, user in (linked?.contains(key) ?? true) && query.matches(user) }
            .map(\.value)
        switch query.order {
        case .stored:
            selected.sort { $0.id < $1.id }
        case .emailKey(let after):
            selected.sort { $0.record.emailKey < $1.record.emailKey }
            if let after { selected.removeAll { $0.record.emailKey <= after } }
        }
        return Array(selected.prefix(max(0, query.limit ?? Int.max)))
    }
}
