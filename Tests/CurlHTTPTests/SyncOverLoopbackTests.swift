import CurlHTTP
import Foundation
import RosterConnectors
import RosterEngine
import RosterTesting
import Testing

/// A whole sync over the real transport: the Graph mock on a loopback server, libcurl, the shipped
/// connector and mapping files, the planner and the in-memory store (issue 6, end to end).
@Suite struct SyncOverLoopbackTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func job(_ server: LoopbackHTTPServer) -> JobConfig {
        var job = JobConfig(name: "entra", connector: repository + "/connectors/microsoft-graph.yaml", mapping: repository + "/mappings/microsoft-graph-users.yaml")
        job.settings = MockVendorJob.graph.config
        job.secrets = ["client_secret": "env:GRAPH_SECRET"]
        job.baseURL = server.baseURL + "/v1.0"
        job.tokenURL = server.baseURL + "/contoso/oauth2/v2.0/token"
        job.onMissing = .deactivate
        job.threshold = .fraction(0.5)
        return job
    }

    static func serve(users: Int, faults: MockFaults = MockFaults()) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(lifetime: .seconds(60), vendorAt: { origin in
            MockVendors.graph(MockVendorOptions(users: users, pageSize: 10, origin: origin, faults: faults))
        })
    }

    @Test(.timeLimit(.minutes(1)))
    func syncCreatesThenRepeatsUnchangedThenDeactivatesOverLibcurl() async throws {
        let store = InMemoryUserStore()
        let http = CurlHTTPClient()
        let waits = ManualClock()
        let service = SyncService(store: store, catalog: .standard, http: http, waits: waits, environment: ["GRAPH_SECRET": MockCredentials.clientSecret])

        let full = try Self.serve(users: 35, faults: MockFaults(throttleOnPage: 2, retryAfter: "3"))
        let first = try await service.sync(Self.job(full), configFile: "rostersync.yaml")
        #expect(first.run.pulled == 35 && first.run.created == 35 && first.run.status == .succeeded)
        #expect(waits.waits == [3], "the 429 on page 2 was waited out, not slept for real")
        let again = try await service.sync(Self.job(full), configFile: "rostersync.yaml", options: SyncOptions(full: true))
        #expect(again.run.unchanged == 35)
        full.stop()

        let shrunk = try Self.serve(users: 30)
        let removed = try await service.sync(Self.job(shrunk), configFile: "rostersync.yaml", options: SyncOptions(full: true))
        #expect(removed.run.deactivated == 5)
        #expect(try await store.users().filter { !$0.record.active }.count == 5)
        shrunk.stop()
        await http.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func aPullThatBreaksMidwayWritesNothing() async throws {
        let store = InMemoryUserStore()
        let http = CurlHTTPClient()
        let service = SyncService(store: store, catalog: .standard, http: http, waits: ManualClock(), environment: ["GRAPH_SECRET": MockCredentials.clientSecret])
        let broken = try Self.serve(users: 35, faults: MockFaults(malformedOnPage: 3))
        await #expect(throws: PullError.self) { try await service.sync(Self.job(broken), configFile: "rostersync.yaml") }
        #expect(try await store.users().isEmpty, "pages 1 and 2 were pulled, but a failed run keeps nothing")
        #expect(try await store.runs(limit: 1).first?.status == .failed)
        broken.stop()
        await http.shutdown()
    }
}
