public import RosterCore

/// A row on its way into the roster, from a template CSV or a mapped source record.
public struct SourceRow: Sendable {
    /// The row number a spreadsheet shows (header = 1), or the record's position in a pull.
    public var number: Int
    /// Trimmed cells as the source gave them, before normalisation.
    public var row: TemplateRow
    public var lineBreaks: Set<TemplateColumn>
    /// Template columns whose cell failed as it was read (see ``issues``): not validated again.
    public var failedWhileReading: Set<TemplateColumn> = []
    public var attributes: [String: String]
    public var externalID: String?
    /// Problems found before validation (an unclosed quote, a mapping failure).
    public var issues: [RowIssue]
    /// The cells the error report shows for this row instead of ``row``: a mapped CSV's own cells,
    /// so its report can be fixed and imported again through the same mapping. `nil` for template rows.
    public var reportCells: [String]?
    /// Hashes of ``row``'s cells that the reader already computed from the file's bytes; the
    /// planner reuses them when validation left the cells as they were.
    public var fingerprint: RowFingerprint?

    public init(
        number: Int, row: TemplateRow, lineBreaks: Set<TemplateColumn> = [], attributes: [String: String] = [:],
        externalID: String? = nil, issues: [RowIssue] = [], reportCells: [String]? = nil
    ) {
        self.number = number
        self.row = row
        self.lineBreaks = lineBreaks
        self.attributes = attributes
        self.externalID = externalID
        self.issues = issues
        self.reportCells = reportCells
    }
}

/// What the plan does with one row.
public enum PlannedAction: Sendable, Equatable {
    case create, update, unchanged, failed
}

/// Counts of a run so far.
public struct RunCounts: Sendable, Equatable {
    public var rows = 0, created = 0, updated = 0, unchanged = 0, failed = 0
    /// Updates where the source renamed the user's email (syncs only).
    public var renamed = 0
    public var deactivated = 0
    public init() {}
}

/// Decides, row by row and in file order, what happens to each user (DESIGN §1, §2): the
/// validator's rules, then the checks that need the rest of the file and the store — duplicate
/// emails and extensions inside the file, extensions held by other users, free seats — then
/// create, update or unchanged by comparing content hashes.
///
/// Writes and failures accumulate until ``takeBatch(runID:)``; nothing here does I/O.
public struct ImportPlanner: Sendable {
    private let validator: RowValidator
    private var index: RosterIndex
    public private(set) var counts = RunCounts()
    /// Whether a fingerprint can find anything: false for a first import into an empty store.
    public var canPlanUnchanged: Bool { index.hasStoredUsers }
    private var writes: [UserWrite] = []
    private var failures: [ReportRow] = []
    /// The sync job whose links are used and written; `nil` for imports.
    private var job: String?
    /// External id → email key of the linked user, for ``job``.
    private var links: [String: String] = [:]
    private var linkWrites: [LinkWrite] = []
    private var deactivations: [String] = []
    private var extensionRange: ClosedRange<Int>?
    /// Numbers below this were found taken (or handed out) in this run.
    private var nextCandidate = 0
    /// Failures whose extension is held by a stored user, to be named by ``nameExtensionHolders(_:)``.
    private var storeHeldExtensions: [(failure: Int, issue: Int, extension: String)] = []

    /// Hashes of the canonical roles and data center codes, for ``planUnchanged(_:)``: a handful
    /// each, so an array scan beats hashing the hash.
    private let roleHashes: [UInt64]
    private let dataCenterHashes: [UInt64]
    /// Seats of each license, by position in ``Catalog/licenses`` (`nil`: unlimited).
    private let seatLimits: [Int?]

    public init(catalog: Catalog, index: RosterIndex) {
        validator = RowValidator(catalog: catalog)
        self.index = index
        roleHashes = catalog.roles.map(StableHash.of)
        dataCenterHashes = catalog.dataCenters.keys.map(StableHash.of)
        seatLimits = Catalog.licenses.map(catalog.seatLimit)
    }

    /// Gives users without an extension the lowest free number of `range` (a user who already
    /// holds one keeps it).
    public mutating func assignExtensions(in range: ClosedRange<Int>) {
        extensionRange = range
        nextCandidate = range.lowerBound
    }

    private mutating func nextFreeExtension(in range: ClosedRange<Int>) -> String? {
        while nextCandidate <= range.upperBound {
            let candidate = String(nextCandidate)
            nextCandidate += 1
            if index.holder(extensionHash: ExtensionKey.of(candidate)) == nil { return candidate }
        }
        return nil
    }

    /// Makes this a sync of `job`: rows are matched by these links first, and new links are written.
    public mutating func useLinks(_ links: [String: String], job: String) {
        self.job = job
        self.links = links
    }

    /// Active users linked to the job that no row of this run named: the candidates for
    /// deactivation after a complete pull, by email key.
    public func unseenLinkedUsers() -> [String] {
        links.values.filter(isUnnamedActiveUser)
    }

    /// Whether the user with email key `key` is stored, active and named by no row of this run.
    public func isUnnamedActiveUser(_ key: String) -> Bool {
        index.user(email: key).map { $0.isStored && $0.isActive && $0.firstRow == 0 } ?? false
    }

    /// Number of active users linked to the job, those this run links included: the base a
    /// fractional deactivation threshold is taken of.
    public func activeLinkedUserCount() -> Int {
        Set(links.values).count { index.user(email: $0)?.isActive ?? false }
    }

    /// Active users linked to the job under these external ids (removed at the source), by email key.
    public func linkedUsers(_ externalIDs: [String]) -> [String] {
        externalIDs.compactMap { links[$0] }.filter { index.user(email: $0)?.isActive ?? false }
    }

    /// Plans the deactivation of the users with these email keys (flagged, never deleted); frees their seats.
    public mutating func deactivate(_ emailKeys: [String]) {
        for key in emailKeys {
            guard var user = index.user(email: key), user.isActive else { continue }
            user.isActive = false
            index.update(user)
            index.releaseSeat(user.license)
            deactivations.append(index.emailKey(of: user))
            counts.deactivated += 1
        }
    }

    /// Plans a row from its fingerprint alone when it is byte for byte the stored user's canonical
    /// row: then every rule that depends only on the row held when it was stored, the role and
    /// data center are checked against today's catalog by hash, the user keeps their license
    /// (no seat needed) and their own extension. `email` is the row's email cell as UTF-8: the
    /// fingerprint's hash finds the user, the email confirms it. Returns `false`, planning
    /// nothing, otherwise.
    public mutating func planUnchanged(_ fingerprint: RowFingerprint, email: UnsafeBufferPointer<UInt8>) -> Bool {
        guard roleHashes.contains(fingerprint.roleHash), dataCenterHashes.contains(fingerprint.dataCenterHash),
              index.claimUnchanged(emailHash: fingerprint.emailHash, email: email, contentHash: fingerprint.contentHash,
                                   row: Int32(clamping: fingerprint.number))
        else { return false }
        counts.rows += 1
        counts.unchanged += 1
        return true
    }

    /// Plans one row and returns what will happen to it.
    @discardableResult
    public mutating func plan(_ source: SourceRow) -> PlannedAction {
        counts.rows += 1
        var (row, issues) = validator.validate(source.row, lineBreaks: source.lineBreaks, failedWhileReading: source.failedWhileReading)
        // The reader's hashes stand for the row when validation changed no cell and no attribute joins them.
        let rawHashes = source.attributes.isEmpty && row == source.row ? source.fingerprint : nil
        issues = source.issues + issues
        let number = Int32(clamping: source.number)
        let emailIsValid = !issues.contains { $0.column == .email }
        let emailHash = rawHashes?.emailHash ?? EmailKey.hash(row.email)
        // Identity (DESIGN §2): the link a sync of this job stored for the record's id, then the email.
        var existing: IndexedUser?
        // The entry of the row's email when it differs from the linked user's (a rename).
        var renamedTo: IndexedUser?
        var isRename = false
        if let id = source.externalID, let linked = links[id].flatMap({ index.user(email: $0) }), linked.isStored {
            existing = linked
            isRename = emailIsValid && index.emailKey(of: linked) != EmailKey.of(row.email)
            if isRename {
                renamedTo = index.user(email: row.email, emailHash: emailHash)
                if let other = renamedTo, other.isStored || other.firstRow != 0 {
                    let owner = other.firstRow != 0 ? "row \(other.firstRow)" : "another user"
                    issues.append(RowIssue(.email, "\"\(row.email)\" is already used by \(owner); the source renamed this user to an address that is taken"))
                }
            }
        } else if emailIsValid {
            existing = index.user(email: row.email, emailHash: emailHash)
        }

        if let first = existing?.firstRow, first != 0 {
            issues.append(RowIssue(.email, "\"\(row.email)\" is already on row \(first); keep one row per user"))
        }
        if row.extension.isEmpty, let range = extensionRange, !issues.contains(where: { $0.column == .extension }) {
            if let kept = existing.flatMap({ ExtensionKey.text($0.extensionHash) }) {
                row[.extension] = kept
            } else if let free = nextFreeExtension(in: range) {
                row[.extension] = free
            } else {
                issues.append(RowIssue(.extension, "no free extension left in \(range.lowerBound)-\(range.upperBound); widen extension_range or write one"))
            }
        }
        let extensionHash = ExtensionKey.of(row.extension)
        var storeHeldIssue: Int?
        if extensionHash != 0, extensionHash != existing?.extensionHash, !issues.contains(where: { $0.column == .extension }),
           let holder = index.holder(extensionHash: extensionHash), holder.owner != existing?.id {
            if holder.row != 0 {
                issues.append(RowIssue(.extension, "\(row.extension) is already used on row \(holder.row); give each user a different extension or leave it empty"))
            } else {
                storeHeldIssue = issues.count
                issues.append(RowIssue(.extension, "\(row.extension) is already held by another user; pick a free extension or leave it empty"))
            }
        }
        let license = UInt8(Catalog.licenses.firstIndex(of: row.license) ?? 0)
        let keepsSeat = existing.map { $0.isActive && $0.license == license } ?? false
        if !issues.contains(where: { $0.column == .license }), !keepsSeat,
           let limit = seatLimits[Int(license)], index.seatsUsed[Int(license)] >= limit {
            issues.append(RowIssue(.license, "no \(row.license) seat left (\(limit) of \(limit) in use); write Unassigned, or raise catalog.licenses.\(row.license) in rostersync.yaml"))
        }

        guard issues.isEmpty else {
            // Mark the user seen: a later duplicate names this row, and a linked user whose
            // record failed is not taken for missing from the source.
            if var seen = existing {
                seen.firstRow = number
                index.update(seen)
            } else if emailIsValid {
                let seen = IndexedUser(emailHash: emailHash, contentHash: 0, extensionHash: 0, license: 0, isActive: false, isStored: false, firstRow: number)
                index.insert(seen, email: row.email)
            }
            if let storeHeldIssue { storeHeldExtensions.append((failures.count, storeHeldIssue, row.extension)) }
            let cells = (source.reportCells ?? source.row.cells).map(ReportRow.bounded)
            failures.append(ReportRow(row: source.number, cells: cells, errors: issues.map(\.description), externalID: source.externalID))
            counts.failed += 1
            return .failed
        }

        let record = UserRecord(row: row, attributes: source.attributes)
        let contentHash = (row == source.row ? rawHashes?.contentHash : nil) ?? record.contentHash
        let action: PlannedAction
        if let stored = existing, stored.isStored {
            if stored.contentHash == contentHash && stored.isActive {
                action = .unchanged
            } else {
                action = .update
                writes.append(UserWrite(.update(emailKey: index.emailKey(of: stored)), record, emailHash: emailHash, contentHash: contentHash))
                index.moveSeat(from: stored.isActive ? stored.license : nil, to: license)
            }
        } else {
            action = .create
            writes.append(UserWrite(.create, record, emailHash: emailHash, contentHash: contentHash))
            index.moveSeat(from: nil, to: license)
        }
        var planned = IndexedUser(emailHash: emailHash, contentHash: contentHash, extensionHash: extensionHash, license: license, isActive: true, isStored: true, firstRow: number)
        // The row's email keeps its entry (the user's, or one a rename earlier in the run freed); a new email gets one.
        if let entry = isRename ? renamedTo : existing {
            planned.id = entry.id
            index.update(planned)
        } else {
            planned = index.insert(planned, email: row.email)
        }
        if isRename, var old = existing {
            // The old email is free again: the user now lives under the new one.
            index.moveExtension(owner: old.id, from: old.extensionHash, to: 0, row: 0)
            (old.contentHash, old.extensionHash, old.license, old.isActive, old.isStored, old.firstRow) = (0, 0, 0, false, false, 0)
            index.update(old)
            counts.renamed += 1
            index.moveExtension(owner: planned.id, from: 0, to: extensionHash, row: number)
        } else {
            index.moveExtension(owner: planned.id, from: existing?.extensionHash ?? 0, to: extensionHash, row: number)
        }
        if let job, let id = source.externalID, !id.isEmpty {
            let key = index.emailKey(of: planned)
            if links[id] != key {
                links[id] = key
                linkWrites.append(LinkWrite(job: job, externalID: id, emailKey: key))
            }
        }
        switch action {
        case .create: counts.created += 1
        case .update: counts.updated += 1
        case .unchanged: counts.unchanged += 1
        case .failed: break
        }
        return action
    }

    /// Rewrites "held by another user" reasons to name the holders, looked up in one call.
    public mutating func nameExtensionHolders(_ emailsHolding: ([String]) async throws -> [String: String]) async rethrows {
        guard !storeHeldExtensions.isEmpty else { return }
        let holders = try await emailsHolding(storeHeldExtensions.map(\.extension))
        for pending in storeHeldExtensions {
            guard let email = holders[pending.extension] else { continue }
            failures[pending.failure].errors[pending.issue] =
                "Extension: \(pending.extension) is already held by \(email); pick a free extension or leave it empty"
        }
        storeHeldExtensions.removeAll()
    }

    /// Hands over the writes and failures planned since the last call.
    public mutating func takeBatch(runID: Int64?) -> WriteBatch {
        defer {
            writes.removeAll(keepingCapacity: true)
            failures.removeAll(keepingCapacity: true)
            linkWrites.removeAll()
            deactivations.removeAll()
        }
        return WriteBatch(runID: runID, writes: writes, failures: failures, links: linkWrites, deactivations: deactivations)
    }

    /// Rows planned but not yet taken.
    public var pendingCount: Int { writes.count + failures.count }
}
