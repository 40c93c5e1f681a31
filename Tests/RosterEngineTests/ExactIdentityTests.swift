import RosterCore
import RosterEngine
import RosterTesting
import Testing

/// Identity rests on the email key, not its hash (DESIGN §2): with an index that keeps no bit of
/// the hash, every email collides with every other, and each is still its own user.
@Suite struct ExactIdentityTests {
    static func source(_ cells: [String], number: Int, externalID: String? = nil) -> SourceRow {
        SourceRow(number: number, row: Self.templateRow(cells), externalID: externalID)
    }

    static func templateRow(_ cells: [String]) -> TemplateRow {
        var row = TemplateRow()
        for (column, cell) in zip(TemplateColumn.allCases, cells) { row[column] = cell }
        return row
    }

    /// An index of `records` in which every email hashes alike.
    static func collidingIndex(_ records: [[String]] = []) -> RosterIndex {
        var index = RosterIndex(capacity: 8, emailHashBits: 0)
        for cells in records { index.addStored(UserRecord(row: Self.templateRow(cells))) }
        return index
    }

    /// Applies `batch` to `store` as one run.
    static func apply(_ batch: WriteBatch, to store: InMemoryUserStore) async throws {
        try await store.write { try await $0.apply(batch) }
    }

    @Test func twoCollidingEmailsInOneFileAreTwoUsers() async throws {
        var planner = ImportPlanner(catalog: .standard, index: Self.collidingIndex())
        #expect(planner.plan(Self.source(bob, number: 2)) == .create)
        #expect(planner.plan(Self.source(drew, number: 3)) == .create)
        let again = row("Robert", "Hawkins", "Contact", "", "BOB@Company.com", "Agent", "US")
        #expect(planner.plan(Self.source(again, number: 4)) == .failed, "the same email is still one user")
        let batch = planner.takeBatch(runID: nil)
        #expect(batch.failures.first?.errors == ["Email Address: \"BOB@Company.com\" is already on row 2; keep one row per user"])
        let store = InMemoryUserStore()
        try await Self.apply(batch, to: store)
        #expect(try await store.users().map(\.record.row.cells) == [bob, drew])
    }

    @Test func aCollidingEmailImportedAfterTheOtherIsStoredIsANewUser() async throws {
        let store = InMemoryUserStore()
        try await Self.apply(WriteBatch(runID: nil, writes: [.create(UserRecord(row: Self.templateRow(bob)))]), to: store)
        var planner = ImportPlanner(catalog: .standard, index: Self.collidingIndex([bob]))
        var promoted = bob
        promoted[5] = "Supervisor"
        #expect(planner.plan(Self.source(drew, number: 2)) == .create)
        #expect(planner.plan(Self.source(promoted, number: 3)) == .update)
        let batch = planner.takeBatch(runID: nil)
        #expect(batch.writes.map(\.kind) == [.create, .update(emailKey: "bob@company.com")])
        try await Self.apply(batch, to: store)
        #expect(try await store.users().map(\.record.row.cells) == [promoted, drew])
    }

    @Test func aFingerprintIsConfirmedOnTheEmail() throws {
        let stored = UserRecord(row: Self.templateRow(bob))
        var planner = ImportPlanner(catalog: .standard, index: Self.collidingIndex([bob]))
        // Drew's row with Bob's content hash: only the email tells them apart.
        func fingerprint(_ email: String) -> RowFingerprint {
            RowFingerprint(number: 2, emailHash: EmailKey.hash(email), contentHash: stored.contentHash,
                           roleHash: StableHash.of("Agent"), dataCenterHash: StableHash.of("US"))
        }
        var other = "drew@company.com"
        let otherFingerprint = fingerprint(other)
        #expect(!other.withUTF8 { planner.planUnchanged(otherFingerprint, email: $0) })
        var own = "Bob@Company.com"
        let ownFingerprint = fingerprint(own)
        #expect(own.withUTF8 { planner.planUnchanged(ownFingerprint, email: $0) })
        #expect(planner.counts.unchanged == 1)
    }

    @Test func aSyncKeepsItsLinkedUserApartFromACollidingEmail() async throws {
        let store = InMemoryUserStore()
        try await Self.apply(WriteBatch(runID: nil, writes: [.create(UserRecord(row: Self.templateRow(bob)))],
                                        links: [LinkWrite(job: "hr", externalID: "e-1", emailKey: "bob@company.com")]), to: store)
        var planner = ImportPlanner(catalog: .standard, index: Self.collidingIndex([bob]))
        planner.useLinks(try await store.links(job: "hr"), job: "hr")
        var renamed = bob
        renamed[4] = "Robert@Company.com"
        // A new record whose email collides with the linked user's, then the linked record renamed.
        #expect(planner.plan(Self.source(drew, number: 1, externalID: "e-2")) == .create)
        #expect(planner.plan(Self.source(renamed, number: 2, externalID: "e-1")) == .update)
        // The address the rename freed is a new user's.
        let newBob = row("Bobby", "Newman", "Contact", "", "bob@company.com", "Agent", "US")
        #expect(planner.plan(Self.source(newBob, number: 3, externalID: "e-3")) == .create)
        #expect(planner.unseenLinkedUsers().isEmpty)
        #expect(planner.counts.renamed == 1)
        let batch = planner.takeBatch(runID: nil)
        #expect(batch.writes.map(\.kind) == [.create, .update(emailKey: "bob@company.com"), .create])
        #expect(batch.links.map(\.emailKey) == ["drew@company.com", "robert@company.com", "bob@company.com"])
        try await Self.apply(batch, to: store)
        #expect(try await store.users().map(\.record.row.email) == ["bob@company.com", "drew@company.com", "Robert@Company.com"])
        #expect(try await store.links(job: "hr") == ["e-1": "robert@company.com", "e-2": "drew@company.com", "e-3": "bob@company.com"])
    }

    @Test func deactivationNamesTheUnseenLinkedUserOnly() async throws {
        var planner = ImportPlanner(catalog: .standard, index: Self.collidingIndex([bob, drew]))
        planner.useLinks(["e-1": "bob@company.com", "e-2": "drew@company.com"], job: "hr")
        #expect(planner.plan(Self.source(drew, number: 1, externalID: "e-2")) == .unchanged)
        #expect(planner.unseenLinkedUsers() == ["bob@company.com"])
        planner.deactivate(planner.unseenLinkedUsers())
        #expect(planner.takeBatch(runID: nil).deactivations == ["bob@company.com"])
    }

    @Test func longAndNonASCIIEmailsAreFoundByTheirKey() {
        var index = Self.collidingIndex()
        let long = String(repeating: "a", count: 60) + "@" + String(repeating: "b", count: 60) + "." + String(repeating: "c", count: 60) + ".com"
        for email in [long.uppercased(), "ÉMILE@Company.com", "emile@company.com"] {
            index.insert(IndexedUser(emailHash: EmailKey.hash(email), contentHash: 1, extensionHash: 0, license: 0, isActive: true), email: email)
        }
        #expect(index.count == 3)
        for (email, key) in [(long, long), ("émile@company.COM", "émile@company.com"), ("Emile@company.com", "emile@company.com")] {
            let found = index.user(email: email)
            #expect(found.map(index.emailKey(of:)) == key)
        }
        #expect(index.user(email: "emile@company.co") == nil)
    }

    @Test func emailsSharingAPartAreStillDistinct() {
        var index = Self.collidingIndex()
        let emails = ["ann@x.com", "ann@y.com", "bo@x.com", "ann@x.co", "ann@x.com@x.com", "annx.com"]
        for email in emails {
            #expect(index.user(email: email) == nil, "\(email) is new")
            index.insert(IndexedUser(emailHash: EmailKey.hash(email), contentHash: 1, extensionHash: 0, license: 0, isActive: true), email: email)
        }
        #expect(index.count == emails.count)
        for email in emails {
            #expect(index.user(email: email.uppercased()).map(index.emailKey(of:)) == email)
        }
    }
}
