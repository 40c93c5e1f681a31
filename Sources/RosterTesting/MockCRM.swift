public import RosterConnectors
import RosterCore

extension MockVendors {
    /// Salesforce: client-credentials token returning `instance_url` = `options.origin`; SOQL query
    /// pages with host-relative `nextRecordsUrl` and `done`; 401 `INVALID_SESSION_ID`; with
    /// `throttleAs403`, throttles are 403 `REQUEST_LIMIT_EXCEEDED`.
    public static func salesforce(_ options: MockVendorOptions, throttleAs403: Bool = false) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        let queryPath = "/services/data/v62.0/query"
        return { request in
            let call = MockRequest(request)
            if call.path == "/services/oauth2/token" {
                return clientCredentialsToken(call, tenant: tenant, extra: ["instance_url": .string(options.origin)])
            }
            guard call.path.hasPrefix(queryPath) else { return MockResponse.notFound(call.path) }
            let unauthorized = { MockResponse.json(.array([.object(["message": .string("Session expired or invalid"), "errorCode": .string("INVALID_SESSION_ID")])]), status: 401) }
            guard tenant.hasValidToken(request) else { return unauthorized() }
            let page: Int
            if call.path == queryPath {
                guard call.param("q")?.hasPrefix("SELECT ") == true else {
                    return MockResponse.json(.array([.object(["message": .string("unexpected token"), "errorCode": .string("MALFORMED_QUERY")])]), status: 400)
                }
                page = 1
            } else {
                page = pageNumber(call.path.split(separator: "-").last.map(String.init), prefix: "")
            }
            let throttle: (String?) -> HTTPResponse = { retryAfter in
                let body = JSONValue.array([.object(["message": .string("TotalRequests Limit exceeded."), "errorCode": .string("REQUEST_LIMIT_EXCEEDED")])])
                return MockResponse.json(body, status: throttleAs403 ? 403 : 429, headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
            }
            if let fault = tenant.fault(page: page, throttle: throttle, unauthorized: unauthorized) { return fault }
            let size = options.pageSize
            let done = page >= tenant.pageCount(size: size)
            var body: [String: JSONValue] = [
                "totalSize": .number(Double(options.users)), "done": .bool(done),
                "records": .array(tenant.slice(page: page, size: size).map { index in
                    let id = "005" + String(repeating: "0", count: 12 - String(index).count) + String(index)
                    return .object([
                        "attributes": .object(["type": .string("User"), "url": .string("/services/data/v62.0/sobjects/User/\(id)")]),
                        "Id": .string(id), "FirstName": .string(MockPeople.givenName(index)), "LastName": .string(MockPeople.familyName(index)),
                        "Email": .string(MockPeople.email(index)), "Extension": .string(String(3000 + index)), "IsActive": .bool(true),
                        "Department": .string("Sales"), "UserRole": index % 2 == 0 ? .object(["Name": .string("Rep")]) : .null,
                    ])
                }),
            ]
            if !done { body["nextRecordsUrl"] = .string("\(queryPath)/01gMOCK000000000001-\(page + 1)") }
            return MockResponse.json(.object(body))
        }
    }

    /// HubSpot CRM v3 owners: static private-app bearer token, `after` cursor in `paging.next`,
    /// no `paging` on the last page; throttles are 429 `RATE_LIMIT`.
    public static func hubspot(_ options: MockVendorOptions) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        return { request in
            let call = MockRequest(request)
            guard call.path == "/crm/v3/owners" else { return MockResponse.notFound(call.path) }
            guard request.header("Authorization") == "Bearer \(MockCredentials.apiToken)" else {
                return MockResponse.json(.object(["status": .string("error"), "message": .string("Authentication credentials not found."),
                                                  "category": .string("INVALID_AUTHENTICATION")]), status: 401)
            }
            let page = pageNumber(call.param("after"), prefix: "")
            let throttle: (String?) -> HTTPResponse = { retryAfter in
                MockResponse.json(.object(["status": .string("error"), "message": .string("You have reached your secondly limit."),
                                           "errorType": .string("RATE_LIMIT"), "policyName": .string("SECONDLY")]),
                                  status: 429, headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
            }
            if let fault = tenant.fault(page: page, throttle: throttle) { return fault }
            let size = min(Int(call.param("limit") ?? "100") ?? 100, options.pageSize)
            var body: [String: JSONValue] = [
                "results": .array(tenant.slice(page: page, size: size).map { index in
                    .object([
                        "id": .string(String(70_000_000 + index)), "email": .string(MockPeople.email(index)),
                        "firstName": .string(MockPeople.givenName(index)), "lastName": .string(MockPeople.familyName(index)),
                        "userId": .number(Double(9_000_000 + index)), "archived": .bool(false),
                    ])
                }),
            ]
            if page < tenant.pageCount(size: size) {
                let next = String(page + 1)
                body["paging"] = .object(["next": .object(["after": .string(next),
                                                           "link": .string(link(call, origin: options.origin, replacing: "after", with: next))])])
            }
            return MockResponse.json(.object(body))
        }
    }
}
