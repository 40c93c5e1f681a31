public import RosterCore

/// A row on its way into the roster, from a template CSV or a mapped source record.
public struct SourceRow: Sendable {
    /// The row number a spreadsheet shows (header = 1), or the record's position in a pull.
    public var number: Int
    /// Trimmed cells as the source gave them, before normalisation.
    public var row: TemplateRow
    public var lineBreaks: Set<TemplateColumn>
    public var attributes: [String: String]
    public var externalID: String?
    /// Problems found before validation (an unclosed quote, a mapping failure).
    public var issues: [RowIssue]
    /// The cells the error report shows for this row instead of ``row``: a mapped CSV's own cells,
    /// so its report can be fixed and imported again through the same mapping. `nil` for template rows.
    public var reportCells: [String]?

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
    private var writes: [UserWrite] = []
    private var failures: [ReportRow] = []
    /// Failures whose extension is held by a stored user, to be named by ``nameExtensionHolders(_:)``.
    private var storeHeldExtensions: [(failure: Int, issue: Int, extension: String)] = []

    public init(catalog: Catalog, index: RosterIndex) {
        validator = RowValidator(catalog: catalog)
        self.index = index
    }

    /// Plans one row and returns what will happen to it.
    @discardableResult
    public mutating func plan(_ source: SourceRow) -> PlannedAction {
        counts.rows += 1
        var (row, issues) = validator.validate(source.row, lineBreaks: source.lineBreaks)
        issues = source.issues + issues
        let number = Int32(clamping: source.number)
        let emailIsValid = !issues.contains { $0.column == .email }
        let emailHash = StableHash.ofLowercased(row.email)
        var existing = emailIsValid ? index.user(emailHash: emailHash) : nil

        if let first = existing?.firstRow, first != 0 {
            issues.append(RowIssue(.email, "\"\(row.email)\" is already on row \(first); keep one row per user"))
        }
        let extensionHash = row.extension.isEmpty ? 0 : StableHash.of(row.extension)
        var storeHeldIssue: Int?
        if extensionHash != 0, extensionHash != existing?.extensionHash, !issues.contains(where: { $0.column == .extension }),
           let holder = index.holder(extensionHash: extensionHash), holder.ownerEmailHash != emailHash {
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
           let limit = validator.catalog.seatLimit(for: row.license), index.seatsUsed[Int(license)] >= limit {
            issues.append(RowIssue(.license, "no \(row.license) seat left (\(limit) of \(limit) in use); write Unassigned, or raise catalog.licenses.\(row.license) in rostersync.yaml"))
        }

        guard issues.isEmpty else {
            if emailIsValid {
                var seen = existing ?? IndexedUser(emailHash: emailHash, contentHash: 0, extensionHash: 0, license: 0, isActive: false, isStored: false)
                seen.firstRow = number
                index.setUser(seen)
            }
            if let storeHeldIssue { storeHeldExtensions.append((failures.count, storeHeldIssue, row.extension)) }
            failures.append(ReportRow(row: source.number, cells: source.reportCells ?? source.row.cells, errors: issues.map(\.description), externalID: source.externalID))
            counts.failed += 1
            return .failed
        }

        let record = UserRecord(row: row, attributes: source.attributes)
        let contentHash = record.contentHash
        let action: PlannedAction
        if let stored = existing, stored.isStored {
            if stored.contentHash == contentHash && stored.isActive {
                action = .unchanged
            } else {
                action = .update
                writes.append(.update(emailKey: record.emailKey, record))
                index.moveSeat(from: stored.isActive ? stored.license : nil, to: license)
            }
        } else {
            action = .create
            writes.append(.create(record))
            index.moveSeat(from: nil, to: license)
        }
        index.moveExtension(owner: emailHash, from: existing?.extensionHash ?? 0, to: extensionHash, row: number)
        existing = IndexedUser(emailHash: emailHash, contentHash: contentHash, extensionHash: extensionHash, license: license, isActive: true, isStored: true, firstRow: number)
        index.setUser(existing!)
        switch action {
        case .create: counts.created += 1
        case .update: counts.updated += 1
        case .unchanged: counts.unchanged += 1
        case .failed: break
        }
        return action
    }

    /// Rewrites "held by another user" reasons to name the holder, using `emailHolding`.
    public mutating func nameExtensionHolders(_ emailHolding: (String) async throws -> String?) async rethrows {
        for pending in storeHeldExtensions {
            guard let email = try await emailHolding(pending.extension) else { continue }
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
        }
        return WriteBatch(runID: runID, writes: writes, failures: failures)
    }

    /// Rows planned but not yet taken.
    public var pendingCount: Int { writes.count + failures.count }
}
