import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import RosterTesting
import Testing

/// The streaming listing of the `UserStore` port (`forEachUser`), run against every store.
@Suite struct UserListingContractTests {
    /// Four users: Amy and Zed linked to job "crm", Ned deactivated, Bob with custom attributes.
    func fill(_ store: any UserStore) async throws {
        var bob = user("Bob", "bob@company.com", extension: "1002")
        bob.attributes = ["Team": "Blue \"north\"", "Site": "Leeds"]
        let ned = user("Ned", "ned@company.com")
        let amy = user("Amy", "Amy@Company.com", extension: "1000"), zed = user("Zed", "zed@company.com", extension: "1001")
        try await store.applyRun(WriteBatch(
            runID: nil, writes: [.create(zed), .create(amy), .create(ned), .create(bob)],
            links: [LinkWrite(job: "crm", externalID: "1", emailKey: amy.emailKey),
                    LinkWrite(job: "crm", externalID: "2", emailKey: zed.emailKey)]))
        try await store.applyRun(WriteBatch(runID: nil, deactivations: [ned.emailKey]))
    }

    private func emails(_ store: any UserStore, _ query: UserQuery) async throws -> [String] {
        var emails: [String] = []
        try await store.forEachUser(query) { emails.append($0.record.row.email) }
        return emails
    }

    @Test(arguments: StoreKind.allCases)
    func everyUserInTheOrderTheyWereStored(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await fill(store)
            var listed: [StoredUser] = []
            try await store.forEachUser(.all) { listed.append($0) }
            #expect(listed == (try await store.users()).sorted { $0.id < $1.id })
            #expect(listed.map(\.record.row.email) == ["zed@company.com", "Amy@Company.com", "ned@company.com", "bob@company.com"])
            #expect(listed[3].record.attributes == ["Team": "Blue \"north\"", "Site": "Leeds"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func filtersNarrowTheListing(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await fill(store)
            #expect(try await emails(store, UserQuery(active: false)) == ["ned@company.com"])
            #expect(try await emails(store, UserQuery(active: true)) == ["zed@company.com", "Amy@Company.com", "bob@company.com"])
            #expect(try await emails(store, UserQuery(search: "COMPANY.com", limit: 2)) == ["zed@company.com", "Amy@Company.com"])
            #expect(try await emails(store, UserQuery(search: "zed")) == ["zed@company.com"], "first name")
            #expect(try await emails(store, UserQuery(search: "tester")) .count == 4, "last name")
            #expect(try await emails(store, UserQuery(search: "nobody")) == [])
            #expect(try await emails(store, UserQuery(job: "crm")) == ["zed@company.com", "Amy@Company.com"])
            #expect(try await emails(store, UserQuery(job: "other")) == [])
            #expect(try await emails(store, UserQuery(limit: 1)) == ["zed@company.com"])
            #expect(try await emails(store, UserQuery(limit: 0)) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anErrorOfTheBodyEndsTheListing(kind: StoreKind) async throws {
        struct Enough: Error {}
        try await kind.withStore { store async throws in
            try await fill(store)
            var seen = 0
            await #expect(throws: Enough.self) {
                try await store.forEachUser(.all) { _ in
                    seen += 1
                    if seen == 2 { throw Enough() }
                }
            }
            #expect(seen == 2)
        }
    }
}

extension UserListingContractTests {
    @Test(arguments: StoreKind.allCases)
    func attributeNamesOfTheSelectedUsers(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await fill(store)
            #expect(try await store.attributeNames(.all) == ["Site", "Team"])
            #expect(try await store.attributeNames(UserQuery(job: "crm")) == [])
            #expect(try await store.attributeNames(UserQuery(search: "bob")) == ["Site", "Team"])
            #expect(try await store.attributeNames(UserQuery(search: "amy")) == [])
        }
    }
}

extension UserListingContractTests {
    @Test(arguments: StoreKind.allCases)
    func pagesByEmailKeyFollowTheCursor(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await fill(store)
            #expect(try await emails(store, UserQuery(limit: 2, order: .emailKey(after: nil))) == ["Amy@Company.com", "bob@company.com"])
            #expect(try await emails(store, UserQuery(limit: 2, order: .emailKey(after: "bob@company.com"))) == ["ned@company.com", "zed@company.com"])
            #expect(try await emails(store, UserQuery(order: .emailKey(after: "zed@company.com"))) == [])
            #expect(try await emails(store, UserQuery(active: true, job: "crm", order: .emailKey(after: "amy@company.com"))) == ["zed@company.com"])
            #expect(try await emails(store, UserQuery(search: "company", limit: 1, order: .emailKey(after: "amy@company.com"))) == ["bob@company.com"],
                    "the limit counts matches after the cursor")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func licenseAndRoleMatchInAnyCasing(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let lead = user("Lia", "lia@company.com", extension: "1003", role: "Supervisor")
            try await store.applyRun(WriteBatch(runID: nil, writes: [.create(lead)]))
            try await fill(store)
            #expect(try await emails(store, UserQuery(role: "SUPERVISOR")) == ["lia@company.com"])
            #expect(try await emails(store, UserQuery(license: "ENTERPRISE", role: "agent")).count == 4)
            #expect(try await emails(store, UserQuery(license: "no such license")) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func countsIgnoreLimitAndCursor(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await fill(store)
            #expect(try await store.countUsers(.all) == 4)
            #expect(try await store.countUsers(UserQuery(active: true, limit: 1, order: .emailKey(after: "zed@company.com"))) == 3)
            #expect(try await store.countUsers(UserQuery(job: "crm")) == 2)
            #expect(try await store.countUsers(UserQuery(search: "amy", limit: 0)) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func linkedJobsPerUserSortedByName(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await fill(store)
            try await store.applyRun(WriteBatch(runID: nil, links: [
                LinkWrite(job: "billing", externalID: "9", emailKey: "zed@company.com"),
                LinkWrite(job: "billing", externalID: "10", emailKey: "zed@company.com"),
            ]))
            let jobs = try await store.linkedJobs(emailKeys: ["zed@company.com", "amy@company.com", "bob@company.com", "nobody@company.com"])
            #expect(jobs == ["zed@company.com": ["billing", "crm"], "amy@company.com": ["crm"]])
            #expect(try await store.linkedJobs(emailKeys: []) == [:])
        }
    }
}
