import RosterCore

extension UserStore {
    /// A dry run's view of `batch`, at most `limit` changes: each create, each update with the
    /// columns it changes (old → new, read from the store), then each deactivation, then each
    /// user the run newly flags pending deactivation.
    func plannedChanges(_ batch: WriteBatch, limit: Int = .max) async throws -> [PlannedChange] {
        let writes = batch.writes.prefix(max(0, limit))
        let deactivations = batch.deactivations.prefix(max(0, limit - writes.count))
        let targets = writes.compactMap { if case .update(let key) = $0.kind { key } else { nil } } + deactivations
        let stored = targets.isEmpty ? [:] : try await users(emailKeys: targets)
        let changes = writes.map { write in
            guard case .update(let target) = write.kind else {
                return PlannedChange(action: .create, email: write.record.row.email, changes: [])
            }
            let old = stored[target]?.record.row ?? TemplateRow()
            let fields = TemplateColumn.allCases.filter { old[$0] != write.record.row[$0] }
                .map { (column: $0.header, old: old[$0], new: write.record.row[$0]) }
            return PlannedChange(action: .update, email: write.record.row.email, changes: fields)
        }
        let flagged = (batch.pendingDeactivations?.flagged.keys.sorted() ?? []).prefix(max(0, limit - writes.count - deactivations.count))
        let flaggedUsers = flagged.isEmpty ? [:] : try await users(emailKeys: Array(flagged))
        return changes + deactivations.map { PlannedChange(action: .deactivate, email: stored[$0]?.record.row.email ?? $0, changes: []) }
            + flagged.map { PlannedChange(action: .pending, email: flaggedUsers[$0]?.record.row.email ?? $0, changes: []) }
    }
}
