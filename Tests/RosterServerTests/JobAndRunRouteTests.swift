import Foundation
import Hummingbird
import HummingbirdTesting
import RosterEngine
@testable import RosterServer
import Testing

@Suite("HTTP API: jobs, runs, users, template")
struct JobAndRunRouteTests {
    /// Polls the run until it is no longer running (at most 60 s, every 20 ms).
    static func waitForRun(_ id: Int, _ client: any TestClientProtocol) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let run = try await client.execute(uri: "/api/runs/\(id)", method: .get, headers: bearer(TestTokens.reader)) { $0.json }
            if run["status"] as? String != "running" { return run }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("run \(id) did not finish")
        return [:]
    }

    @Test("GET /api/jobs lists each job with its schedule, next time in its zone and last run")
    func jobs() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/api/jobs", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .ok)
                let job = (response.json["jobs"] as? [[String: Any]])?.first ?? [:]
                #expect(job["name"] as? String == "crm-nightly")
                #expect(job["schedule"] as? String == "0 2 * * *")
                #expect((job["nextRun"] as? String)?.contains("T02:00:00-0") == true)
                #expect(job["running"] as? Bool == false)
                #expect(job["lastRun"] == nil)
            }
        }
    }

    @Test("POST /api/jobs/{name}/runs answers 202 with the run id at once; the run finishes in the background")
    func startRun() async throws {
        let server = try TestServer()
        try await server.test { client in
            let id = try await client.execute(uri: "/api/jobs/crm-nightly/runs", method: .post, headers: bearer(TestTokens.writer)) { response in
                #expect(response.status == .accepted)
                #expect(response.headers[.location]?.hasPrefix("/api/runs/") == true)
                return response.json["id"] as? Int ?? 0
            }
            let run = try await Self.waitForRun(id, client)
            #expect(run["status"] as? String == "succeeded")
            #expect(run["kind"] as? String == "sync")
            #expect(run["created"] as? Int ?? 0 > 0)
            #expect(run["instance"] as? String == RunInstance.current.description, "the instance that ran it")
            try await client.execute(uri: "/api/runs?job=crm-nightly", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect((response.json["runs"] as? [[String: Any]])?.first?["id"] as? Int == id)
            }
        }
    }

    @Test("a second run of a running job answers 409")
    func conflict() async throws {
        let gate = Gate()
        let server = try TestServer(sourceGate: gate)
        try await server.test { client in
            let id = try await client.execute(uri: "/api/jobs/crm-nightly/runs", method: .post, headers: bearer(TestTokens.writer)) { $0.json["id"] as? Int ?? 0 }
            try await client.execute(uri: "/api/jobs/crm-nightly/runs", method: .post, headers: bearer(TestTokens.writer)) { response in
                #expect(response.status == .conflict)
                #expect(response.error.contains("already running (run \(id))"))
            }
            await gate.open()
            #expect(try await Self.waitForRun(id, client)["status"] as? String == "succeeded")
        }
    }

    @Test("dry_run=true answers 200 with the plan and writes nothing")
    func dryRunJob() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/jobs/crm-nightly/runs?dry_run=true", method: .post, headers: bearer(TestTokens.writer)) { response in
                #expect(response.status == .ok)
                let plan = response.json["plan"] as? [[String: Any]] ?? []
                #expect(plan.first?["action"] as? String == "create")
            }
        }
        let store = server.store
        #expect(try await store.users().isEmpty)
    }

    @Test("an unknown job answers 404 naming the jobs")
    func unknownJob() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/api/jobs/nightly/runs", method: .post, headers: bearer(TestTokens.writer)) { response in
                #expect(response.status == .notFound)
                #expect(response.error.contains("crm-nightly"))
            }
        }
    }

    @Test("a run id that is not a number, or a path trick, answers 400; an unknown run 404", arguments: [
        ("/api/runs/abc", 400), ("/api/runs/..%2F..%2Fetc%2Fpasswd", 400), ("/api/runs/-1", 400), ("/api/runs/999", 404),
        ("/api/runs/999/failures", 404), ("/api/runs/999/failures.csv", 404), ("/api/runs/1%00/failures", 400),
    ])
    func badRunIDs(uri: String, status: Int) async throws {
        try await TestServer().test { client in
            try await client.execute(uri: uri, method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status.code == status, "\(uri): \(response.text)")
                #expect(!response.error.isEmpty)
            }
        }
    }

    @Test("bad list parameters answer 400 saying what to write", arguments: [
        "/api/runs?status=done", "/api/runs?limit=0", "/api/users?limit=abc", "/api/users?active=maybe", "/api/runs?offset=-3",
    ])
    func badParameters(uri: String) async throws {
        try await TestServer().test { client in
            try await client.execute(uri: uri, method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .badRequest)
                #expect(response.error.contains("must be"))
            }
        }
    }

    @Test("GET /api/users pages by cursor and searches by email or name")
    func usersPaging() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/users.csv")) { #expect($0.status == .created) }
            let cursor = try await client.execute(uri: "/api/users?limit=2", method: .get, headers: bearer(TestTokens.reader)) { response in
                let users = response.json["users"] as? [[String: Any]] ?? []
                #expect(users.map { $0["email"] as? String } == ["barb@company.com", "bob@company.com"])
                return response.json["nextCursor"] as? String ?? ""
            }
            try await client.execute(uri: "/api/users?limit=2&cursor=\(cursor)", method: .get, headers: bearer(TestTokens.reader)) { response in
                let users = response.json["users"] as? [[String: Any]] ?? []
                #expect(users.map { $0["email"] as? String } == ["drew@company.com"])
                #expect(response.json["nextCursor"] == nil)
            }
            try await client.execute(uri: "/api/users?search=kingston", method: .get, headers: bearer(TestTokens.reader)) { response in
                let users = response.json["users"] as? [[String: Any]] ?? []
                #expect(users.map { $0["email"] as? String } == ["barb@company.com"])
            }
            try await client.execute(uri: "/api/users?role=agent&license=ENTERPRISE&active=true", method: .get, headers: bearer(TestTokens.reader)) { response in
                let users = response.json["users"] as? [[String: Any]] ?? []
                #expect(users.map { $0["email"] as? String } == ["bob@company.com"])
            }
        }
    }

    @Test("users written to the store outside the server (another process) show within the pages' freshness")
    func outsideWritesShow() async throws {
        let server = try TestServer()
        let store = server.store
        try await server.test { client in
            try await client.execute(uri: "/api/users", method: .get, headers: bearer(TestTokens.reader)) { #expect(($0.json["users"] as? [Any])?.isEmpty == true) }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).csv").path
            try Data(ImportRouteTests.badRows.utf8).write(to: URL(fileURLWithPath: file))
            defer { for path in [file, file + ".errors.csv"] { try? FileManager.default.removeItem(atPath: path) } }
            _ = try await ImportService(store: store, catalog: .standard).importFile(at: file, options: ImportOptions(reportPath: file + ".errors.csv"))
            try await Task.sleep(for: UsersPageCache.freshness)
            try await client.execute(uri: "/api/users", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect((response.json["users"] as? [[String: Any]])?.map { $0["email"] as? String } == ["ann@company.com"])
            }
        }
    }

    @Test("a page asked again right after an import through this server shows the imported users")
    func importsShowAtOnce() async throws {
        try await TestServer().test { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/api/users", method: .get, headers: bearer(TestTokens.reader)) { #expect(($0.json["users"] as? [Any])?.isEmpty == true) }
            }
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/users.csv")) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/users", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect((response.json["users"] as? [[String: Any]])?.count == 3)
            }
        }
    }

    @Test("GET /api/template.csv is the import template with its sample rows")
    func template() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/api/template.csv", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .ok)
                #expect(response.text.hasPrefix("First Name,Last Name,License,Extension,Email Address,Role,Data Center"))
            }
        }
    }

    @Test("a scheduled run shows the scheduled time it stands for")
    func scheduledRunShowsItsTime() async throws {
        let server = try TestServer()
        var record = RunRecord(kind: "sync", source: "crm-nightly", trigger: .schedule, startedAt: Date(timeIntervalSince1970: 1_796_000_000))
        record.scheduledFor = Date(timeIntervalSince1970: 1_795_999_980)
        let id = try await server.store.beginRun(record)
        try await server.test { client in
            try await client.execute(uri: "/api/runs/\(id)", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.json["scheduledFor"] as? String == "2026-11-30T00:53:00Z")
                #expect(response.json["trigger"] as? String == "schedule")
            }
        }
    }

    @Test("an unknown route answers 404 with a JSON error")
    func unknownRoute() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/api/nothing", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .notFound)
                #expect(response.error.contains("docs/openapi.yaml"))
            }
        }
    }
}
