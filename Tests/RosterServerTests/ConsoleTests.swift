import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import Testing

@Suite("Web console: sign-in, session cookie, CSRF, pages")
struct ConsoleTests {
    /// Signs in with `token`; returns the `Cookie` header value and the page's CSRF token.
    static func signIn(_ client: any TestClientProtocol, token: String = TestTokens.writer) async throws -> (cookie: String, csrf: String) {
        let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                              body: ByteBuffer(string: "token=\(token)")) { response in
            #expect(response.status == .found)
            return String(response.headers[.setCookie]?.split(separator: ";").first ?? "")
        }
        let csrf = try await client.execute(uri: "/users", method: .get, headers: [.cookie: cookie]) { response in
            let text = response.text
            guard let range = text.range(of: "name=\"csrf-token\" content=\"") else { return "" }
            return String(text[range.upperBound...].prefix { $0 != "\"" })
        }
        return (cookie, csrf)
    }

    @Test("a page without a session sends the browser to the sign-in page")
    func redirectsToSignIn() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/users", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/login")
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<form method=\"post\" action=\"/login\""))
            }
        }
    }

    @Test("signing in sets an HttpOnly, SameSite=Strict session cookie; a wrong token shows the form again with 401")
    func cookieFlags() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "token=\(TestTokens.writer)")) { response in
                let cookie = response.headers[.setCookie] ?? ""
                #expect(cookie.hasPrefix("rostersync_session="))
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
                #expect(cookie.contains("Path=/"))
                #expect(!cookie.contains(TestTokens.writer))
                #expect(!cookie.contains("Secure"))
            }
            var behindTLS: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            behindTLS.append(HTTPField(name: HTTPField.Name("X-Forwarded-Proto")!, value: "https"))
            try await client.execute(uri: "/login", method: .post, headers: behindTLS, body: ByteBuffer(string: "token=\(TestTokens.writer)")) { response in
                #expect(response.headers[.setCookie]?.contains("Secure") == true)
            }
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "token=wrong")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
                #expect(response.text.contains("Sign-in failed"))
            }
        }
    }

    @Test("every console page renders as HTML with the stylesheet once signed in", arguments: ["/users", "/users?search=bob", "/import", "/jobs", "/runs", "/runs?status=failed"])
    func pages(uri: String) async throws {
        try await TestServer().test { client in
            let (cookie, _) = try await Self.signIn(client)
            try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.text.contains("<link rel=\"stylesheet\" href=\"/assets/console.css\">"))
            }
            try await client.execute(uri: "/assets/console.css", method: .get) { #expect($0.status == .ok && $0.text.contains(".badge")) }
        }
    }

    @Test("bad console addresses answer a styled page with the status and what to do, never JSON", arguments: [
        ("/users?job=nope", HTTPResponse.Status.badRequest, "job must be the name of a configured job"),
        ("/runs/9999", .notFound, "9999"),
        ("/runs/..%2Fetc", .badRequest, "run"),
        ("/no-such-page", .notFound, "There is no page at /no-such-page"),
    ])
    func badAddressesArePages(path: String, status: HTTPResponse.Status, text: String) async throws {
        try await TestServer().test { client in
            let (cookie, _) = try await Self.signIn(client)
            try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == status)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.text.contains("<!doctype html>"))
                #expect(response.text.contains(text))
            }
        }
    }

    @Test("a cross-site form post without the CSRF token answers 403 and starts nothing")
    func formWithoutCSRF() async throws {
        let server = try TestServer()
        try await server.test { client in
            let (cookie, _) = try await Self.signIn(client)
            try await client.execute(uri: "/jobs/crm-nightly/run", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "csrf=forged")) { response in
                #expect(response.status == .forbidden)
                #expect(response.text.contains("CSRF token"), "a console page saying why")
            }
            try await client.execute(uri: "/api/imports", method: .post, headers: [.cookie: cookie, .contentType: "text/csv"], body: try example("examples/users.csv")) { response in
                #expect(response.status == .forbidden)
                #expect(response.error.contains("CSRF"))
            }
        }
        let store = server.store
        #expect(try await store.runs(limit: 10).isEmpty)
    }

    @Test("with the CSRF token the console imports through the API and runs a job, then shows the run page")
    func signedInActions() async throws {
        let server = try TestServer()
        try await server.test { client in
            let (cookie, csrf) = try await Self.signIn(client)
            #expect(!csrf.isEmpty)
            var headers: HTTPFields = [.cookie: cookie, .contentType: "text/csv"]
            headers.append(HTTPField(name: HTTPField.Name("X-CSRF-Token")!, value: csrf))
            try await client.execute(uri: "/api/imports?filename=users.csv", method: .post, headers: headers, body: try example("examples/users.csv")) { response in
                #expect(response.status == .created)
            }
            let location = try await client.execute(uri: "/jobs/crm-nightly/run", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "csrf=\(csrf)")) { response in
                #expect(response.status == .found)
                return response.headers[.location] ?? ""
            }
            #expect(location.hasPrefix("/runs/"))
            _ = try await JobAndRunRouteTests.waitForRun(Int(location.dropFirst(6)) ?? 0, client)
            try await client.execute(uri: location, method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("sync of crm-nightly"))
                #expect(response.text.contains("badge ok"))
            }
            try await client.execute(uri: "/users", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.text.contains("barb@company.com"))
            }
        }
    }

    @Test("a read-only session sees no import form and cannot run a job")
    func readOnlySession() async throws {
        let server = try TestServer()
        try await server.test { client in
            let (cookie, csrf) = try await Self.signIn(client, token: TestTokens.reader)
            try await client.execute(uri: "/import", method: .get, headers: [.cookie: cookie]) { response in
                #expect(!response.text.contains("id=\"dropzone\""))
            }
            try await client.execute(uri: "/jobs/crm-nightly/run", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "csrf=\(csrf)")) { response in
                #expect(response.status == .forbidden)
            }
        }
        let store = server.store
        #expect(try await store.runs(limit: 10).isEmpty)
    }

    @Test("text from the roster is escaped in pages")
    func escapes() {
        #expect(HTML.escape("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
    }
}
