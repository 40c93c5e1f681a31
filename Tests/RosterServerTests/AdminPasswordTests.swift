import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import Testing

@Suite("Web console: signing in with the admin password")
struct AdminPasswordTests {
    static let password = "correct horse battery staple"
    /// A cheap hash (2^4 rounds) so the tests stay fast; the server checks any cost alike.
    static let hash = AdminPassword.hash(password, cost: 4)
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test("the right password signs in with write rights; the hash appears in no answer")
    func rightPassword() async throws {
        let server = try TestServer(adminPasswordHash: Self.hash)
        try await server.test { client in
            let cookie = try await client.execute(uri: "/login", method: .post, headers: Self.form,
                                                  body: ByteBuffer(string: "token=correct+horse+battery+staple")) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/users")
                #expect(response.headers[.setCookie]?.contains("HttpOnly") == true)
                #expect(!response.text.contains(Self.hash))
                return String(response.headers[.setCookie]?.split(separator: ";").first ?? "")
            }
            for page in ["/users", "/import", "/jobs", "/runs"] {
                try await client.execute(uri: page, method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok, "\(page)")
                    #expect(response.text.contains("admin"), "\(page)")
                    #expect(!response.text.contains("(read only)"), "\(page)")
                    #expect(!response.text.contains(Self.hash) && !response.text.contains(String(Self.hash.suffix(31))), "\(page)")
                }
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.cookie: cookie]) { response in
                #expect(!response.text.contains(Self.hash))
            }
        }
    }

    @Test("a wrong password, a token-like guess or an empty one gets the 401 page without saying which part was wrong",
          arguments: ["correct horse battery stapl", "CORRECT HORSE BATTERY STAPLE", "", "rs_0123456789abcdef"])
    func wrongPassword(_ guess: String) async throws {
        try await TestServer(adminPasswordHash: Self.hash).test { client in
            let body = "token=" + (guess.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            try await client.execute(uri: "/login", method: .post, headers: Self.form, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
                let text = response.text
                #expect(text.contains("Sign-in failed: that is neither one of this server&#39;s API tokens nor its admin password"))
                #expect(!text.contains(Self.hash))
            }
        }
    }

    @Test("without an admin password in the config, the password does not sign in")
    func noPasswordConfigured() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/login", method: .post, headers: Self.form, body: ByteBuffer(string: "token=correct+horse+battery+staple")) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
