import Foundation
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

/// A batch of writes, applied inside the run's write transaction.
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

    public init(runID: Int64?, writes: [UserWrite] = [], failures: [ReportRow] = [], links: [LinkWrite] = [], deactivations: [String] = []) {
        self.runID = runID
        self.writes = writes
        self.failures = failures
        self.links = links
        self.deactivations = deactivations
    }

    public var isEmpty: Bool { writes.isEmpty && failures.isEmpty && links.isEmpty && deactivations.isEmpty && jobState == nil }

    public static func == (lhs: WriteBatch, rhs: WriteBatch) -> Bool {
        lhs.runID == rhs.runID && lhs.writes == rhs.writes && lhs.failures == rhs.failures && lhs.links == rhs.links
            && lhs.deactivations == rhs.deactivations && lhs.jobState?.job == rhs.jobState?.job && lhs.jobState?.state == rhs.jobState?.state
    }
}

/// The storage port of the engine. `SQLiteUserStore` implements it on GRDB; `InMemoryUserStore`
/// (RosterTesting) is its twin. Both pass the same contract tests.
public protocol UserStore: Sendable {
    /// Builds the compact index the planner checks every row against: one entry per stored user.
    /// - Parameter incomingRows: rows about to be planned (an upper bound), for ``RosterIndex/capacity(stored:incomingRows:)``.
    /// Cost: one pass over all users, reading no text but the extension.
    func loadIndex(catalog: Catalog, incomingRows: Int) async throws -> RosterIndex

    /// Opens the one write transaction that all batches of a run go into: a run lands whole or
    /// not at all, so an interrupted import leaves no half-written user and a rerun completes it.
    /// A store may also prepare for bulk work here (SQLite builds its indexes after loading an
    /// empty table, which is several times faster than maintaining them row by row).
    func beginWrites() async throws

    /// Applies `batch` inside the open write transaction; batches arrive in plan order.
    /// - Throws: when the store refuses (a unique key taken concurrently); the run must roll back.
    func apply(_ batch: WriteBatch) async throws

    /// Commits the run's writes.
    /// - Throws: when the commit fails; nothing of the run is kept.
    func commitWrites() async throws

    /// Discards the run's writes (after a failure).
    func rollbackWrites() async

    /// The links a job stored: external id → email key of the user.
    func links(job: String) async throws -> [String: String]

    /// The incremental cursor a job stored with its last committed run.
    func jobState(job: String) async throws -> String?

    /// Stored users by email key (for a dry run's old → new view); keys with no user are left out.
    func users(emailKeys: [String]) async throws -> [String: StoredUser]

    /// The emails of the users holding these extensions, by extension (held ones only).
    /// Cost: one query per call, however many extensions.
    func emailsHolding(extensions: [String]) async throws -> [String: String]

    /// Every user, ordered by email key.
    func users() async throws -> [StoredUser]

    /// Records the start of a run and returns its id.
    func beginRun(_ run: RunRecord) async throws -> Int64

    /// Stores the final state of run `run.id`.
    func finishRun(_ run: RunRecord) async throws

    /// Runs, newest first.
    func runs(limit: Int) async throws -> [RunRecord]

    /// The run with `id`, or `nil`.
    func run(id: Int64) async throws -> RunRecord?

    /// The failed rows stored with run `id`, in row order.
    func reportRows(runID: Int64) async throws -> [ReportRow]
}

extension UserStore {
    /// The email of the user holding `extension`, if any.
    public func emailHolding(extension: String) async throws -> String? {
        try await emailsHolding(extensions: [`extension`])[`extension`]
    }
}
