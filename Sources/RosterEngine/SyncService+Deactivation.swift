import Foundation
import Logging
import RosterConnectors

/// What a job's earlier runs left for this run's deactivations to reckon with.
struct DeactivationHistory: Sendable {
    /// Users deactivated by the job's runs within its `deactivate_window` (0 without one).
    var earlier = 0
    /// The job's users pending deactivation: email key → first found missing.
    var pending: [String: Date] = [:]
    /// The time of this run.
    var now: Date
}

/// The deactivation decision of one run.
struct DeactivationVerdict {
    var status = RunStatus.succeeded
    var message: String?
    /// Pending marks to set and clear, stored with the run's last batch.
    var pendingChanges: PendingDeactivationChanges?
    /// Users of the job pending deactivation after this run.
    var pending = 0
}

extension SyncService {
    /// Reads what `job`'s earlier runs left: deactivations within its window and pending users.
    func deactivationHistory(_ job: JobConfig) async throws -> DeactivationHistory {
        let now = clock.now()
        var history = DeactivationHistory(now: now)
        guard job.onMissing == .deactivate else { return history }
        if let window = job.deactivateWindow {
            history.earlier = try await store.deactivations(job: job.name, since: now.addingTimeInterval(-window))
        }
        history.pending = try await store.pendingDeactivations(job: job.name)
        return history
    }

    /// Decides the deactivations of a complete pull, or why the safeguard tripped: after a full
    /// pull, the job's linked users that no record named; after an incremental one, the users the
    /// source reported removed. With `deactivate_after`, a missing user is first flagged pending
    /// and deactivated only once pending that long; a pending user named again is cleared. With
    /// `deactivate_window`, the window's earlier deactivations count against the threshold too.
    func safeguard(_ job: JobConfig, outcome: PullOutcome, pulled: Int, removedIDs: [String], history: DeactivationHistory,
                   planner: inout ImportPlanner, options: SyncOptions) -> DeactivationVerdict {
        var verdict = DeactivationVerdict()
        guard job.onMissing == .deactivate else { return verdict }
        let reported = outcome.isFullPull ? planner.unseenLinkedUsers() : planner.linkedUsers(removedIDs)
        if pulled == 0 && outcome.isFullPull && !reported.isEmpty {
            verdict.pending = history.pending.count
            logger.warning("safeguard tripped: the pull returned no users", metadata: ["job": "\(job.name)", "would-deactivate": "\(reported.count)"])
            verdict.status = .safeguardTripped
            verdict.message = "the pull returned no users, so nobody was deactivated (\(reported.count) linked \(reported.count == 1 ? "user" : "users") would have been); check the source, then run `rostersync sync \(job.name) --allow-deactivations \(reported.count)` if that is right"
            return verdict
        }
        // Pending users an incremental pull did not name again are still missing.
        var missing = Set(reported).union(history.pending.keys.filter { planner.isUnnamedActiveUser($0) })
        var changes = PendingDeactivationChanges(job: job.name, cleared: history.pending.keys.filter { !missing.contains($0) }.sorted())
        var due = missing
        if let after = job.deactivateAfter {
            for key in missing where history.pending[key] == nil { changes.flagged[key] = history.now }
            due = missing.filter { key in history.pending[key].map { history.now.timeIntervalSince($0) >= after } ?? false }
        } else {
            changes.cleared = history.pending.keys.sorted()
        }
        let trip = tooMany(due.count, job: job, history: history, linked: planner.activeLinkedUserCount(), options: options)
        if let trip {
            verdict.status = .safeguardTripped
            verdict.message = trip
        } else if !due.isEmpty {
            let keys = due.sorted()
            planner.deactivate(keys)
            missing.subtract(keys)
            if job.deactivateAfter != nil { changes.cleared += keys.filter { history.pending[$0] != nil } }
        }
        verdict.pending = job.deactivateAfter == nil ? 0 : missing.count
        verdict.pendingChanges = changes.isEmpty ? nil : changes
        return verdict
    }

    /// Why deactivating `count` users now would trip the threshold, or `nil` when it may go ahead.
    private func tooMany(_ count: Int, job: JobConfig, history: DeactivationHistory, linked: Int, options: SyncOptions) -> String? {
        guard count > 0, count > options.allowDeactivations ?? 0 else { return nil }
        let limit = job.threshold.limit(linked: linked + history.earlier)
        guard history.earlier + count > limit else { return nil }
        let users = "\(count) \(count == 1 ? "user" : "users")"
        logger.warning("safeguard tripped: too many deactivations",
                       metadata: ["job": "\(job.name)", "would-deactivate": "\(count)", "earlier-in-window": "\(history.earlier)", "limit": "\(limit)"])
        let advice = "nobody was deactivated. If the source is right, run `rostersync sync \(job.name) --allow-deactivations \(count)`"
        guard let window = job.deactivateWindow, history.earlier > 0 else {
            return "\(users) would be deactivated, more than this job's limit of \(limit); \(advice)"
        }
        return "\(users) would be deactivated and this job deactivated \(history.earlier) in the last \(JobConfig.durationText(window)) (deactivate_window): "
            + "\(history.earlier + count) together, more than this job's limit of \(limit); \(advice)"
    }
}
