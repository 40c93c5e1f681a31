import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import Testing

@Suite("HTTP API: GET /api/runs/{id}/events")
struct RunEventsTests {
    /// The events of a `text/event-stream` body: name and the JSON object of its data line.
    static func events(_ text: String) -> [(name: String, data: [String: Any])] {
        text.components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n")
            guard let name = lines.first(where: { $0.hasPrefix("event: ") })?.dropFirst(7),
                  let data = lines.first(where: { $0.hasPrefix("data: ") })?.dropFirst(6),
                  let object = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] else { return nil }
            return (String(name), object)
        }
    }

    @Test("a running sync streams its progress in order, then one end event with its status and counts", .timeLimit(.minutes(1)))
    func progressThenEnd() async throws {
        let gate = Gate()
        let server = try TestServer(sourceGate: gate)
        try await server.test { client in
            let id = try await client.execute(uri: "/api/jobs/crm-nightly/runs", method: .post, headers: bearer(TestTokens.writer)) { $0.json["id"] as? Int ?? 0 }
            async let body = client.execute(uri: "/api/runs/\(id)/events", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                return response.text
            }
            // The stream is open before the source answers: the run waits at the gate until then.
            try await Task.sleep(for: .milliseconds(500))
            await gate.open()
            let events = Self.events(try await body)
            #expect(events.first?.name == "progress")
            #expect(events.first?.data["phase"] as? String == "pulling")
            #expect(events.first?.data["id"] as? Int == id)
            #expect(events.last?.name == "end")
            #expect(events.filter { $0.name == "end" }.count == 1)
            #expect(events.dropLast().allSatisfy { $0.name == "progress" })
            let phases = events.dropLast().compactMap { $0.data["phase"] as? String }
            let order = ["pulling", "waiting", "writing"]
            #expect(phases.map { order.firstIndex(of: $0) ?? -1 } == phases.map { order.firstIndex(of: $0) ?? -1 }.sorted(), "\(phases)")
            let end = events.last?.data ?? [:]
            #expect(end["id"] as? Int == id)
            #expect(end["status"] as? String == "succeeded")
            #expect(end["created"] as? Int ?? 0 > 0)
        }
    }

    @Test("a finished run sends only its end event and closes")
    func finishedRun() async throws {
        try await TestServer().test { client in
            let id = try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, csvType), body: csv(ImportRouteTests.badRows)) {
                $0.json["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/api/runs/\(id)/events", method: .get, headers: bearer(TestTokens.reader)) { response in
                let events = Self.events(response.text)
                #expect(events.map(\.name) == ["end"])
                #expect(events.first?.data["status"] as? String == "completed with failures")
                #expect(events.first?.data["created"] as? Int == 1)
                #expect(events.first?.data["failed"] as? Int == 2)
            }
        }
    }

    @Test("an unknown run answers 404, a run id that is not a number 400, no token 401")
    func badRequests() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/api/runs/999/events", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .notFound)
                #expect(response.error.contains("no run 999"))
            }
            try await client.execute(uri: "/api/runs/..%2F1/events", method: .get, headers: bearer(TestTokens.reader)) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/runs/1/events", method: .get) { #expect($0.status == .unauthorized) }
        }
    }
}
