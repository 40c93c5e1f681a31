import RosterConnectors
import RosterCore
import RosterTesting
import Testing

/// The mocks must work unchanged behind a loopback server, which hands them request targets.
@Suite struct MockVendorTests {
    @Test func handlersAcceptRequestTargetsAsWellAsAbsoluteURLs() throws {
        let handler = MockVendors.hubspot(MockVendorOptions(users: 3, pageSize: 2, origin: "http://127.0.0.1:8080"))
        let headers = [(name: "Authorization", value: "Bearer \(MockCredentials.apiToken)")]
        let target = handler(HTTPRequest(url: "/crm/v3/owners?limit=100", headers: headers))
        let absolute = handler(HTTPRequest(url: "http://127.0.0.1:8080/crm/v3/owners?limit=100", headers: headers))
        #expect(target.status == 200 && JSONBody.parse(target.body) == JSONBody.parse(absolute.body))
        let next = try #require(JSONBody.parse(target.body)?["paging"]?["next"]?["link"]?.scalarText)
        #expect(next.hasPrefix("http://127.0.0.1:8080/crm/v3/owners?"))
    }

    @Test func mocksRejectWrongCredentials() {
        let handler = MockVendors.zendesk(MockVendorOptions(users: 3, pageSize: 2))
        let response = handler(HTTPRequest(url: "/api/v2/users.json?role[]=agent&role[]=admin",
                                           headers: [("Authorization", MockVendors.basic("x@example.test/token", "wrong"))]))
        #expect(response.status == 401)
    }
}
