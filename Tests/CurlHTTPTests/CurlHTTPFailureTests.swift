import CurlHTTP
import Foundation
import RosterConnectors
import RosterTesting
import Testing

@Suite struct FailuresAndConcurrency {
    @Test func refusedConnectionIsConnectionFailed() async throws {
        let port = try closedPort()
        let client = CurlHTTPClient()
        defer { Task { await client.shutdown() } }
        let error = await #expect(throws: TransportError.self) {
            try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/x"))
        }
        #expect(error?.kind == .connectionFailed)
    }

    @Test func droppedConnectionIsConnectionFailed() async throws {
        try await withLoopback({ _ in .closeWithoutAnswer }) { server, client in
            let error = await #expect(throws: TransportError.self) {
                try await client.send(HTTPRequest(url: server.baseURL + "/x"))
            }
            #expect(error?.kind == .connectionFailed)
        }
    }

    @Test func hangingServerTimesOut() async throws {
        try await withLoopback({ _ in .hangWithoutAnswer }) { server, client in
            let start = ContinuousClock.now
            let error = await #expect(throws: TransportError.self) {
                try await client.send(HTTPRequest(url: server.baseURL + "/slow", totalTimeout: 1))
            }
            #expect(error?.kind == .timedOut)
            // The server never answers: ending at all proves the 1 s limit works; the bound is
            // generous so a loaded CI machine cannot make it flaky.
            #expect(ContinuousClock.now - start < .seconds(120))
        }
    }

    @Test func cancellingTheTaskAbortsAHangingRequest() async throws {
        let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
        try await withLoopback({ _ in
            arrived.yield()
            return .hangWithoutAnswer
        }) { server, client in
            let task = Task { try await client.send(HTTPRequest(url: server.baseURL + "/slow", totalTimeout: 60)) }
            var iterator = arrivals.makeAsyncIterator()
            _ = await iterator.next()
            let start = ContinuousClock.now
            task.cancel()
            let error = await #expect(throws: TransportError.self) { try await task.value }
            #expect(error?.kind == .cancelled)
            // Far below the request's 60 s limit, with room for a loaded CI machine.
            #expect(ContinuousClock.now - start < .seconds(20))
        }
    }

    @Test func cancellingAQueuedRequestEndsItAtOnce() async throws {
        let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
        let server = try LoopbackHTTPServer(lifetime: .seconds(60)) { _ in
            arrived.yield()
            return .hangWithoutAnswer
        }
        defer { server.stop() }
        let client = CurlHTTPClient(maxConcurrentTransfers: 1)
        let busy = Task { try await client.send(HTTPRequest(url: server.baseURL + "/busy", totalTimeout: 60)) }
        var iterator = arrivals.makeAsyncIterator()
        _ = await iterator.next()
        let queued = Task { try await client.send(HTTPRequest(url: server.baseURL + "/queued", totalTimeout: 60)) }
        queued.cancel()
        let error = await #expect(throws: TransportError.self) { try await queued.value }
        #expect(error?.kind == .cancelled)
        #expect(server.connectionsAccepted == 1)

        await client.shutdown()  // also aborts the busy request
        let busyError = await #expect(throws: TransportError.self) { try await busy.value }
        #expect(busyError?.kind == .cancelled)
    }

    @Test func alreadyCancelledTaskFailsWithoutSending() async throws {
        let log = RequestLog()
        try await withLoopback({ request in
            await log.record(request)
            return HTTPResponse(status: 200)
        }) { server, client in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.send(HTTPRequest(url: server.baseURL + "/x"))
            }
            let error = await #expect(throws: TransportError.self) { try await task.value }
            #expect(error?.kind == .cancelled)
            #expect(await log.requests.isEmpty)
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withLoopback({ request in HTTPResponse(status: 200, body: Array(request.url.utf8)) }) { server, client in
            for page in 1...3 {
                let response = try await client.send(HTTPRequest(url: server.baseURL + "/page/\(page)"))
                #expect(response.text == "/page/\(page)")
            }
            #expect(server.connectionsAccepted == 1)
            #expect(server.requestsServed == 3)
        }
    }

    @Test func twentyConcurrentRequestsAllSucceed() async throws {
        try await withLoopback({ request in HTTPResponse(status: 200, body: Array(request.url.utf8)) }) { server, client in
            let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<20 {
                    group.addTask { (index, try await client.send(HTTPRequest(url: server.baseURL + "/item/\(index)")).text) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(bodies.count == 20)
            #expect(bodies.allSatisfy { $0.value == "/item/\($0.key)" })
            #expect(server.requestsServed == 20)
            #expect(server.connectionsAccepted <= 4)
        }
    }

    @Test func requestsAfterShutdownAreRefused() async throws {
        let client = CurlHTTPClient()
        await client.shutdown()
        let error = await #expect(throws: TransportError.self) {
            try await client.send(HTTPRequest(url: "http://127.0.0.1:1/x"))
        }
        #expect(error?.kind == .cancelled)
    }
}

@Test(arguments: [("X-Injected", "a\r\nHost: evil"), ("X-Bad\nName", "v"), ("", "v")])
func headerWithLineBreakIsRefusedBeforeSending(name: String, value: String) async throws {
    let log = RequestLog()
    try await withLoopback({ request in
        await log.record(request)
        return HTTPResponse(status: 200)
    }) { server, client in
        let error = await #expect(throws: TransportError.self) {
            try await client.send(HTTPRequest(url: server.baseURL + "/x", headers: [(name, value)]))
        }
        #expect(error?.kind == .other)
        #expect(await log.requests.isEmpty)
    }
}

@Suite struct ErrorTextCarriesNoSecrets {
    enum Failure: CaseIterable { case refused, timeout, disallowedScheme, bodyTooLarge }

    @Test(arguments: Failure.allCases)
    func descriptionHasNoUserinfoOrQuery(failure: Failure) async throws {
        let refusedPort = try closedPort()
        try await withLoopback({ _ in
            failure == .timeout ? .hangWithoutAnswer : HTTPResponse(status: 200, body: Array(repeating: 1, count: 2048))
        }) { server, client in
            let port = failure == .refused ? refusedPort : server.port
            let scheme = failure == .disallowedScheme ? "ftp" : "http"
            let url = "\(scheme)://user:secret@127.0.0.1:\(port)/x?token=abc#frag"
            let error = await #expect(throws: TransportError.self) {
                try await client.send(HTTPRequest(url: url, totalTimeout: 1, maxBodyBytes: 1024))
            }
            let text = try #require(error).description
            #expect(text.hasPrefix("\(scheme)://127.0.0.1:\(port)/x: "))
            for secret in ["user", "secret", "token", "abc", "frag", "?"] {
                #expect(!text.contains(secret), "\(text)")
            }
        }
    }
}
