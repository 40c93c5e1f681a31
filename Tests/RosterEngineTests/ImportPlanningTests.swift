import Foundation
import RosterCore
import RosterEngine
import RosterTesting
import Testing

/// File and store checks of the planner (DESIGN §1 row rules, §2 identity), through ImportService.
@Suite struct ImportPlanningTests {
    @Test func sampleRowsAreCreated() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let run = try await harness.importRows([bob, drew, barb])
            #expect(counts(run) == [3, 3, 0, 0, 0])
            #expect(run.status == .succeeded)
            #expect(run.reportPath == nil)
            #expect(try await harness.users()["bob@company.com"] == bob)
        }
    }

    @Test func duplicateEmailFailsTheLaterRowNamingTheEarlier() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let again = row("Robert", "Hawkins", "Contact", "", "BOB@Company.com", "Agent", "US")
            let run = try await harness.importRows([bob, drew, again])
            #expect(counts(run) == [3, 2, 0, 0, 1])
            let errors = try await harness.errors(run: run, row: 4)
            #expect(errors == ["Email Address: \"BOB@Company.com\" is already on row 2; keep one row per user"])
            #expect(try await harness.users()["bob@company.com"] == bob, "the first row wins")
        }
    }

    @Test func duplicateExtensionInTheFile() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let clash = row("Andrew", "Davis", "Enterprise", "1000", "drew@company.com", "Supervisor", "BR")
            let run = try await harness.importRows([bob, clash])
            #expect(counts(run) == [2, 1, 0, 0, 1])
            let errors = try await harness.errors(run: run, row: 3)
            #expect(errors.count == 1)
            #expect(errors.first?.hasPrefix("Extension: 1000 is already used on row 2") == true, "\(errors)")
        }
    }

    @Test func extensionHeldByAStoredUserNamesThatUser() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob])
            let taker = row("Ann", "Lee", "Contact", "1000", "ann@company.com", "Agent", "US")
            let run = try await harness.importRows([taker])
            #expect(counts(run) == [1, 0, 0, 0, 1])
            #expect(try await harness.errors(run: run, row: 2)
                == ["Extension: 1000 is already held by bob@company.com; pick a free extension or leave it empty"])
        }
    }

    @Test func userKeepingTheirOwnExtensionIsFine() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob, drew])
            var promoted = bob
            promoted[5] = "Supervisor"
            let run = try await harness.importRows([promoted, drew])
            #expect(counts(run) == [2, 0, 1, 1, 0])
            #expect(try await harness.users()["bob@company.com"]?[5] == "Supervisor")
        }
    }

    @Test func extensionFreedEarlierInTheFileCanBeTaken() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob])
            var moved = bob
            moved[3] = "2000"
            let ann = row("Ann", "Lee", "Contact", "1000", "ann@company.com", "Agent", "US")
            let run = try await harness.importRows([moved, ann])
            #expect(counts(run) == [2, 1, 1, 0, 0])
            let users = try await harness.users()
            #expect(users["ann@company.com"]?[3] == "1000")
            #expect(users["bob@company.com"]?[3] == "2000")
        }
    }

    /// Extensions are checked in file order against what is held at that point, so two stored
    /// users cannot swap extensions in one file: each row finds the other user still holding it.
    @Test func swappingExtensionsInOneFileFailsBothRows() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob, drew])
            var bobTakes1001 = bob, drewTakes1000 = drew
            bobTakes1001[3] = "1001"
            drewTakes1000[3] = "1000"
            let run = try await harness.importRows([bobTakes1001, drewTakes1000])
            #expect(counts(run) == [2, 0, 0, 0, 2])
            #expect(try await harness.errors(run: run, row: 2).first?.contains("1001 is already held by drew@company.com") == true)
            #expect(try await harness.errors(run: run, row: 3).first?.contains("1000 is already held by bob@company.com") == true)
        }
    }

    @Test func emailMatchesCaseInsensitively() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob])
            var shouted = bob
            shouted[4] = "Bob@Company.COM"
            let run = try await harness.importRows([shouted])
            #expect(counts(run) == [1, 0, 1, 0, 0])
            #expect(try await harness.store.users().count == 1)
        }
    }

    @Test func thirdEnterpriseRowFindsNoSeat() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory, catalog: Catalog(seats: ["Enterprise": 2]))
            let run = try await harness.importRows([bob, drew, barb])
            #expect(counts(run) == [3, 2, 0, 0, 1])
            let errors = try await harness.errors(run: run, row: 4)
            #expect(errors.count == 1)
            #expect(errors.first?.hasPrefix("License: no Enterprise seat left (2 of 2 in use)") == true, "\(errors)")
            #expect(try await harness.users()["barb@company.com"] == nil)
        }
    }

    @Test func unlicensedAndContactRowsNeedNoEnterpriseSeat() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory, catalog: Catalog(seats: ["Enterprise": 0]))
            let contact = row("Ann", "Lee", "Contact", "", "ann@company.com", "Agent", "US")
            let unassigned = row("Cy", "Po", "", "", "cy@company.com", "Agent", "US")
            let run = try await harness.importRows([contact, unassigned, bob])
            #expect(counts(run) == [3, 2, 0, 0, 1])
        }
    }

    @Test func storedUserKeepingEnterpriseUsesNoNewSeat() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory, catalog: Catalog(seats: ["Enterprise": 1]))
            _ = try await harness.importRows([bob])
            var promoted = bob
            promoted[5] = "Admin"
            let run = try await harness.importRows([promoted, drew])
            #expect(counts(run) == [2, 0, 1, 0, 1])
            #expect(try await harness.errors(run: run, row: 3).first?.contains("no Enterprise seat left") == true)
        }
    }

    @Test func changingLicenseFreesTheOldSeat() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory, catalog: Catalog(seats: ["Enterprise": 1]))
            _ = try await harness.importRows([bob])
            var demoted = bob
            demoted[2] = "Contact"
            let run = try await harness.importRows([demoted, drew])
            #expect(counts(run) == [2, 1, 1, 0, 0])
            #expect(try await harness.users()["drew@company.com"]?[2] == "Enterprise")
        }
    }

    @Test func reimportingTheSameFileWritesNothing() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob, drew, barb])
            let batches = await harness.store.appliedBatches
            let before = try await harness.store.users()
            let run = try await harness.importRows([bob, drew, barb])
            #expect(counts(run) == [3, 0, 0, 3, 0])
            #expect(await harness.store.appliedBatches == batches)
            #expect(try await harness.store.users() == before)
        }
    }

    @Test func normalisedSpellingIsUnchangedOnReimport() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let loose = row("Bob", "Hawkins", "enterprise", "1000", "bob@company.com", "agent", "us")
            #expect(counts(try await harness.importRows([loose])) == [1, 1, 0, 0, 0])
            #expect(try await harness.users()["bob@company.com"] == bob, "stored in canonical casing")
            #expect(counts(try await harness.importRows([bob])) == [1, 0, 0, 1, 0])
            #expect(counts(try await harness.importRows([loose])) == [1, 0, 0, 1, 0])
        }
    }

    @Test func reimportWithFailuresWritesOnlyFailureBatches() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let broken = row("Ann", "Lee", "Gold", "", "ann@company.com", "Agent", "US")
            _ = try await harness.importRows([bob, broken])
            let before = try await harness.store.users()
            let run = try await harness.importRows([bob, broken])
            #expect(counts(run) == [2, 0, 0, 1, 1])
            #expect(try await harness.store.users() == before)
            #expect(try await harness.store.reportRows(runID: run.id).map(\.row) == [3])
        }
    }
}
