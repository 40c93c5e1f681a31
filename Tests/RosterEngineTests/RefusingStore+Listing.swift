import RosterEngine

extension RefusingStore {
    func forEachUser(_ query: UserQuery, _ body: (StoredUser) throws -> Void) async throws {
        try await base.forEachUser(query, body)
    }
}
