import Foundation
import RosterConnectors
import RosterCore
@testable import RosterEngine
import RosterTesting
import Synchronization
import Testing

/// How a sync meets the store: it pulls with no write scope open, stages what it pulled, and
/// applies it in one scope that also records the run.
@Suite struct SyncScopeTests {
    /// A sync over the Graph mock (4 users a page) that counts requests made while `store` had a write scope open.
    static func service(_ store: WatchedStore, users: Int, requestsInScope: Counter? = nil) -> SyncService {
        let graph = MockVendors.graph(MockVendorOptions(users: users, pageSize: 4))
        let http = ScriptedHTTPClient { request in
            if store.scopeIsOpen { requestsInScope?.add(1) }
            return graph(request)
        }
        return SyncService(store: store, catalog: .standard, http: http, waits: ManualClock(),
                           environment: ["GRAPH_SECRET": MockCredentials.clientSecret])
    }

    @Test func thePullRunsWithNoWriteScopeOpen() async throws {
        let store = WatchedStore()
        let requestsInScope = Counter()
        let result = try await Self.service(store, users: 30, requestsInScope: requestsInScope).sync(SyncServiceTests.job(), configFile: "rostersync.yaml")
        #expect(result.run.created == 30)
        #expect(requestsInScope.value == 0)
        let stored = try #require(try await store.run(id: result.run.id))
        #expect(stored.instance == RunInstance.current.description)
        var kept = stored
        kept.instance = nil
        kept.heartbeatAt = nil
        #expect(kept == result.run, "the record committed with the users says what was kept")
    }

    @Test func aPullLargerThanTheMemoryLimitIsStagedOnDiskAndLandsTheSame() async throws {
        let inMemory = WatchedStore(), spilled = WatchedStore()
        _ = try await Self.service(inMemory, users: 50).sync(SyncServiceTests.job(), configFile: "rostersync.yaml")
        var service = Self.service(spilled, users: 50)
        service.stagingLimit = 7
        service.batchSize = 9
        let result = try await service.sync(SyncServiceTests.job(), configFile: "rostersync.yaml")
        #expect(result.run.created == 50)
        #expect(try await spilled.users().map(\.record) == inMemory.users().map(\.record))
        #expect(try await spilled.links(job: "entra") == inMemory.links(job: "entra"))
    }

    @Test func aJobThatIsAlreadyRunningIsRefusedBeforeAnyRequest() async throws {
        let store = WatchedStore()
        let running = try await store.beginRun(RunRecord(kind: "sync", source: "entra", trigger: .schedule, startedAt: Date()))
        let requests = Counter()
        let graph = MockVendors.graph(MockVendorOptions(users: 3, pageSize: 4))
        let service = SyncService(store: store, catalog: .standard, http: ScriptedHTTPClient { request in
            requests.add(1)
            return graph(request)
        }, waits: ManualClock(), environment: ["GRAPH_SECRET": MockCredentials.clientSecret])
        let conflict = await #expect(throws: RunConflict.self) { try await service.sync(SyncServiceTests.job(), configFile: "rostersync.yaml") }
        #expect(conflict?.runningRun == running)
        #expect(requests.value == 0)
        #expect(try await store.runs(limit: 10).count == 1, "the refused sync leaves no run of its own")
    }

    @Test func syncsOfDifferentJobsRunAtOnceOnOneStore() async throws {
        let store = WatchedStore()
        var other = SyncServiceTests.job()
        other.name = "entra-2"
        async let first = Self.service(store, users: 20).sync(SyncServiceTests.job(), configFile: "rostersync.yaml")
        async let second = Self.service(store, users: 20).sync(other, configFile: "rostersync.yaml")
        let (a, b) = try await (first, second)
        #expect(Set([a.run.created, b.run.created]) == [20, 0], "the second plans against the first's committed users")
        #expect([a.run.status, b.run.status] == [RunStatus.succeeded, .succeeded])
        #expect(try await store.users().count == 20)
    }
}

@Suite struct RowCodecTests {
    @Test func aPulledRowSurvivesTheStagingFile() throws {
        let original = SourceRow(
            number: 70_000, row: TemplateRow(firstName: "Zoë", lastName: "O'Brien", license: "", extension: "0042", email: "zoe@example.test", role: "Agent", dataCenter: "uk"),
            lineBreaks: [.lastName, .role], attributes: ["Team": "Blue, \"Leeds\"", "Empty": ""], externalID: "00u1",
            issues: [RowIssue(.email, "bad"), RowIssue(nil, "mapping: 😀")])
        let staged = StagedRows(memoryLimit: 1)
        try staged.append(SourceRow(number: 1, row: TemplateRow()))
        for _ in 0..<3 { try staged.append(original) }
        var rows = try staged.makeIterator()
        #expect(try rows.next()?.number == 1)
        for _ in 0..<3 {
            let back = try #require(try rows.next())
            #expect(back.number == original.number && back.row == original.row && back.lineBreaks == original.lineBreaks)
            #expect(back.attributes == original.attributes && back.externalID == original.externalID && back.issues == original.issues)
        }
        #expect(try rows.next() == nil)
    }
}
