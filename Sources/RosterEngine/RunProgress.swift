/// How far a sync has got, reported by ``SyncService`` once per pulled page and once per planned
/// batch (never per row), for a watcher such as the HTTP server's events stream. A watcher is
/// called on the run's task: it should only store the value and return.
public struct RunProgress: Sendable, Equatable {
    /// What the run is doing.
    public enum Phase: String, Sendable {
        /// Fetching pages from the source.
        case pulling
        /// Planning the pulled rows against the store and writing them.
        case planning
    }

    /// The run's id (0 on a dry run).
    public var run: Int64
    public var phase: Phase
    /// Records pulled from the source so far.
    public var read: Int
    /// Rows planned so far.
    public var planned: Int
    /// Rows to plan in all, once the pull has finished.
    public var expected: Int?

    public init(run: Int64, phase: Phase, read: Int, planned: Int = 0, expected: Int? = nil) {
        self.run = run
        self.phase = phase
        self.read = read
        self.planned = planned
        self.expected = expected
    }
}
