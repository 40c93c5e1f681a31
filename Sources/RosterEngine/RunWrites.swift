public import Logging

/// Lets one task at a time through ``run(_:)``, in the order they arrived: the writers of one
/// store in one process take turns through it, so no write lands inside another's transaction.
public actor SerialGate {
    private var taken = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Runs `body` once every task that arrived earlier has left.
    public nonisolated func run<Result>(_ body: () async throws -> Result) async throws -> Result {
        await enter()
        do {
            let result = try await body()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async {
        guard taken else {
            taken = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            taken = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// The life of one run that writes, shared by imports and syncs.
extension UserStore {
    /// Runs `body` inside one write scope, or on a dry run without one (`nil`: nothing is written).
    func writing<Result: Sendable>(dryRun: Bool, _ body: ((any UserStoreWrites)?) async throws -> Result) async throws -> Result {
        if dryRun { return try await body(nil) }
        return try await write { try await body($0) }
    }

    /// Stores the end of a run whose writes were rolled back (or never began); a store that cannot
    /// record it any more (full disk, lost file) is logged, and the run's own error still wins.
    func recordFailedRun(_ record: RunRecord, logger: Logger) async {
        do {
            try await finishRun(record)
        } catch {
            logger.error("could not record the end of the run", metadata: ["run": "\(record.id)", "error": "\(error)"])
        }
    }
}

extension ThrowingTaskGroup where ChildTaskResult == Void, Failure == any Error {
    /// Writes `batch` in a child task once the previous batch's write has finished, so the
    /// caller plans the next batch meanwhile and at most one write is in flight, in plan order.
    mutating func applyAfterPrevious(_ batch: WriteBatch, to writes: any UserStoreWrites) async throws {
        try await next()
        addTask { try await writes.apply(batch) }
    }
}

extension RunRecord {
    /// Log metadata of a run: its id, kind, source and counts (never cell values).
    var logMetadata: Logger.Metadata {
        [
            "run": "\(id)", "kind": "\(kind)", "source": "\(source)", "status": "\(status.rawValue)", "rows": "\(rows)",
            "created": "\(created)", "updated": "\(updated)", "unchanged": "\(unchanged)", "failed": "\(failed)",
            "deactivated": "\(deactivated)",
        ]
    }
}
