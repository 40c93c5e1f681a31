import Foundation
public import RosterConnectors
import RosterCore

extension MockVendors {
    /// The ServiceNow basic-auth user the mock accepts (password: ``MockCredentials/clientSecret``).
    public static let serviceNowUser = "svc.rostersync"

    /// Zendesk: basic `{email}/token:{api token}`, `/api/v2/users.json` with cursor paging
    /// (`meta.has_more`, `meta.after_cursor`, `links.next`); the last page still carries a cursor.
    public static func zendesk(_ options: MockVendorOptions) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        return { request in
            let call = MockRequest(request)
            guard call.path == "/api/v2/users.json" else { return MockResponse.notFound(call.path) }
            guard request.header("Authorization") == basic("\(MockCredentials.email)/token", MockCredentials.apiToken) else {
                return MockResponse.json(.object(["error": .string("Couldn't authenticate you")]), status: 401)
            }
            guard Set(call.params("role[]")) == ["agent", "admin"], let size = Int(call.param("page[size]") ?? "100"), size <= 100 else {
                return MockResponse.json(.object(["error": .string("InvalidPaginationParameter")]), status: 400)
            }
            let page = pageNumber(call.param("page[after]"), prefix: "zc-")
            if let fault = tenant.fault(page: page) { return fault }
            let pageSize = min(size, options.pageSize)
            let more = page < tenant.pageCount(size: pageSize)
            let next = link(call, origin: options.origin, replacing: "page[after]", with: "zc-\(page + 1)")
            return MockResponse.json(.object([
                "users": .array(tenant.slice(page: page, size: pageSize).map { index in
                    .object([
                        "id": .number(Double(361_000_000 + index)), "name": .string("\(MockPeople.givenName(index)) \(MockPeople.familyName(index))"),
                        "email": .string(MockPeople.email(index)), "role": .string(index % 5 == 0 ? "admin" : "agent"),
                        "phone": index % 3 == 0 ? .null : .string(MockPeople.phone(index)), "suspended": .bool(false),
                        "user_fields": .object(["extension": .string(String(4000 + index))]),
                    ])
                }),
                "meta": .object(["has_more": .bool(more), "after_cursor": .string("zc-\(page + 1)"), "before_cursor": .string("zc-\(page)")]),
                "links": .object(["next": more ? .string(next) : .null, "prev": .null]),
            ]))
        }
    }

    /// Freshdesk: basic `{api key}:X`, `/api/v2/agents?per_page&page` answering a bare array with
    /// a `Link: <…>; rel="next"` header except on the last page.
    public static func freshdesk(_ options: MockVendorOptions) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        return { request in
            let call = MockRequest(request)
            guard call.path == "/api/v2/agents" else { return MockResponse.notFound(call.path) }
            guard request.header("Authorization") == basic(MockCredentials.apiToken, "X") else {
                return MockResponse.json(.object(["code": .string("invalid_credentials"), "message": .string("You have to be logged in to perform this action.")]), status: 401)
            }
            let page = Int(call.param("page") ?? "1") ?? 1
            if let fault = tenant.fault(page: page) { return fault }
            let size = min(Int(call.param("per_page") ?? "30") ?? 30, options.pageSize)
            var headers: [(name: String, value: String)] = []
            if page < tenant.pageCount(size: size) {
                headers.append(("Link", "<\(link(call, origin: options.origin, replacing: "page", with: String(page + 1)))>; rel=\"next\""))
            }
            return MockResponse.json(.array(tenant.slice(page: page, size: size).map { index in
                .object([
                    "id": .number(Double(43_000_000 + index)), "available": .bool(true), "type": .string("support_agent"),
                    "contact": .object(["name": .string("\(MockPeople.givenName(index)) \(MockPeople.familyName(index))"),
                                        "email": .string(MockPeople.email(index)), "phone": .string(MockPeople.phone(index)), "mobile": .null]),
                ])
            }), headers: headers)
        }
    }

    /// ServiceNow Table API: basic auth, `/api/now/table/sys_user` serving `sysparm_limit` rows
    /// from `sysparm_offset` but at most ``MockVendorOptions/pageSize`` (the instance's cap),
    /// minus rows hidden by ACLs (``MockFaults/hiddenEvery``), as `{"result": […]}` with a `Link`
    /// header whose `rel="next"` window starts after the rows this page covered.
    public static func serviceNow(_ options: MockVendorOptions) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        return { request in
            let call = MockRequest(request)
            guard call.path == "/api/now/table/sys_user" else { return MockResponse.notFound(call.path) }
            guard request.header("Authorization") == basic(serviceNowUser, MockCredentials.clientSecret) else {
                return MockResponse.json(.object(["error": .object(["message": .string("User Not Authenticated"), "detail": .string("Required to provide Auth information")]),
                                                  "status": .string("failure")]), status: 401)
            }
            guard call.param("sysparm_query")?.contains("ORDERBYsys_id") == true else {
                return MockResponse.json(.object(["error": .object(["message": .string("unstable order")])]), status: 400)
            }
            let limit = min(Int(call.param("sysparm_limit") ?? "10000") ?? 10000, options.pageSize)
            let offset = Int(call.param("sysparm_offset") ?? "0") ?? 0
            if let fault = tenant.fault(page: offset / limit + 1) { return fault }
            let range = min(offset, options.users)..<min(offset + limit, options.users)
            var links = ["<\(link(call, origin: options.origin, replacing: "sysparm_offset", with: "0"))>;rel=\"first\""]
            if range.upperBound < options.users {
                links.append("<\(link(call, origin: options.origin, replacing: "sysparm_offset", with: String(offset + limit)))>;rel=\"next\"")
            }
            let visible = range.filter { index in options.faults.hiddenEvery.map { index % $0 != 0 } ?? true }
            return MockResponse.json(.object(["result": .array(visible.map { index in
                .object([
                    "sys_id": .string(String(repeating: "a", count: 24) + String(format: "%08x", index)),
                    "first_name": .string(MockPeople.givenName(index)), "last_name": .string(MockPeople.familyName(index)),
                    "email": .string(MockPeople.email(index)), "phone": .string(MockPeople.phone(index)), "active": .string("true"),
                    "department": .object(["link": .string(options.origin + "/api/now/table/cmn_department/d1"), "value": .string("d1")]),
                ])
            })]), headers: [("Link", links.joined(separator: ","))])
        }
    }

    /// A CSV file at any URL (https, file or sftp), optionally failing like the others.
    public static func csv(_ body: String) -> @Sendable (HTTPRequest) -> HTTPResponse {
        { _ in HTTPResponse(status: 200, headers: [("Content-Type", "text/csv")], body: Array(body.utf8)) }
    }

    /// `Basic base64(user:password)`.
    public static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}
