import CurlHTTP
import Foundation
import RosterConnectors
import RosterTesting
import Testing

@Suite struct RequestsAndResponses {
    @Test func getSendsQueryAndHeaders() async throws {
        let log = RequestLog()
        try await withLoopback({ request in
            await log.record(request)
            return HTTPResponse(status: 200, body: Array(request.url.utf8))
        }) { server, client in
            let response = try await client.send(HTTPRequest(
                url: server.baseURL + "/v1.0/users?$top=999&$select=id,mail",
                headers: [("Authorization", "Bearer t0ken"), ("Accept", "application/json")]))
            #expect(response.status == 200)
            #expect(response.text == "/v1.0/users?$top=999&$select=id,mail")
            let received = try #require(await log.requests.first)
            #expect(received.method == .get)
            #expect(received.header("authorization") == "Bearer t0ken")
            #expect(received.header("Accept") == "application/json")
            #expect(received.body == nil)
        }
    }

    /// Bodies are built inside the test: swift-testing describes each argument, which is slow for megabytes.
    enum PostBody: CaseIterable {
        case form, binaryThreeMegabytesWithNULs

        var bytes: [UInt8] {
            switch self {
            case .form:
                Array("grant_type=client_credentials&client_id=abc&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default".utf8)
            case .binaryThreeMegabytesWithNULs:
                (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            }
        }
    }

    @Test(arguments: PostBody.allCases)
    func postBodyArrivesExactly(kind: PostBody) async throws {
        let body = kind.bytes
        let log = RequestLog()
        try await withLoopback({ request in
            await log.record(request)
            return HTTPResponse(status: 200)
        }) { server, client in
            let response = try await client.send(HTTPRequest(
                method: .post, url: server.baseURL + "/oauth2/v2.0/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body))
            #expect(response.status == 200)
            let received = try #require(await log.requests.first)
            #expect(received.method == .post)
            #expect(received.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(received.header("Expect") == nil)
            #expect(received.body == body)
        }
    }

    @Test func statusAndRepeatedHeadersKeepTheirOrder() async throws {
        try await withLoopback({ _ in
            HTTPResponse(
                status: 201,
                headers: [("Set-Cookie", "a=1"), ("X-Page", "2"), ("Set-Cookie", "b=2"), ("Link", "<next>; rel=\"next\"")],
                body: Array("created".utf8))
        }) { server, client in
            let response = try await client.send(HTTPRequest(url: server.baseURL + "/items"))
            #expect(response.status == 201)
            #expect(response.text == "created")
            #expect(response.values("set-cookie") == ["a=1", "b=2"])
            #expect(response.header("Link") == "<next>; rel=\"next\"")
            let names = response.headers.map { $0.name.lowercased() }
            #expect(names.firstIndex(of: "set-cookie")! < names.firstIndex(of: "x-page")!)
            #expect(names.firstIndex(of: "x-page")! < names.lastIndex(of: "set-cookie")!)
        }
    }

    @Test(arguments: [404, 500, 503])
    func errorStatusesAreResponses(status: Int) async throws {
        try await withLoopback({ _ in HTTPResponse(status: status, body: Array("nope".utf8)) }) { server, client in
            let response = try await client.send(HTTPRequest(url: server.baseURL + "/missing"))
            #expect(response.status == status)
            #expect(response.text == "nope")
        }
    }

    @Test func bodyAtTheCapIsAcceptedAndOneByteMoreIsNot() async throws {
        let body = [UInt8](repeating: 7, count: 100_000)
        try await withLoopback({ _ in HTTPResponse(status: 200, body: body) }) { server, client in
            let exact = try await client.send(HTTPRequest(url: server.baseURL + "/big", maxBodyBytes: 100_000))
            #expect(exact.body.count == 100_000)
            let error = await #expect(throws: TransportError.self) {
                try await client.send(HTTPRequest(url: server.baseURL + "/big", maxBodyBytes: 99_999))
            }
            #expect(error?.kind == .bodyTooLarge)
        }
    }
}

@Suite struct SchemesAndRedirects {
    @Test func fileURLIsRefusedUnlessAllowed() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("users.csv")
        try Data("id,mail\n1,a@example.com\n".utf8).write(to: file)
        let client = CurlHTTPClient()
        defer { Task { await client.shutdown() } }

        let refused = await #expect(throws: TransportError.self) {
            try await client.send(HTTPRequest(url: file.absoluteString))
        }
        #expect(refused?.kind == .disallowedScheme)

        let response = try await client.send(HTTPRequest(url: file.absoluteString, allowedSchemes: ["file"]))
        #expect(response.status == 200)
        #expect(response.text == "id,mail\n1,a@example.com\n")

        let capped = await #expect(throws: TransportError.self) {
            try await client.send(HTTPRequest(url: file.absoluteString, allowedSchemes: ["file"], maxBodyBytes: 8))
        }
        #expect(capped?.kind == .bodyTooLarge)
    }

    @Test(arguments: ["ftp://example.com/x", "FILE:///etc/hostname", "example.com/users", "gopher://127.0.0.1/"])
    func disallowedSchemeFailsBeforeAnyIO(url: String) async throws {
        let client = CurlHTTPClient()
        defer { Task { await client.shutdown() } }
        let error = await #expect(throws: TransportError.self) { try await client.send(HTTPRequest(url: url)) }
        #expect(error?.kind == .disallowedScheme)
    }

    @Test(arguments: ["file:///etc/hostname", "https://127.0.0.1:1/elsewhere", "ftp://127.0.0.1/x"])
    func redirectToAnotherSchemeIsNotFollowed(location: String) async throws {
        let log = RequestLog()
        try await withLoopback({ request in
            await log.record(request)
            return HTTPResponse(status: 302, headers: [("Location", location)])
        }) { server, client in
            let error = await #expect(throws: TransportError.self) {
                try await client.send(HTTPRequest(url: server.baseURL + "/start", allowedSchemes: ["http", "https", "file"]))
            }
            #expect(error?.kind == .disallowedScheme)
            #expect(await log.requests.count == 1)
        }
    }

    @Test func sameSchemeRedirectIsFollowedAndOnlyFinalHeadersKept() async throws {
        try await withLoopback({ request in
            if request.url == "/start" {
                return HTTPResponse(status: 302, headers: [("Location", "/final?page=2"), ("X-Stage", "first")], body: Array("moved".utf8))
            }
            return HTTPResponse(status: 200, headers: [("X-Stage", "final"), ("X-Target", request.url)], body: Array("done".utf8))
        }) { server, client in
            let response = try await client.send(HTTPRequest(url: server.baseURL + "/start"))
            #expect(response.status == 200)
            #expect(response.text == "done")
            #expect(response.values("X-Stage") == ["final"])
            #expect(response.header("X-Target") == "/final?page=2")
            #expect(response.header("Location") == nil)
        }
    }

    @Test func redirectLoopStopsAfterFiveHops() async throws {
        let log = RequestLog()
        try await withLoopback({ request in
            await log.record(request)
            return HTTPResponse(status: 302, headers: [("Location", "/again")])
        }) { server, client in
            let error = await #expect(throws: TransportError.self) {
                try await client.send(HTTPRequest(url: server.baseURL + "/again"))
            }
            #expect(error?.kind == .other)
            #expect(await log.requests.count == 6)
        }
    }
}
