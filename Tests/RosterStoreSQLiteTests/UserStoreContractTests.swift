import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import RosterTesting
import Testing

/// The `UserStore` contract, run against every store (STYLE §2: each port has an in-memory twin
/// kept honest by the same tests).
@Suite struct UserStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func createThenList(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let id = try await store.beginRun(run())
            try await store.applyRun(WriteBatch(runID: id, writes: [
                .create(user("Zed", "zed@company.com", extension: "1001")),
                .create(user("Amy", "Amy@Company.com", extension: "1000")),
                .create(user("Ned", "ned@company.com")),
            ]))
            let users = try await store.users()
            #expect(users.map(\.record.row.email) == ["Amy@Company.com", "ned@company.com", "zed@company.com"], "ordered by email key")
            #expect(users.map(\.record) == [user("Amy", "Amy@Company.com", extension: "1000"), user("Ned", "ned@company.com"),
                                            user("Zed", "zed@company.com", extension: "1001")])
            #expect(users.allSatisfy { $0.createdRun == id && $0.updatedRun == id && $0.record.active })
            #expect(Set(users.map(\.id)).count == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updateReplacesTheUserInPlace(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let first = try await store.beginRun(run())
            try await store.applyRun(WriteBatch(runID: first, writes: [.create(user("Bob", "bob@company.com", extension: "1000"))]))
            let before = try #require(try await store.users().first)
            let second = try await store.beginRun(run())
            var changed = user("Robert", "Bob@Company.com", extension: "2000", license: "Contact", role: "Admin")
            changed.attributes = ["Team": "Blue", "Site": "Leeds"]
            try await store.applyRun(WriteBatch(runID: second, writes: [.update(emailKey: "bob@company.com", changed)]))
            let after = try #require(try await store.users().first)
            #expect(try await store.users().count == 1)
            #expect(after.id == before.id)
            #expect(after.record == changed)
            #expect(after.createdRun == first)
            #expect(after.updatedRun == second)
            #expect(try await store.emailHolding(extension: "2000") == "Bob@Company.com")
            #expect(try await store.emailHolding(extension: "1000") == nil)
        }
    }

    /// Stores write creates in groups; a group never passes an update, which may free the
    /// extension that a later create in the same batch takes.
    @Test(arguments: StoreKind.allCases)
    func manyCreatesAroundAnUpdateKeepBatchOrder(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com", extension: "1000"))]))
            let before = (0..<70).map { UserWrite.create(user("U\($0)", "u\($0)@company.com", extension: "\(2000 + $0)")) }
            let after = (70..<200).map { UserWrite.create(user("U\($0)", "u\($0)@company.com", extension: "\(2000 + $0)")) }
            let runID = try await store.beginRun(run())
            try await store.applyRun(WriteBatch(runID: runID, writes: before + [
                .update(emailKey: "bob@company.com", user("Bob", "bob@company.com", extension: "1999")),
                .create(user("Ann", "ann@company.com", extension: "1000")),
            ] + after))
            let users = try await store.users()
            #expect(users.count == 202)
            #expect(try await store.emailHolding(extension: "1000") == "ann@company.com")
            #expect(try await store.emailHolding(extension: "1999") == "bob@company.com")
            #expect(try await store.emailHolding(extension: "2199") == "u199@company.com")
            let created = users.filter { $0.record.row.email.hasPrefix("u") }
            #expect(Set(created.map(\.record.row.extension)) == Set((2000..<2200).map(String.init)))
            #expect(created.allSatisfy { $0.createdRun == runID && $0.updatedRun == runID && $0.record.row.lastName == "Tester" })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func emailHoldingAnExtension(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [
                .create(user("Bob", "Bob@company.com", extension: "1000")), .create(user("Ann", "ann@company.com")),
            ]))
            #expect(try await store.emailHolding(extension: "1000") == "Bob@company.com")
            #expect(try await store.emailHolding(extension: "1001") == nil)
            #expect(try await store.emailHolding(extension: "") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func runsAreKeptNewestFirst(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            var ids: [Int64] = []
            for source in ["a.csv", "b.csv", "c.csv"] { ids.append(try await store.beginRun(run(source))) }
            #expect(ids == ids.sorted() && Set(ids).count == 3)
            var finished = run("b.csv")
            finished.id = ids[1]
            finished.status = .completedWithFailures
            finished.finishedAt = Date(timeIntervalSince1970: 1_795_614_060)
            (finished.rows, finished.created, finished.updated, finished.unchanged, finished.failed) = (10, 4, 3, 2, 1)
            finished.reportPath = "/tmp/b.errors.csv"
            finished.message = "1 row failed"
            try await store.finishRun(finished)

            let runs = try await store.runs(limit: 10)
            #expect(runs.map(\.source) == ["c.csv", "b.csv", "a.csv"])
            #expect(withoutLease(runs[1]) == finished)
            #expect(runs[0].status == .running)
            #expect(try await store.runs(limit: 2).map(\.id) == [ids[2], ids[1]])
            #expect(try await store.run(id: ids[1]).map(withoutLease) == finished)
            #expect(try await store.run(id: 999) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func reportRowsAreKeptWithTheirRun(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let id = try await store.beginRun(run())
            let other = try await store.beginRun(run())
            let failures = [
                ReportRow(row: 3, cells: ["Ann", "", "Gold", "", "ann@company.com", "Agent", ""],
                          errors: ["License: \"Gold\" is not a license", "Data Center: required; write a two-letter code"]),
                ReportRow(row: 7, cells: ["=cmd", "a,b", "\"q\"", "12a", "x", "Agnet", "US"], errors: ["Role: \"Agnet\" is not a role"],
                          externalID: "ext-7"),
            ]
            try await store.applyRun(WriteBatch(runID: id, writes: [.create(user("Bob", "bob@company.com"))], failures: [failures[0]]))
            try await store.applyRun(WriteBatch(runID: id, failures: [failures[1]]))
            #expect(try await store.reportRows(runID: id) == failures)
            #expect(try await store.reportRows(runID: other).isEmpty)
            #expect(try await store.users().count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func indexMatchesTheStoredUsers(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let records = [
                user("Bob", "Bob@Company.com", extension: "1000"), user("Ann", "ann@company.com", license: "Contact"),
                user("Cy", "cy@company.com", extension: "1002", license: "Unassigned"), user("Di", "di@company.com"),
            ]
            try await store.applyRun(WriteBatch(runID: nil, writes: records.map(UserWrite.create)))
            let index = try await store.loadIndex(catalog: .standard, incomingRows: 10)
            #expect(index.count == 4)
            #expect(index.seatsUsed == [1, 2, 1], "Contact, Enterprise, Unassigned")
            for record in records {
                let entry = try #require(index.user(email: record.row.email.uppercased()))
                let expected = IndexedUser(record)
                #expect(index.emailKey(of: entry) == record.emailKey)
                #expect(entry.emailHash == expected.emailHash && entry.contentHash == expected.contentHash)
                #expect(entry.extensionHash == expected.extensionHash && entry.license == expected.license)
                #expect(entry.isActive && entry.isStored && entry.firstRow == 0)
            }
            #expect(index.holder(extensionHash: ExtensionKey.of("1000"))?.owner == index.user(email: "bob@company.com")?.id)
            #expect(index.holder(extensionHash: ExtensionKey.of("1001")) == nil)
            #expect(index.user(email: "nobody@company.com") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func batchWithDuplicateEmailsIsRefusedWhole(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com", extension: "1000"))]))
            let id = try await store.beginRun(run())
            let batch = WriteBatch(runID: id, writes: [
                .create(user("Ann", "ann@company.com", extension: "1001")),
                .update(emailKey: "bob@company.com", user("Robert", "bob@company.com", extension: "1000")),
                .create(user("Cy", "cy@company.com")), .create(user("Cyrus", "CY@company.com")),
            ], failures: [ReportRow(row: 2, cells: Array(repeating: "", count: 7), errors: ["x"])])
            await #expect(throws: (any Error).self) { try await store.applyRun(batch) }
            #expect(try await store.users().map(\.record) == [user("Bob", "bob@company.com", extension: "1000")])
            #expect(try await store.reportRows(runID: id).isEmpty)
            #expect(try await store.emailHolding(extension: "1001") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func batchGivingOneExtensionToTwoUsersIsRefusedWhole(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com", extension: "1000"))]))
            await #expect(throws: (any Error).self) {
                try await store.applyRun(WriteBatch(runID: nil, writes: [
                    .create(user("Ann", "ann@company.com", extension: "2000")), .create(user("Cy", "cy@company.com", extension: "1000")),
                ]))
            }
            await #expect(throws: (any Error).self) {
                try await store.applyRun(WriteBatch(runID: nil, writes: [
                    .create(user("Ann", "ann@company.com", extension: "3000")), .create(user("Di", "di@company.com", extension: "3000")),
                ]))
            }
            #expect(try await store.users().map(\.record.row.email) == ["bob@company.com"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func creatingAStoredEmailAgainIsRefused(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com"))]))
            await #expect(throws: (any Error).self) {
                try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bobby", "BOB@company.com"))]))
            }
            #expect(try await store.users().map(\.record.row.firstName) == ["Bob"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updatingAMissingUserIsRefused(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            await #expect(throws: (any Error).self) {
                try await store.applyRun(WriteBatch(runID: nil, writes: [
                    .create(user("Ann", "ann@company.com")), .update(emailKey: "ghost@company.com", user("Ghost", "ghost@company.com")),
                ]))
            }
            #expect(try await store.users().isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func extensionMovesBetweenUsersInOneBatch(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com", extension: "1000"))]))
            try await store.applyRun(WriteBatch(runID: nil, writes: [
                .update(emailKey: "bob@company.com", user("Bob", "bob@company.com", extension: "2000")),
                .create(user("Ann", "ann@company.com", extension: "1000")),
            ]))
            #expect(try await store.emailHolding(extension: "1000") == "ann@company.com")
            #expect(try await store.emailHolding(extension: "2000") == "bob@company.com")
        }
    }

    @Test func fileStoreKeepsUsersAcrossReopening() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("roster.sqlite").path
            do {
                let store = try SQLiteUserStore(path: path)
                let id = try await store.beginRun(run())
                try await store.applyRun(WriteBatch(runID: id, writes: [.create(user("Bob", "bob@company.com", extension: "1000"))]))
            }
            let reopened = try SQLiteUserStore(path: path)
            #expect(try await reopened.users().map(\.record) == [user("Bob", "bob@company.com", extension: "1000")])
            #expect(try await reopened.runs(limit: 5).count == 1)
            // Its process (this one) is alive, so reopening does not take it for abandoned.
            #expect(try await reopened.runs(limit: 5).map(\.status) == [.running])
        }
    }
}


extension UserStore {
    /// `batch` as a whole run: its own write scope, rolled back when the store refuses it.
    func applyRun(_ batch: WriteBatch) async throws {
        try await write { try await $0.apply(batch) }
    }
}

extension UserStoreContractTests {
    /// Cells and attributes that a text transfer format must escape come back as they were written.
    @Test(arguments: StoreKind.allCases)
    func cellsWithSeparatorsAndEscapesComeBackWhole(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            var hostile = user("Tab\there", "tab@company.com", extension: "1000")
            hostile.row.lastName = "Line\nbreak\r\\N back\\slash \"quoted\" Zoë 🚀"
            hostile.attributes = ["Note": "a\tb\nc\\N\\", "\\N": ""]
            let plain = user("Plain", "plain@company.com")
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(hostile), .create(plain)]))
            let stored = try await store.users()
            #expect(stored.map(\.record) == [plain, hostile])
            #expect(stored.first?.record.row.extension == "", "an empty extension stays empty (NULL in the store)")
        }
    }
}
