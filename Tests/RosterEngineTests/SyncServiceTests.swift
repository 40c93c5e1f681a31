import Foundation
import RosterConnectors
import RosterCore
import RosterEngine
import RosterTesting
import Testing

/// End-to-end syncs of the Graph connector and mapping against the Graph mock (DESIGN §2, issue 6).
@Suite struct SyncServiceTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func job(onMissing: JobConfig.OnMissing = .deactivate, threshold: JobConfig.Threshold = .fraction(0.5)) -> JobConfig {
        var job = JobConfig(name: "entra", connector: repository + "/connectors/microsoft-graph.yaml", mapping: repository + "/mappings/microsoft-graph-users.yaml")
        job.settings = ["tenant_id": "contoso", "client_id": MockCredentials.clientID]
        job.secrets = ["client_secret": "env:GRAPH_SECRET"]
        job.baseURL = "https://mock.test/v1.0"
        job.tokenURL = "https://mock.test/contoso/oauth2/v2.0/token"
        job.onMissing = onMissing
        job.threshold = threshold
        return job
    }

    /// A sync service over the Graph mock serving `users` users (4 per page), with `rewrite` applied to bodies.
    /// Later syncs pass `full` (``SyncOptions``): the Graph connector otherwise follows the stored
    /// delta link, which only returns changes (tested on its own below).
    static let full = SyncOptions(full: true)

    static func service(_ store: InMemoryUserStore, users: Int, faults: MockFaults = MockFaults(), delta: MockGraphDelta = MockGraphDelta(),
                        rewrite: (@Sendable (String) -> String)? = nil) -> SyncService {
        let graph = MockVendors.graph(MockVendorOptions(users: users, pageSize: 4, faults: faults), delta: delta)
        let http = ScriptedHTTPClient { request in
            var response = graph(request)
            if let rewrite { response.body = Array(rewrite(String(decoding: response.body, as: UTF8.self)).utf8) }
            return response
        }
        return SyncService(store: store, catalog: .standard, http: http, waits: ManualClock(), environment: ["GRAPH_SECRET": MockCredentials.clientSecret])
    }

    @Test func firstSyncCreatesAndSecondChangesNothing() async throws {
        let store = InMemoryUserStore()
        let first = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml")
        #expect(first.run.created == 10)
        #expect(first.run.pulled == 10)
        #expect(first.run.status == .succeeded)
        let before = try await store.users()
        let second = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml", options: Self.full)
        #expect(second.run.unchanged == 10)
        #expect(second.run.created + second.run.updated + second.run.deactivated == 0)
        #expect(try await store.users() == before, "a repeat sync writes no user (only the job's cursor)")
        #expect(try await store.users().count == 10)
    }

    @Test func renamedEmailUpdatesTheSameUser() async throws {
        let store = InMemoryUserStore()
        _ = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml")
        let renamed = try await Self.service(store, users: 10) { $0.replacingOccurrences(of: "user3@example.test", with: "jane.renamed@example.test") }
            .sync(Self.job(), configFile: "rostersync.yaml", options: Self.full)
        #expect(renamed.run.updated == 1)
        #expect(renamed.renamed == 1)
        #expect(renamed.run.created == 0)
        let emails = try await store.users().map(\.record.row.email)
        #expect(emails.count == 10)
        #expect(emails.contains("jane.renamed@example.test"))
        #expect(!emails.contains("user3@example.test"))
    }

    @Test func removedUserIsDeactivatedNotDeletedAndComesBack() async throws {
        let store = InMemoryUserStore()
        _ = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml")
        let shrunk = try await Self.service(store, users: 9).sync(Self.job(), configFile: "rostersync.yaml", options: Self.full)
        #expect(shrunk.run.deactivated == 1)
        let users = try await store.users()
        #expect(users.count == 10)
        #expect(users.filter { !$0.record.active }.map(\.record.row.email) == ["user10@example.test"])
        let back = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml", options: Self.full)
        #expect(back.run.updated == 1)
        #expect(try await store.users().allSatisfy(\.record.active))
    }

    @Test func emptyPullTripsTheSafeguard() async throws {
        let store = InMemoryUserStore()
        _ = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml")
        let empty = try await Self.service(store, users: 0).sync(Self.job(), configFile: "rostersync.yaml", options: Self.full)
        #expect(empty.run.status == .safeguardTripped)
        #expect(empty.run.deactivated == 0)
        #expect(empty.run.message?.contains("--allow-deactivations") == true)
        #expect(try await store.users().allSatisfy(\.record.active))
    }

    @Test func halfRemovedTripsTheThresholdUntilAllowed() async throws {
        let store = InMemoryUserStore()
        let job = Self.job(threshold: .fraction(0.1))
        _ = try await Self.service(store, users: 10).sync(job, configFile: "rostersync.yaml")
        let half = try await Self.service(store, users: 5).sync(job, configFile: "rostersync.yaml", options: Self.full)
        #expect(half.run.status == .safeguardTripped)
        #expect(half.run.deactivated == 0)
        #expect(try await store.users().allSatisfy(\.record.active))
        let allowed = try await Self.service(store, users: 5).sync(job, configFile: "rostersync.yaml", options: SyncOptions(full: true, allowDeactivations: 5))
        #expect(allowed.run.deactivated == 5)
    }

    @Test func dryRunWritesNothingAndShowsOldAndNew() async throws {
        let store = InMemoryUserStore()
        _ = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml")
        let before = try await store.users()
        let runs = try await store.runs(limit: 10).count
        let dry = try await Self.service(store, users: 9) { $0.replacingOccurrences(of: "Family2\"", with: "Smith\"") }
            .sync(Self.job(), configFile: "rostersync.yaml", options: SyncOptions(dryRun: true, full: true))
        #expect(try await store.users() == before)
        #expect(try await store.runs(limit: 10).count == runs)
        #expect(dry.run.updated == 1 && dry.run.deactivated == 1)
        let update = try #require(dry.plan.first { $0.action == .update })
        #expect(update.changes.map(\.column) == ["Last Name"])
        #expect(update.changes.first?.old == "Family2" && update.changes.first?.new == "Smith")
        #expect(dry.plan.contains { $0.action == .deactivate && $0.email == "user10@example.test" })
    }

    @Test func deltaSyncAppliesChangesAndRemovals() async throws {
        let store = InMemoryUserStore()
        _ = try await Self.service(store, users: 10).sync(Self.job(), configFile: "rostersync.yaml")
        let delta = try await Self.service(store, users: 10, delta: MockGraphDelta(changed: [1], removed: [9]))
            .sync(Self.job(), configFile: "rostersync.yaml")
        #expect(delta.run.pulled == 1)
        #expect(delta.run.unchanged == 1)
        #expect(delta.run.deactivated == 1)
        #expect(try await store.users().filter { !$0.record.active }.map(\.record.row.email) == ["user10@example.test"])
    }

    @Test func failedPullWritesNothingAndIsRecorded() async throws {
        let store = InMemoryUserStore()
        await #expect(throws: PullError.self) {
            try await Self.service(store, users: 10, faults: MockFaults(malformedOnPage: 2)).sync(Self.job(), configFile: "rostersync.yaml")
        }
        #expect(try await store.users().isEmpty)
        let run = try #require(try await store.runs(limit: 1).first)
        #expect(run.status == .failed)
        #expect(run.message?.contains("nothing was written") == true)
    }

    @Test func missingSecretIsAConfigErrorWithoutTheValue() async throws {
        let store = InMemoryUserStore()
        let service = SyncService(store: store, catalog: .standard, http: ScriptedHTTPClient(vendor: MockVendors.graph(MockVendorOptions(users: 1, pageSize: 1))),
                                  waits: ManualClock(), environment: [:])
        let error = await #expect(throws: ConfigError.self) { try await service.sync(Self.job(), configFile: "rostersync.yaml") }
        #expect(error?.description.contains("GRAPH_SECRET") == true)
        #expect(try await store.runs(limit: 1).isEmpty)
    }
}
