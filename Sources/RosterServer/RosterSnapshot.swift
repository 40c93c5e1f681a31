import Foundation
import RosterEngine

/// The roster in memory for the users pages, read again from the store only when a run has
/// changed it: every write to the roster is part of a run, and a run's record changes in the same
/// transaction as its users (``UserStore/write(_:)``), so the recent runs' ids and statuses tell
/// whether the copy is current, also for writes by other processes on the same store.
actor RosterSnapshot {
    /// How many of the latest runs make up the key; a run that is still going is older than this
    /// many runs only after that many newer runs started.
    static let watchedRuns = 100

    private let store: any UserStore
    private var key: [String]?
    private var users: [StoredUser] = []

    init(store: any UserStore) { self.store = store }

    /// Every user, ordered by email key, as the store has them now.
    func current() async throws -> [StoredUser] {
        let runs = try await store.runs(limit: Self.watchedRuns)
        let key = runs.map { "\($0.id) \($0.status.rawValue)" }
        if key != self.key {
            users = try await store.users()
            self.key = key
        }
        return users
    }
}

extension [StoredUser] {
    /// The index of the first user whose email key sorts after `cursor` (binary search).
    func firstIndex(after cursor: String) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].record.emailKey <= cursor { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
