import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import RosterTesting
import Testing

/// The same imports through `ImportService` give the same roster, runs and reports on every store.
@Suite struct ImportThroughStoreTests {
    static let header = Template.headers.joined(separator: ",")
    static let first = """
        \(header)
        Bob,Hawkins,Enterprise,1000,bob@company.com,Agent,US
        Andrew,Davis,enterprise,1001,drew@company.com,supervisor,br
        Ann,Lee,Gold,12a,ann@company.com,Agnet,USA
        Robert,Hawkins,,,BOB@company.com,Agent,US

        """
    static let second = """
        \(header)
        Bob,Hawkins,Enterprise,1000,bob@company.com,Admin,US
        Andrew,Davis,Enterprise,1001,drew@company.com,Supervisor,BR
        Ann,Lee,Contact,1001,ann@company.com,Agent,US
        Cy,Po,,1002,cy@company.com,Agent,UK

        """

    /// What a store holds after the two imports, in a comparable form.
    struct Outcome: Equatable {
        var counts: [[Int]]
        var users: [[String]]
        var failures: [[ReportRow]]
    }

    func outcome(_ store: any UserStore, in directory: URL) async throws -> Outcome {
        let service = ImportService(store: store, catalog: .standard)
        var runs: [RunRecord] = []
        for (index, text) in [Self.first, Self.second].enumerated() {
            let path = directory.appendingPathComponent("import\(index).csv").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            runs.append(try await service.importFile(at: path).run)
        }
        var failures: [[ReportRow]] = []
        for run in runs { failures.append(try await store.reportRows(runID: run.id)) }
        return Outcome(
            counts: runs.map { [$0.rows, $0.created, $0.updated, $0.unchanged, $0.failed] },
            users: try await store.users().map(\.record.row.cells),
            failures: failures)
    }

    @Test(arguments: StoreKind.allCases)
    func sameOutcomeOnEveryStore(kind: StoreKind) async throws {
        try await withTemporaryDirectory { directory async throws in
            let expected = try await outcome(InMemoryUserStore(), in: directory)
            #expect(expected.counts == [[4, 2, 0, 0, 2], [4, 1, 1, 1, 1]])
            #expect(expected.failures.map { $0.map(\.row) } == [[4, 5], [4]])
            #expect(expected.failures[1].first?.errors == ["Extension: 1001 is already held by drew@company.com; pick a free extension or leave it empty"])
            let actual = try await kind.withStore { store async throws in try await outcome(store, in: directory) }
            #expect(actual == expected)
        }
    }
}
