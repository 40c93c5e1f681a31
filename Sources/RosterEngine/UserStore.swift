public import Foundation
public import RosterCore

/// A user as the roster keeps it: the canonical template row plus custom attributes.
public struct UserRecord: Sendable, Equatable {
    /// Canonical cells: license and role in catalog casing, data center upper-case.
    public var row: TemplateRow
    /// Custom columns kept with the user (from mapping files), by name.
    public var attributes: [String: String]
    /// `false` once a sync deactivated the user; users are never hard-deleted.
    public var active: Bool

    public init(row: TemplateRow, attributes: [String: String] = [:], active: Bool = true) {
        self.row = row
        self.attributes = attributes
        self.active = active
    }

    /// The identity key: the email, lower-cased (DESIGN §2, ``EmailKey``).
    public var emailKey: String { EmailKey.of(row.email) }

    /// Stable hash of everything an import can change (cells and attributes, not `active`).
    public var contentHash: UInt64 {
        var hash = StableHash()
        for column in TemplateColumn.allCases { hash.combine(row[column]) }
        for name in attributes.keys.sorted() {
            hash.combine(name)
            hash.combine(attributes[name]!)
        }
        return hash.value
    }
}

/// A stored user with its store identity and history.
public struct StoredUser: Sendable, Equatable {
    public var id: Int64
    public var record: UserRecord
    public var createdRun: Int64?
    public var updatedRun: Int64?

    public init(id: Int64, record: UserRecord, createdRun: Int64?, updatedRun: Int64?) {
        self.id = id
        self.record = record
        self.createdRun = createdRun
        self.updatedRun = updatedRun
    }
}

/// One change to the roster, applied in batch order, with the hashes the planner already
/// computed so that no store recomputes them.
public struct UserWrite: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Insert a new user.
        case create
        /// Replace the stored user whose email key (``UserRecord/emailKey``) is `emailKey`; the
        /// new record may change the email's casing, or the email itself (a sync's rename).
        case update(emailKey: String)
    }

    public var kind: Kind
    public var record: UserRecord
    /// ``EmailKey/hash(_:)`` of the record's email, kept with the user; identity rests on the
    /// email key itself, the hash only speeds the search for it.
    public var emailHash: UInt64
    /// The record's ``UserRecord/contentHash``.
    public var contentHash: UInt64

    /// Inserts `record`.
    public static func create(_ record: UserRecord) -> UserWrite { UserWrite(.create, record) }

    /// Replaces the stored user whose email is `email` (any casing) with `record`.
    public static func update(emailKey email: String, _ record: UserRecord) -> UserWrite {
        UserWrite(.update(emailKey: EmailKey.of(email)), record)
    }

    public init(_ kind: Kind, _ record: UserRecord, emailHash: UInt64? = nil, contentHash: UInt64? = nil) {
        self.kind = kind
        self.record = record
        self.emailHash = emailHash ?? EmailKey.hash(record.row.email)
        self.contentHash = contentHash ?? record.contentHash
    }
}

/// The link a sync stores between a source record and a user (DESIGN §2): later syncs of the
/// same job match the record by it, so a renamed email updates the same user.
public struct LinkWrite: Sendable, Equatable {
    public var job: String
    public var externalID: String
    /// Email key of the linked user.
    public var emailKey: String

    public init(job: String, externalID: String, emailKey: String) {
        self.job = job
        self.externalID = externalID
        self.emailKey = emailKey
    }
}

/// Changes to a job's users pending deactivation (`deactivate_after`), stored with a batch.
public struct PendingDeactivationChanges: Sendable, Equatable {
    public var job: String
    /// Email keys newly flagged pending, with the time they were first found missing.
    public var flagged: [String: Date]
    /// Email keys no longer pending: seen again, or deactivated now.
    public var cleared: [String]

    public init(job: String, flagged: [String: Date] = [:], cleared: [String] = []) {
        self.job = job
        self.flagged = flagged
        self.cleared = cleared
    }

    public var isEmpty: Bool { flagged.isEmpty && cleared.isEmpty }
}

/// A batch of writes, applied inside a run's write transaction (``UserStoreWrites/apply(_:)``).
public struct WriteBatch: Sendable, Equatable {
    public var runID: Int64?
    public var writes: [UserWrite]
    /// Failed rows of this batch, stored with the run for `rostersync report`.
    public var failures: [ReportRow]
    /// Links to store or repoint (after ``writes``).
    public var links: [LinkWrite]
    /// Email keys of users to flag inactive.
    public var deactivations: [String]
    /// A job's incremental cursor to store with the run's commit.
    public var jobState: (job: String, state: String)?
    /// Users of a job to flag or clear as pending deactivation (after ``deactivations``).
    public var pendingDeactivations: PendingDeactivationChanges?

    public init(runID: Int64?, writes: [UserWrite] = [], failures: [ReportRow] = [], links: [LinkWrite] = [], deactivations: [String] = []) {
        self.runID = runID
        self.writes = writes
        self.failures = failures
        self.links = links
        self.deactivations = deactivations
    }

    public var isEmpty: Bool { writes.isEmpty && failures.isEmpty && links.isEmpty && deactivations.isEmpty && jobState == nil
        && (pendingDeactivations?.isEmpty ?? true) }

    public static func == (lhs: WriteBatch, rhs: WriteBatch) -> Bool {
        lhs.runID == rhs.runID && lhs.writes == rhs.writes && lhs.failures == rhs.failures && lhs.links == rhs.links
            && lhs.deactivations == rhs.deactivations && lhs.jobState?.job == rhs.jobState?.job && lhs.jobState?.state == rhs.jobState?.state
            && lhs.pendingDeactivations == rhs.pendingDeactivations
    }
}

/// The writes of one transaction, handed to the body of ``UserStore/write(_:)``; valid only
/// while that body runs.
public protocol UserStoreWrites: Sendable {
    /// Applies `batch`; batches arrive in plan order.
    /// - Throws: when the store refuses (a unique key taken); the whole transaction rolls back.
    func apply(_ batch: WriteBatch) async throws

    /// Stores the final state of run `run.id` in this transaction, so the record says exactly
    /// what the transaction kept.
    func finishRun(_ run: RunRecord) async throws
}

/// The storage port of the engine. `SQLiteUserStore` implements it on GRDB; `InMemoryUserStore`
/// (RosterTesting) is its twin. Both pass the same contract tests.
///
/// Writes are closure-scoped (``write(_:)``): a transaction never outlives its body, so the
/// engine pulls, maps and validates before it opens one, and never holds the write lock across
/// a network wait. Readers never wait for writers.
public protocol UserStore: UserListing {
    /// Runs `body` as one write transaction: everything it writes lands together, or nothing
    /// does when it throws.
    ///
    /// Writers take turns: in this process in the order they asked, across processes for up to
    /// the store's busy timeout, after which the call throws ``StoreBusy``. The index and other
    /// reads made inside `body` see the store as it is now, since no other writer can commit
    /// until `body` returns. Inside `body`, write only through the writes handed to it: the
    /// store's own ``beginRun(_:)`` and ``finishRun(_:)`` wait for the scope to end.
    func write<Result: Sendable>(_ body: (any UserStoreWrites) async throws -> Result) async throws -> Result

    /// Builds the compact index the planner checks every row against: one entry per stored user.
    /// - Parameter incomingRows: rows about to be planned (an upper bound), for ``RosterIndex/capacity(stored:incomingRows:)``.
    /// Cost: one pass over all users, reading no text but the extension.
    func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex

    /// The links a job stored: external id → email key of the user.
    func links(job: String) async throws -> [String: String]

    /// The incremental cursor a job stored with its last committed run.
    func jobState(job: String) async throws -> String?

    /// Users deactivated by the sync runs of `job` started at or after `since`: the sum of
    /// their ``RunRecord/deactivated``, for `deactivate_window`.
    func deactivations(job: String, since: Date) async throws -> Int

    /// The users of `job` pending deactivation (`deactivate_after`): email key → when the job
    /// first found them missing.
    func pendingDeactivations(job: String) async throws -> [String: Date]

    /// Stored users by email key (for a dry run's old → new view); keys with no user are left out.
    func users(emailKeys: [String]) async throws -> [String: StoredUser]

    /// The emails of the users holding these extensions, by extension (held ones only).
    /// Cost: one query per call, however many extensions.
    func emailsHolding(extensions: [String]) async throws -> [String: String]

    /// Every user, ordered by email key.
    func users() async throws -> [StoredUser]

    /// Records the start of a run (in a short write of its own) and returns its id. The record
    /// keeps `run.instance`, or this process's ``RunInstance/current`` when it is `nil`, and the
    /// store's time now as its first heartbeat (heartbeats and lease expiry use the store's clock).
    ///
    /// First settles as failed every running run of the same source that is abandoned
    /// (``RunLease/abandonment(of:now:here:)``: its lease expired, or its process on this host is gone).
    /// - Throws: ``ScheduledRunTaken`` when `run.scheduledFor` is set and the job already has a run
    ///   for that time (checked first); ``RunConflict`` for a running sync (`kind == "sync"`,
    ///   `status == .running`) while another run of the same job is running in any instance.
    func beginRun(_ run: RunRecord) async throws -> Int64

    /// Renews the lease of the running run `runID`: its heartbeat becomes now. A short write of its
    /// own, taking its turn after a write scope in progress; a run that is no longer running is
    /// left as it is.
    func renewLease(runID: Int64) async throws

    /// Settles as failed every running run that is abandoned (see ``beginRun(_:)``), with a
    /// message naming the instance that stopped and when it was last seen; returns them.
    func settleAbandonedRuns() async throws -> [RunRecord]

    /// Stores the final state of a run that ends outside a write scope (a pull that failed, a
    /// skipped scheduled time).
    func finishRun(_ run: RunRecord) async throws

    /// Runs, newest first.
    func runs(limit: Int) async throws -> [RunRecord]

    /// The run with `id`, or `nil`.
    func run(id: Int64) async throws -> RunRecord?

    /// The failed rows stored with run `id`, in row order.
    func reportRows(runID: Int64) async throws -> [ReportRow]
}

/// A sync was refused because the same job is already running.
public struct RunConflict: Error, Sendable, CustomStringConvertible {
    public var job: String
    /// The run that holds the job.
    public var runningRun: Int64
    public var startedAt: Date

    public init(job: String, runningRun: Int64, startedAt: Date) {
        self.job = job
        self.runningRun = runningRun
        self.startedAt = startedAt
    }

    public var description: String {
        "job '\(job)' is already running (run \(runningRun), started \(startedAt.formatted(.iso8601))); "
            + "wait for it to finish (`rostersync runs list`), then run it again"
    }
}

/// A scheduled time of a job already has its run: another instance sharing the store took it.
public struct ScheduledRunTaken: Error, Sendable, CustomStringConvertible {
    public var job: String
    /// The scheduled time.
    public var scheduledFor: Date

    public init(job: String, scheduledFor: Date) {
        self.job = job
        self.scheduledFor = scheduledFor
    }

    public var description: String {
        "the run of job '\(job)' for \(scheduledFor.formatted(.iso8601)) was already taken by another instance"
    }
}

/// The store's write lock stayed taken by another process for longer than the busy timeout.
public struct StoreBusy: Error, Sendable, CustomStringConvertible {
    public var store: String
    public var waited: Duration

    public init(store: String, waited: Duration) {
        self.store = store
        self.waited = waited
    }

    public var description: String {
        "the store \(store) stayed busy with another RosterSync process's writes for \(waited.components.seconds) s; "
            + "nothing was written. Run this again when that import or sync has finished"
    }
}

extension UserStore {
    /// The email of the user holding `extension`, if any.
    public func emailHolding(extension: String) async throws -> String? {
        try await emailsHolding(extensions: [`extension`])[`extension`]
    }
}
