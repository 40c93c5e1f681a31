import RosterCore

extension UserStore {
    /// A dry run's view of the first `limit` writes of `batch`: each create, and each update
    /// with the columns it changes (old → new, read from the store).
    func plannedChanges(_ batch: WriteBatch, limit: Int) async throws -> [PlannedChange] {
        let writes = batch.writes.prefix(max(0, limit))
        let targets = writes.compactMap { if case .update(let hash) = $0.kind { hash } else { nil } }
        let stored = targets.isEmpty ? [:] : try await users(emailHashes: targets)
        return writes.map { write in
            guard case .update(let target) = write.kind else {
                return PlannedChange(action: .create, email: write.record.row.email, changes: [])
            }
            let old = stored[target]?.record.row ?? TemplateRow()
            let fields = TemplateColumn.allCases.filter { old[$0] != write.record.row[$0] }
                .map { (column: $0.header, old: old[$0], new: write.record.row[$0]) }
            return PlannedChange(action: .update, email: write.record.row.email, changes: fields)
        }
    }
}
