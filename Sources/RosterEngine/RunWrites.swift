/// The life of one run that writes, shared by imports and syncs: the run record, one store
/// transaction around all of the run's writes, and a write pipeline that keeps at most one
/// batch in flight while the next one is planned.
extension UserStore {
    /// Records `record` as started, opens the run's transaction and calls `plan` with the run's
    /// id and the write pipeline; commits once `plan` returns and every write is done.
    ///
    /// On a dry run nothing is recorded or opened (the id is `nil`). When anything throws, the
    /// transaction is rolled back, `describeFailure` fills in the record (status, message,
    /// counts so far) and cleans up, the record is finished (not on a dry run) and the error is
    /// rethrown. On success the caller finishes the record itself, with its counts.
    func performRun<Result>(
        _ record: inout RunRecord, dryRun: Bool, clock: any RosterClock,
        describeFailure: (inout RunRecord, any Error) -> Void,
        plan: (_ runID: Int64?, _ writes: inout ThrowingTaskGroup<Void, any Error>) async throws -> Result
    ) async throws -> Result {
        if !dryRun { record.id = try await beginRun(record) }
        let runID = dryRun ? nil : record.id
        var writesOpen = false
        do {
            if !dryRun {
                try await beginWrites()
                writesOpen = true
            }
            let result = try await withThrowingTaskGroup(of: Void.self) { writes in
                let result = try await plan(runID, &writes)
                try await writes.waitForAll()
                return result
            }
            if writesOpen {
                writesOpen = false
                try await commitWrites()
            }
            return result
        } catch {
            if writesOpen { await rollbackWrites() }
            describeFailure(&record, error)
            if !dryRun {
                record.finishedAt = clock.now()
                try? await finishRun(record)
            }
            throw error
        }
    }
}

extension ThrowingTaskGroup where ChildTaskResult == Void, Failure == any Error {
    /// Writes `batch` in a child task once the previous batch's write has finished, so the
    /// caller plans the next batch meanwhile and at most one write is in flight, in plan order.
    mutating func applyAfterPrevious(_ batch: WriteBatch, to store: any UserStore) async throws {
        try await next()
        addTask { try await store.apply(batch) }
    }
}
