import Foundation
import RosterCore
import RosterEngine
import RosterStoreSQLite
import RosterTesting
import Synchronization
import Testing

/// Write scopes (``UserStore/write(_:)``) and run records: the contract that lets imports, syncs
/// and the scheduler share one store, run against every store.
@Suite struct WriteScopeContractTests {
    /// The order in which the bodies of concurrent write scopes ran.
    final class Timeline: Sendable {
        private let events = Mutex<[String]>([])
        func note(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
    }

    @Test(arguments: StoreKind.allCases)
    func writersTakeTurnsAndNeverInterleave(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let timeline = Timeline()
            let first = Task {
                try await store.write { writes in
                    timeline.note("first begins")
                    try await writes.apply(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com", extension: "1000"))]))
                    try await Task.sleep(for: .milliseconds(200))
                    timeline.note("first ends")
                }
            }
            while timeline.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            try await store.write { writes in
                timeline.note("second begins")
                try await writes.apply(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com", extension: "1001"))]))
                timeline.note("second ends")
            }
            try await first.value
            #expect(timeline.all == ["first begins", "first ends", "second begins", "second ends"])
            #expect(try await store.users().map(\.record.row.email) == ["ann@company.com", "bob@company.com"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aScopeThatThrowsKeepsNothingItsRunRecordIncluded(kind: StoreKind) async throws {
        struct Stop: Error {}
        try await kind.withStore { store async throws in
            var record = run()
            record.id = try await store.beginRun(record)
            await #expect(throws: Stop.self) {
                try await store.write { writes in
                    try await writes.apply(WriteBatch(runID: record.id, writes: [.create(user("Ann", "ann@company.com"))]))
                    var finished = record
                    finished.status = .succeeded
                    finished.created = 1
                    try await writes.finishRun(finished)
                    throw Stop()
                }
            }
            #expect(try await store.users().isEmpty)
            #expect(try await store.run(id: record.id)?.status == .running)
            #expect(try await store.run(id: record.id)?.created == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theRunRecordCommitsWithItsUsers(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            var record = run()
            record.id = try await store.beginRun(record)
            try await store.write { writes in
                try await writes.apply(WriteBatch(runID: record.id, writes: [.create(user("Ann", "ann@company.com"))],
                                                  failures: [ReportRow(row: 3, cells: ["x"], errors: ["Role: missing"])]))
                record.status = .completedWithFailures
                record.created = 1
                record.failed = 1
                try await writes.finishRun(record)
            }
            let stored = try await store.run(id: record.id)
            #expect(stored?.instance == RunInstance.current.description && stored?.heartbeatAt != nil, "the store names where the run ran")
            #expect(stored.map(withoutLease) == withoutLease(record))
            #expect(try await store.reportRows(runID: record.id).map(\.row) == [3])
            #expect(try await store.users().count == 1)
        }
    }

    /// Not the private in-memory SQLite database: it has one connection, which reads its own writes.
    @Test(arguments: StoreKind.separateReaders)
    func readersSeeOnlyCommittedWrites(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.write { writes in
                try await writes.apply(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com", extension: "1000"))]))
                #expect(try await store.users().isEmpty)
                #expect(try await store.emailHolding(extension: "1000") == nil)
            }
            #expect(try await store.users().count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oneRunningSyncPerJob(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let sync = RunRecord(kind: "sync", source: "crm", trigger: .schedule, startedAt: Date(timeIntervalSince1970: 1_000))
            var first = sync
            first.id = try await store.beginRun(first)
            let conflict = await #expect(throws: RunConflict.self) { try await store.beginRun(sync) }
            #expect(conflict?.runningRun == first.id)
            #expect(conflict?.description.contains("job 'crm' is already running (run \(first.id)") == true)
            // Another job and imports are not held up.
            _ = try await store.beginRun(RunRecord(kind: "sync", source: "entra", trigger: .manual, startedAt: Date()))
            _ = try await store.beginRun(run())
            _ = try await store.beginRun(run())
            first.status = .succeeded
            try await store.finishRun(first)
            let next = try await store.beginRun(sync)
            #expect(next > first.id)
        }
    }
}

/// Two ``SQLiteUserStore``s on one file behave as two processes: each has its own connections and
/// in-process gate, so they meet only at SQLite's lock.
@Suite struct SQLiteAcrossProcessesTests {
    @Test func aSecondWriterWaitsForTheFirstThenLands() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("roster.sqlite").path
            try await secondWriterWaitsForTheFirstThenLands(one: SQLiteUserStore(path: path), other: SQLiteUserStore(path: path))
        }
    }

    @Test func aWriterThatWaitsPastTheBusyTimeoutSaysSo() async throws {
        try await withTemporaryDirectory { directory async throws in
            let path = directory.appendingPathComponent("roster.sqlite").path
            try await writerPastTheBusyTimeoutSaysSo(
                one: SQLiteUserStore(path: path), impatient: SQLiteUserStore(path: path, busyTimeout: .seconds(1)), storeName: path)
        }
    }
}

/// Imports through one store at once, as `serve` and the console run them.
@Suite struct ConcurrentImportTests {
    /// Both files name one shared user with the same extension: whichever import runs second
    /// plans against the first's committed user and finds it unchanged, never a duplicate.
    @Test(arguments: StoreKind.separateReaders)
    func importsAtOnceLandWholeAndNeverDuplicate(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await withTemporaryDirectory { directory async throws in
                let header = Template.headers.joined(separator: ",")
                var paths: [String] = []
                for name in ["a", "b"] {
                    let rows = (0..<2_000).map { "U\($0),Tester,,\(name == "a" ? 10_000 + $0 : 20_000 + $0),\(name)\($0)@company.com,Agent,US" }
                    let path = directory.appendingPathComponent("\(name).csv").path
                    try ([header, "Sam,Shared,,9999,sam@company.com,Agent,US"] + rows).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
                    paths.append(path)
                }
                let service = ImportService(store: store, catalog: .standard)
                async let first = service.importFile(at: paths[0])
                async let second = service.importFile(at: paths[1])
                let runs = try await [first.run, second.run]
                #expect(runs.map(\.created).sorted() == [2_000, 2_001])
                #expect(runs.map(\.unchanged).sorted() == [0, 1])
                #expect(try await store.users().count == 4_001)
                for run in runs {
                    let stored = try #require(try await store.run(id: run.id))
                    let storedCounts: [Int] = [stored.rows, stored.created, stored.unchanged, stored.failed]
                    #expect(storedCounts == [run.rows, run.created, run.unchanged, run.failed])
                    #expect(stored.status == RunStatus.succeeded)
                }
            }
        }
    }
}

/// Two stores on one database, as two processes: a reader does not wait for the first's open
/// write, the second writer waits for it, then both users are there.
func secondWriterWaitsForTheFirstThenLands(one: any UserStore, other: any UserStore) async throws {
    let started = Mutex(false), readerLooked = Mutex(false)
    let first = Task {
        try await one.write { writes in
            try await writes.apply(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com", extension: "1000"))]))
            started.withLock { $0 = true }
            // Open until the reader has looked (bounded), then a little longer while the second writer waits.
            for _ in 0..<1_000 where !readerLooked.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
    while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
    #expect(try await other.users().isEmpty, "a reader does not wait for the open write")
    readerLooked.withLock { $0 = true }
    let asked = ContinuousClock.now
    try await other.write { writes in
        try await writes.apply(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com", extension: "1001"))]))
    }
    #expect(ContinuousClock.now - asked >= .milliseconds(200), "the second writer waited for the first")
    try await first.value
    #expect(try await one.users().map(\.record.row.email) == ["ann@company.com", "bob@company.com"])
}

/// A writer of a store opened with a 1 s busy timeout, while another store on the same database
/// holds a write scope for 2.5 s: it fails with ``StoreBusy`` naming the store, and writes nothing.
func writerPastTheBusyTimeoutSaysSo(one: any UserStore, impatient: any UserStore, storeName: String) async throws {
    let started = Mutex(false)
    let holder = Task {
        try await one.write { writes in
            try await writes.apply(WriteBatch(runID: nil, writes: [.create(user("Ann", "ann@company.com"))]))
            started.withLock { $0 = true }
            try await Task.sleep(for: .milliseconds(2_500))
        }
    }
    while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
    let busy = await #expect(throws: StoreBusy.self) {
        try await impatient.write { try await $0.apply(WriteBatch(runID: nil, writes: [.create(user("Bob", "bob@company.com"))])) }
    }
    #expect(busy?.description.contains(storeName) == true)
    #expect(busy?.description.contains("nothing was written") == true)
    try await holder.value
    #expect(try await impatient.users().map(\.record.row.email) == ["ann@company.com"])
}
