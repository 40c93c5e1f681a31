import Foundation
import RosterCore
import RosterEngine
import RosterTesting
import Testing

/// What an import leaves behind: run records, error reports, nothing on a dry run or a rejected file.
@Suite struct ImportRunTests {
    @Test func dryRunWritesNothingAndRecordsNoRun() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let broken = row("Ann", "Lee", "Gold", "", "ann@company.com", "Agent", "US")
            let run = try await harness.importRows([bob, drew, broken], dryRun: true)
            #expect(counts(run) == [3, 2, 0, 0, 1])
            #expect(run.id == 0)
            #expect(run.reportPath == nil)
            #expect(try await harness.store.users().isEmpty)
            #expect(try await harness.store.runs(limit: 10).isEmpty)
            #expect(await harness.store.appliedBatches == 0)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files == ["import1.csv"], "no error report on a dry run")
        }
    }

    @Test func dryRunPlansAgainstTheStore() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob, drew])
            var promoted = bob
            promoted[5] = "Admin"
            let run = try await harness.importRows([promoted, drew, barb], dryRun: true)
            #expect(counts(run) == [3, 1, 1, 1, 0])
            #expect(try await harness.users()["bob@company.com"] == bob)
            #expect(try await harness.store.runs(limit: 10).count == 1)
        }
    }

    @Test func runRecordKeepsCountsAndStatus() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let broken = row("Ann", "Lee", "", "12a", "ann@company.com", "Agent", "US")
            let first = try await harness.importRows([bob, broken])
            let second = try await harness.importRows([bob])
            let runs = try await harness.store.runs(limit: 10)
            #expect(runs.map(\.id) == [second.id, first.id])
            #expect(runs.map(\.status) == [.succeeded, .completedWithFailures])
            #expect(runs.map(counts) == [[1, 0, 0, 1, 0], [2, 1, 0, 0, 1]])
            #expect(runs.allSatisfy { $0.kind == "import" && $0.finishedAt != nil })
            #expect(runs.last?.source == "import1.csv")
        }
    }

    @Test func errorReportSitsBesideTheInput() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let broken = row("Ann", "Lee", "Gold", "=1+1", "ann@company.com", "Agnet", "US")
            let run = try await harness.importRows([bob, broken])
            let path = directory.appendingPathComponent("import1.errors.csv").path
            #expect(run.reportPath == path)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines.first == "First Name,Last Name,License,Extension,Email Address,Role,Data Center,Row,Errors")
            let errors = try #require(try await harness.store.reportRows(runID: run.id).first).errors
            #expect(errors.map { $0.split(separator: ":").first.map(String.init) } == ["License", "Extension", "Role"])
            #expect(lines[1] == "Ann,Lee,Gold,'=1+1,ann@company.com,Agnet,US,3,\"\(errors.joined(separator: "; ").replacingOccurrences(of: "\"", with: "\"\""))\"")
            #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        }
    }

    @Test func reportPathOptionIsUsed() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            _ = try await harness.importRows([bob])
            let input = directory.appendingPathComponent("import1.csv").path
            let report = directory.appendingPathComponent("out.csv").path
            var clash = drew
            clash[3] = "1000"
            try Data(CSVWriter.document(header: Template.headers, rows: [clash]).utf8).write(to: URL(fileURLWithPath: input))
            let run = try await harness.importFile(input, reportPath: report)
            #expect(run.reportPath == report)
            #expect(FileManager.default.fileExists(atPath: report))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("import1.errors.csv").path))
        }
    }

    @Test func noReportWhenNothingFails() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            let run = try await harness.importRows([bob])
            #expect(run.reportPath == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["import1.csv"])
        }
    }

    @Test(arguments: [
        ("workbook", [UInt8]([0x50, 0x4B, 0x03, 0x04]) + Array(repeating: 0, count: 100), "Save As"),
        ("empty", [], "empty"),
        ("header only", Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\n".utf8), "no data rows"),
        ("blank rows only", Array("First Name,Last Name,License,Extension,Email Address,Role,Data Center\n,,,,,,\n\n".utf8), "no data rows"),
        ("bad header", Array("First Name,Last Name,License,Extension,E-mail Address:,Role,Data Center\nBob,H,,,b@c.de,Agent,US\n".utf8),
         "write \"Email Address\""),
    ])
    func rejectedFileWritesNothing(name: String, bytes: [UInt8], reason: String) async throws {
        try await withTemporaryDirectory { directory async throws in
            let harness = ImportHarness(directory: directory)
            let path = directory.appendingPathComponent("in.csv").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let rejection = try await #require(throws: FileRejection.self) { try await harness.importFile(path) }
            #expect(rejection.reasons.contains { $0.contains(reason) }, "\(name): \(rejection)")
            #expect(rejection.file == "in.csv")
            #expect(try await harness.store.runs(limit: 10).isEmpty, "\(name)")
            #expect(await harness.store.appliedBatches == 0, "\(name)")
        }
    }

    /// Every batch is its own transaction; where the batches fall must not change any outcome.
    @Test(arguments: [1, 2, 3, 50_000])
    func outcomeDoesNotDependOnBatchSize(batchSize: Int) async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory, catalog: Catalog(seats: ["Enterprise": 3]))
            _ = try await harness.importRows([bob, row("Ann", "Lee", "Contact", "2000", "ann@company.com", "Agent", "US")])
            let rows = [
                row("Cy", "Po", "Enterprise", "3000", "cy@company.com", "Agent", "US"),
                row("Di", "Ro", "Contact", "2000", "di@company.com", "Agent", "US"),
                row("Ed", "Su", "Enterprise", "3000", "ed@company.com", "Agent", "US"),
                row("Cyrus", "Po", "Contact", "", "CY@company.com", "Agent", "US"),
                row("Fay", "Ng", "Enterprise", "", "fay@company.com", "Agent", "US"),
                row("Gus", "Ho", "Enterprise", "", "gus@company.com", "Agent", "US"),
                row("Ann", "Lee", "Enterprise", "2000", "ann@company.com", "Admin", "US"),
            ]
            let path = directory.appendingPathComponent("batch.csv").path
            try Data(CSVWriter.document(header: Template.headers, rows: rows).utf8).write(to: URL(fileURLWithPath: path))
            let run = try await harness.importFile(path, batchSize: batchSize)
            #expect(counts(run) == [7, 2, 0, 0, 5])
            let failures = try await harness.store.reportRows(runID: run.id)
            #expect(failures.map(\.row) == [3, 4, 5, 7, 8])
            #expect(failures.map { $0.errors.first?.components(separatedBy: ":").first } == [
                "Extension", "Extension", "Email Address", "License", "License",
            ])
            #expect(failures.allSatisfy { $0.errors.count == 1 })
            #expect(failures[0].errors.first?.contains("held by ann@company.com") == true)
            #expect(failures[1].errors.first?.contains("already used on row 2") == true)
            #expect(try await harness.store.users().map(\.record.emailKey) == ["ann@company.com", "bob@company.com", "cy@company.com", "fay@company.com"])
        }
    }

    /// A file is read ahead in blocks of rows on another thread; checks that span blocks (a
    /// duplicate email, an extension used twice) and row numbers must not notice.
    @Test func rowsAcrossReadAheadBlocksKeepFileOrder() async throws {
        try await withTemporaryDirectory { directory async throws in
            var harness = ImportHarness(directory: directory)
            var rows = (0..<10_000).map { row("U\($0)", "Tester", "Enterprise", "\(20_000 + $0)", "u\($0)@company.com", "Agent", "US") }
            rows[9_000][4] = "U7@Company.com"
            rows[9_001][3] = "20005"
            let first = try await harness.importRows(rows)
            #expect(counts(first) == [10_000, 9_998, 0, 0, 2])
            let failures = try await harness.store.reportRows(runID: first.id)
            #expect(failures.map(\.row) == [9_002, 9_003])
            #expect(failures[0].errors == ["Email Address: \"U7@Company.com\" is already on row 9; keep one row per user"])
            #expect(failures[1].errors.first?.contains("already used on row 7") == true, "\(failures[1].errors)")

            rows[9_000][4] = "u9000@company.com"
            rows[9_001][3] = "29001"
            rows[5_000][5] = "Admin"
            let second = try await harness.importRows(rows)
            #expect(counts(second) == [10_000, 2, 1, 9_997, 0])
            #expect(try await harness.users()["u5000@company.com"]?[5] == "Admin")
        }
    }

    /// A run that fails part-way records why, keeps nothing, and stops reading the file: the
    /// read-ahead thread lets go of the file once the run has thrown.
    @Test(.timeLimit(.minutes(1)))
    func aFailedRunStopsReadingAhead() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("big.csv").path
            let rows = (0..<60_000).map { row("U\($0)", "Tester", "", "", "u\($0)@company.com", "Agent", "US") }
            try Data(CSVWriter.document(header: Template.headers, rows: rows).utf8).write(to: URL(fileURLWithPath: path))
            let store = WatchedStore(refusesWrites: true)
            let probe = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            #expect(openDescriptors(of: path) == 1, "the count sees an open file")
            try probe.close()
            await #expect(throws: WatchedStore.Refused.self) {
                try await ImportService(store: store, catalog: .standard).importFile(at: path)
            }
            let run = try #require(try await store.runs(limit: 1).first)
            #expect(run.status == .failed)
            #expect(run.message?.contains("the store refused the batch") == true)
            #expect(try await store.users().isEmpty)
            // Bounded wait (at most 5 s) for the reading thread to notice and close the file.
            let deadline = Date().addingTimeInterval(5)
            while openDescriptors(of: path) > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(openDescriptors(of: path) == 0)
        }
    }

    /// A cancelled import (a service stopping) ends as interrupted and writes nothing; the
    /// read-ahead ending early must not pass for the end of the file.
    @Test func aCancelledImportIsInterruptedNotCommitted() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("big.csv").path
            let rows = (0..<60_000).map { row("U\($0)", "Tester", "", "", "u\($0)@company.com", "Agent", "US") }
            try Data(CSVWriter.document(header: Template.headers, rows: rows).utf8).write(to: URL(fileURLWithPath: path))
            let store = InMemoryUserStore()
            let task = Task { try await ImportService(store: store, catalog: .standard).importFile(at: path) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(try await store.users().isEmpty)
            let run = try #require(try await store.runs(limit: 1).first)
            #expect(run.status == .interrupted)
            #expect(run.message?.contains("nothing was written") == true)
        }
    }

    @Test func unterminatedQuoteFailsThatRow() async throws {
        try await withTemporaryDirectory { directory async throws in
            let harness = ImportHarness(directory: directory)
            let path = directory.appendingPathComponent("in.csv").path
            let text = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\nBob,Hawkins,,,bob@company.com,Agent,US\nAnn,\"Lee,,,ann@company.com,Agent,US\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let run = try await harness.importFile(path)
            #expect(counts(run) == [2, 1, 0, 0, 1])
            let errors = try await harness.errors(run: run, row: 3)
            #expect(errors.contains { $0.contains("never closed") }, "\(errors)")
        }
    }
}
