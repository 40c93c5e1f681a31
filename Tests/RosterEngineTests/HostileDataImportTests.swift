import Foundation
import RosterCore
import RosterEngine
import RosterTesting
import Testing

/// Bad bytes and hostile cells through a whole import: they fail their rows, never the rest of
/// the file, and the error report imports back to the values that were meant.
@Suite struct HostileDataImportTests {
    @Test func oneBadByteDeepInAUTF8FileFailsOnlyItsRow() async throws {
        try await withTemporaryDirectory { directory async throws in
            var bytes = Array((Template.headers.joined(separator: ",") + "\n").utf8)
            for number in 2...40_001 {
                let last = number == 30_001 ? Array("Ren".utf8) + [0xE9] : Array("Müller".utf8)
                bytes += Array("Zoë,".utf8) + last + Array(",,,u\(number)@company.com,Agent,US\n".utf8)
            }
            let path = directory.appendingPathComponent("roster.csv").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let harness = ImportHarness(directory: directory)
            let run = try await harness.importFile(path)
            #expect(counts(run) == [40_000, 39_999, 0, 0, 1])
            let users = try await harness.users()
            #expect(users["u2@company.com"]?.prefix(2) == ["Zoë", "Müller"])
            #expect(users["u40001@company.com"]?.prefix(2) == ["Zoë", "Müller"])
            #expect(users["u30001@company.com"] == nil)
            let errors = try await harness.errors(run: run, row: 30_001)
            #expect(errors.count == 1)
            #expect(errors.first?.hasPrefix("Last Name: the cell has bytes that are not UTF-8") == true, "\(errors)")
            #expect(errors.first?.contains("save the file as \"CSV UTF-8 (Comma delimited)\"") == true, "\(errors)")
        }
    }

    @Test func theErrorReportImportsBackToTheValuesMeant() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let guarded = [
                row("-Ann", "Lee", "", "", "-a@example.com", "Agnet", "US"),
                row("Bo", "-Ray", "", "", "=b@example.com", "Agnet", "US"),
                row("Cy", "Po", "", "", "+c@example.com", "Agnet", "US"),
                row("=HYPERLINK(\"http://x\")", "Doe", "", "", "d@example.com", "Agnet", "US"),
            ]
            let first = try await harness.importRows(guarded)
            #expect(counts(first) == [4, 0, 0, 0, 4])
            let report = try #require(first.reportPath)
            let written = try String(contentsOfFile: report, encoding: .utf8)
            for line in written.components(separatedBy: "\r\n").dropFirst() where !line.isEmpty {
                #expect(!"=+-@".contains(line.first!), "no cell of \(line) runs as a formula")
            }
            try Data(written.replacingAll("Agnet,", with: "Agent,").utf8).write(to: URL(fileURLWithPath: report))

            let again = try await harness.importFile(report)
            #expect(counts(again) == [4, 3, 0, 0, 1])
            let users = try await harness.users()
            #expect(users["-a@example.com"]?.first == "-Ann")
            #expect(users["=b@example.com"]?[1] == "-Ray")
            #expect(users["+c@example.com"] != nil)
            #expect(users.keys.allSatisfy { !$0.hasPrefix("'") })
            let formula = try await harness.errors(run: again, row: 5)
            #expect(formula.first?.contains("would run as a formula") == true, "\(formula)")
        }
    }

    @Test func aHugeNameIsRefusedAndKeptOutOfTheStore() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let huge = String(repeating: "A", count: 8 << 20)
            let run = try await harness.importRows([bob, row(huge, "Lee", "", "", "ann@company.com", "Agent", "US")])
            #expect(counts(run) == [2, 1, 0, 0, 1])
            #expect(try await harness.users()["ann@company.com"] == nil)
            let stored = try #require(try await harness.store.reportRows(runID: run.id).first)
            #expect(stored.errors == ["First Name: the cell is longer than 100 characters; write the user's first name, at most 100 characters"])
            #expect(stored.cells[0].utf8.count == ReportRow.cellByteLimit, "the report keeps a bounded part of the cell")
        }
    }
}
