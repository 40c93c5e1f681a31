import RosterCore
import RosterEngine
import Testing

/// Automatic extensions (issue 6): lowest free number in the range, never one held by another user.
@Suite struct ExtensionAssignmentTests {
    static func row(_ email: String, extension ext: String = "") -> SourceRow {
        SourceRow(number: 2, row: TemplateRow(firstName: "A", lastName: "B", license: "", extension: ext, email: email, role: "Agent", dataCenter: "US"))
    }

    @Test(arguments: [("1000", true), ("0312", true), ("12345678901234567", false), ("", false)])
    func extensionKeysAreExactForPhoneLengths(text: String, exact: Bool) {
        let key = ExtensionKey.of(text)
        #expect((ExtensionKey.text(key) == text) == exact)
        #expect(ExtensionKey.of("0312") != ExtensionKey.of("312"))
    }

    @Test func lowestFreeNumbersAreHandedOutAndHeldOnesSkipped() {
        var index = RosterIndex(capacity: 8)
        let holder = UserRecord(row: TemplateRow(firstName: "H", lastName: "H", license: "Unassigned", extension: "2000", email: "h@x.com", role: "Agent", dataCenter: "US"))
        index.addStored(holder)
        var planner = ImportPlanner(catalog: .standard, index: index)
        planner.assignExtensions(in: 2000...2002)
        #expect(planner.plan(Self.row("a@x.com")) == .create)
        #expect(planner.plan(Self.row("b@x.com")) == .create)
        #expect(planner.plan(Self.row("c@x.com")) == .failed)
        let batch = planner.takeBatch(runID: nil)
        #expect(batch.writes.map(\.record.row.extension) == ["2001", "2002"])
        #expect(batch.failures.first?.errors.first?.contains("no free extension left in 2000-2002") == true)
    }

    @Test func aUserWhoHoldsAnExtensionKeepsIt() {
        var index = RosterIndex(capacity: 8)
        let stored = UserRecord(row: TemplateRow(firstName: "A", lastName: "B", license: "Unassigned", extension: "2001", email: "a@x.com", role: "Agent", dataCenter: "US"))
        index.addStored(stored)
        var planner = ImportPlanner(catalog: .standard, index: index)
        planner.assignExtensions(in: 2000...2999)
        #expect(planner.plan(Self.row("a@x.com")) == .unchanged)
        #expect(planner.plan(Self.row("n@x.com")) == .create)
        #expect(planner.takeBatch(runID: nil).writes.map(\.record.row.extension) == ["2000"])
    }
}
