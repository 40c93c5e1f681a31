import RosterConnectors
import RosterTesting
import Testing

/// The requests each connector file produces, as CONNECTORS.md describes them.
@Suite struct RequestShapeTests {
    func gets(_ vendor: VendorCase) async throws -> [HTTPRequest] {
        let run = try await runVendor(vendor)
        #expect(run.outcome?.isComplete == true)
        return run.requests.filter { $0.method == .get }
    }

    func vendor(_ file: String) throws -> VendorCase { try #require(VendorCase.all.first { $0.file == file }) }

    @Test func dynamicsAsksForPagesOf500() async throws {
        let requests = try await gets(try vendor("dynamics365"))
        #expect(requests.allSatisfy { $0.header("Prefer") == "odata.maxpagesize=500" })
        #expect(requests[0].url == "https://mock.test/api/data/v9.2/systemusers?$select=systemuserid,firstname,lastname,internalemailaddress,address1_telephone1,isdisabled")
    }

    @Test func graphDeltaAsksForPagesOf999ByHeader() async throws {
        let requests = try await gets(try vendor("microsoft-graph"))
        #expect(requests.allSatisfy { $0.header("Prefer") == "odata.maxpagesize=999" })
        #expect(requests[0].url.hasPrefix("https://mock.test/v1.0/users/delta?$select=id,") && MockRequest(requests[0]).param("$top") == nil)
    }

    @Test func zendeskRepeatsRoleAndUsesCursorPaging() async throws {
        let requests = try await gets(try vendor("zendesk"))
        let first = MockRequest(requests[0])
        #expect(first.params("role[]") == ["agent", "admin"] && first.param("page[size]") == "100")
        #expect(MockRequest(requests[1]).param("page[after]") == "zc-2")
        #expect(requests[0].header("Authorization") == MockVendors.basic("\(MockCredentials.email)/token", MockCredentials.apiToken))
    }

    @Test func serviceNowFollowsTheLinkHeaderInAStableOrder() async throws {
        let requests = try await gets(try vendor("servicenow"))
        #expect(requests.map { MockRequest($0).param("sysparm_offset") } == [nil, "10", "20"])
        #expect(requests.allSatisfy { MockRequest($0).param("sysparm_limit") == "1000" })
        #expect(requests.allSatisfy { MockRequest($0).param("sysparm_query") == "active=true^ORDERBYsys_id" })
    }

    @Test func salesforceFollowsHostRelativeRecordURLsOnTheInstance() async throws {
        let requests = try await gets(try vendor("salesforce"))
        #expect(MockRequest(requests[0]).param("q")?.hasPrefix("SELECT Id,FirstName,LastName,Email,Extension") == true)
        #expect(requests[1].url.hasPrefix("https://mock.test/services/data/v62.0/query/01g"))
    }

    @Test func googleAsksForFullProjectionInPagesOf500() async throws {
        let requests = try await gets(try vendor("google-directory"))
        let first = MockRequest(requests[0])
        #expect(first.param("maxResults") == "500" && first.param("projection") == "full" && first.param("customer") == "my_customer")
        #expect(MockRequest(requests[1]).param("pageToken") == "gp-2")
    }

    @Test func freshdeskFollowsTheLinkHeader() async throws {
        let requests = try await gets(try vendor("freshdesk"))
        #expect(requests.map { MockRequest($0).param("page") } == [nil, "2", "3"])
        #expect(requests[0].header("Authorization") == MockVendors.basic(MockCredentials.apiToken, "X"))
    }
}
