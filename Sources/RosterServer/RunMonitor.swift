import Foundation
public import RosterEngine
import Synchronization

/// A run while it goes, as `GET /api/runs/{id}/events` sends it.
struct LiveRun: Sendable, Encodable, Equatable {
    var id: Int64
    var kind: String
    var source: String
    /// `pulling` (a sync fetching pages), `waiting` (for the store's write turn) or `writing`
    /// (planning the rows and writing them).
    var phase: String
    /// Records pulled from the source (syncs) or rows read from the file (imports).
    var read = 0
    /// Rows planned.
    var planned = 0
    /// Users created or updated so far (in the run's transaction, visible once it commits).
    var written = 0
    /// Rows to plan in all, when known: the file's line count, or the rows a finished pull brought.
    var expected: Int?
}

/// Watches every run the server starts (through ``RunStartWatchingStore``): each run's progress
/// while it goes, for the events stream, and when it ends, its counts and durations for `/metrics`.
/// Updates are cheap (a lock, a dictionary write and a stream yield); the events stream throttles
/// what it sends.
public final class RunMonitor: Sendable {
    /// The numbers `/metrics` shows.
    public let metrics: ServerMetrics

    private struct Timing {
        var began: ContinuousClock.Instant
        /// When the run's write scope began, after its wait for the store.
        var writeStarted: ContinuousClock.Instant?
    }

    private struct State {
        var live: [Int64: LiveRun] = [:]
        var timings: [Int64: Timing] = [:]
        var watchers: [Int64: [Int: AsyncStream<LiveRun>.Continuation]] = [:]
        var nextWatcher = 0
        var endedRuns = 0
    }

    private let state = Mutex(State())

    public init(metrics: ServerMetrics = ServerMetrics()) {
        self.metrics = metrics
    }

    /// How many runs of this server have ended since it started: any write to the roster is part
    /// of a run, so a change of this number says this server may have changed the roster.
    var endedRuns: Int { state.withLock { $0.endedRuns } }

    /// A progress handler for ``SyncService/progress``.
    public var syncProgress: @Sendable (RunProgress) -> Void {
        { [self] progress in
            update(progress.run) { live in
                live.phase = progress.phase == .pulling ? "pulling" : "writing"
                live.read = progress.read
                live.planned = progress.planned
                if let expected = progress.expected { live.expected = expected }
            }
        }
    }

    /// `store` as one run sees it: the run that begins through it is watched. Make one per run.
    public func watchingRun(_ store: any UserStore) -> any UserStore {
        RunStartWatchingStore(base: store, monitor: self)
    }

    /// Run `run` began (its id is set).
    func began(_ run: RunRecord) {
        state.withLock { state in
            state.live[run.id] = LiveRun(id: run.id, kind: run.kind, source: run.source, phase: run.kind == "sync" ? "pulling" : "waiting")
            state.timings[run.id] = Timing(began: .now)
        }
    }

    /// Run `id` asked for the store's write turn.
    func waitingForStore(_ id: Int64) {
        update(id) { $0.phase = "waiting" }
    }

    /// Run `id` got the store's write turn after `waited`; a sync's pull ended when it asked.
    func gotStore(_ id: Int64, waited: Duration) {
        let now = ContinuousClock.now
        let (kind, source, pull) = state.withLock { state -> (String, String, Duration?) in
            guard let run = state.live[id], var timing = state.timings[id] else { return ("", "", nil) }
            timing.writeStarted = now
            state.timings[id] = timing
            return (run.kind, run.source, run.kind == "sync" ? now - waited - timing.began : nil)
        }
        guard !kind.isEmpty else { return }
        metrics.recordStoreWait(kind: kind, waited)
        if let pull { metrics.recordPull(job: source, pull) }
        update(id) { $0.phase = "writing" }
    }

    /// Run `id` waited `waited` for the store's write turn and did not get it (a busy store).
    func gaveUpOnStore(_ id: Int64, waited: Duration) {
        let kind = state.withLock { $0.live[id]?.kind }
        if let kind { metrics.recordStoreWait(kind: kind, waited) }
    }

    /// Run `id` wrote `count` users in its transaction.
    func wrote(_ id: Int64, count: Int) {
        guard count > 0 else { return }
        update(id) { $0.written += count }
    }

    /// Updates an import's progress from ``ImportProgress``.
    func imported(_ id: Int64, rows: Int, expected: Int) {
        update(id) { live in
            live.read = rows
            live.planned = rows
            live.expected = expected
        }
    }

    /// Run `run` ended and its record is stored for good: counted once in the metrics, and its
    /// watchers' streams end.
    func ended(_ run: RunRecord) {
        let now = ContinuousClock.now
        let (timing, watchers) = state.withLock { state in
            state.live[run.id] = nil
            state.endedRuns += 1
            return (state.timings.removeValue(forKey: run.id), state.watchers.removeValue(forKey: run.id).map { Array($0.values) } ?? [])
        }
        guard let timing else { return }
        for watcher in watchers { watcher.finish() }
        metrics.recordRun(run)
        if let writeStarted = timing.writeStarted {
            metrics.recordApply(kind: run.kind, job: run.kind == "sync" ? run.source : "", now - writeStarted)
        }
    }

    /// The progress of run `id` now and at each change, newest only (a slow reader skips
    /// updates); the stream ends when the run does. `nil` when this server is not running it.
    func watch(_ id: Int64) -> AsyncStream<LiveRun>? {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveRun.self, bufferingPolicy: .bufferingNewest(1))
        let key: Int? = state.withLock { state in
            guard let live = state.live[id] else { return nil }
            let key = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id, default: [:]][key] = continuation
            continuation.yield(live)
            return key
        }
        guard let key else { return nil }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in _ = state.watchers[id]?.removeValue(forKey: key) }
        }
        return stream
    }

    private func update(_ id: Int64, _ change: (inout LiveRun) -> Void) {
        state.withLock { state in
            guard var live = state.live[id] else { return }
            change(&live)
            state.live[id] = live
            if let watchers = state.watchers[id] {
                for watcher in watchers.values { watcher.yield(live) }
            }
        }
    }
}
