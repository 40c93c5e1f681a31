import Foundation
import RosterEngine

/// The roster as the users pages show it: every user ordered by email key, and the sync jobs
/// each user is linked to (their source jobs; none for users only ever imported from files).
struct Roster: Sendable {
    var users: [StoredUser] = []
    /// User id → the jobs linked to that user, in config order.
    var sourceJobs: [Int64: [String]] = [:]

    static let empty = Roster()

    /// The source jobs of `user`.
    func jobs(of user: StoredUser) -> [String] {
        sourceJobs.isEmpty ? [] : sourceJobs[user.id] ?? []
    }
}

/// The roster in memory for the users pages, read again from the store only when a run has
/// changed it: every write to the roster is part of a run, and a run's record changes in the same
/// transaction as its users (``UserStore/write(_:)``), so the recent runs' ids and statuses tell
/// whether the copy is current. The runs are looked at when a run of this server has ended
/// since the last look (``RunMonitor``), else at most every ``recheckInterval``, so writes by
/// other processes on the same store show within that time, and a busy users page costs no
/// store query per request.
actor RosterSnapshot {
    /// How many of the latest runs make up the key; a run that is still going is older than this
    /// many runs only after that many newer runs started.
    static let watchedRuns = 100
    /// The longest time writes by other processes take to show.
    static let recheckInterval: Duration = .milliseconds(250)

    private let store: any UserStore
    /// The configured sync jobs, whose links name the users' source jobs.
    private let jobs: [String]
    private let monitor: RunMonitor
    private var key: [String]?
    private var roster = Roster.empty
    /// When the runs were last looked at, and how many runs of this server had ended then.
    private var checked: (at: ContinuousClock.Instant, endedRuns: Int)?

    init(store: any UserStore, jobs: [String], monitor: RunMonitor) {
        self.store = store
        self.jobs = jobs
        self.monitor = monitor
    }

    /// Every user, ordered by email key, and their source jobs, as the store has them now.
    func current() async throws -> Roster {
        let now = ContinuousClock.now
        let endedRuns = monitor.endedRuns
        if let checked, checked.endedRuns == endedRuns, now - checked.at < Self.recheckInterval { return roster }
        let runs = try await store.runs(limit: Self.watchedRuns)
        let key = runs.map { "\($0.id) \($0.status.rawValue)" }
        if key != self.key {
            let users = try await store.users()
            var sourceJobs: [Int64: [String]] = [:]
            var links: [String: [String]] = [:]
            for job in jobs {
                for emailKey in try await store.links(job: job).values { links[emailKey, default: []].append(job) }
            }
            if !links.isEmpty {
                for user in users {
                    if let jobs = links[user.record.emailKey] { sourceJobs[user.id] = jobs }
                }
            }
            roster = Roster(users: users, sourceJobs: sourceJobs)
            self.key = key
        }
        checked = (now, endedRuns)
        return roster
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
