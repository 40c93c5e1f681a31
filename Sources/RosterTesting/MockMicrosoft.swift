public import RosterConnectors
import RosterCore

/// Changes a Graph delta link returns on the next call.
public struct MockGraphDelta: Sendable {
    /// Indices of users returned as changed.
    public var changed: [Int]
    /// Indices of users returned as `@removed`.
    public var removed: [Int]
    /// Answer every delta-token request with 410 (the token is too old).
    public var staleToken: Bool

    /// Creates a delta script.
    public init(changed: [Int] = [], removed: [Int] = [], staleToken: Bool = false) {
        self.changed = changed
        self.removed = removed
        self.staleToken = staleToken
    }
}

/// Mock vendors: pure request handlers with the wire shapes of CONNECTORS.md.
public enum MockVendors {
    /// Microsoft Graph: client-credentials token, `/v1.0/users` and `/v1.0/users/delta` paged (by
    /// `Prefer: odata.maxpagesize`, else `$top`, else 100) with absolute `@odata.nextLink`s, `@odata.deltaLink` on the last delta page, `@removed` entries, 410 for a stale token.
    public static func graph(_ options: MockVendorOptions, delta: MockGraphDelta = MockGraphDelta()) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        return { request in
            let call = MockRequest(request)
            if call.path.hasSuffix("/oauth2/v2.0/token") {
                return clientCredentialsToken(call, tenant: tenant) { $0 == "https://graph.microsoft.com/.default" }
            }
            guard call.path.hasSuffix("/users") || call.path.hasSuffix("/users/delta") else { return MockResponse.notFound(call.path) }
            guard tenant.hasValidToken(request) else { return MockResponse.unauthorized() }
            if call.param("$deltatoken") != nil {
                if delta.staleToken {
                    return MockResponse.json(.object(["error": .object(["code": .string("syncStateNotFound"), "message": .string("The delta token is expired.")])]), status: 410)
                }
                let changed = delta.changed.map(graphUser)
                let removed = delta.removed.map { JSONValue.object(["id": .string(graphID($0)), "@removed": .object(["reason": .string("deleted")])]) }
                return MockResponse.json(.object([
                    "@odata.context": .string("https://graph.microsoft.com/v1.0/$metadata#users"), "value": .array(changed + removed),
                    "@odata.deltaLink": .string(options.origin + call.path + "?$deltatoken=mock-delta-2"),
                ]))
            }
            let page = pageNumber(call.param("$skiptoken"), prefix: "page-")
            if let fault = tenant.fault(page: page) { return fault }
            // Delta takes no $top; both honour `Prefer: odata.maxpagesize`.
            let size = min(call.preferredMaxPageSize ?? Int(call.param("$top") ?? "100") ?? 100, options.pageSize)
            var body: [String: JSONValue] = [
                "@odata.context": .string("https://graph.microsoft.com/v1.0/$metadata#users"),
                "value": .array(tenant.slice(page: page, size: size).map(graphUser)),
            ]
            if page < tenant.pageCount(size: size) {
                body["@odata.nextLink"] = .string(link(call, origin: options.origin, replacing: "$skiptoken", with: "page-\(page + 1)"))
            } else if call.path.hasSuffix("/delta") {
                body["@odata.deltaLink"] = .string(options.origin + call.path + "?$deltatoken=mock-delta-1")
            }
            return MockResponse.json(.object(body))
        }
    }

    /// Dynamics 365: client-credentials token (scope `https://<org>.crm.dynamics.com/.default`),
    /// `/api/data/v9.2/systemusers` paged by `Prefer: odata.maxpagesize` with `@odata.nextLink`.
    public static func dynamics(_ options: MockVendorOptions) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        return { request in
            let call = MockRequest(request)
            if call.path.hasSuffix("/oauth2/v2.0/token") {
                return clientCredentialsToken(call, tenant: tenant) { $0?.hasSuffix(".crm.dynamics.com/.default") == true }
            }
            guard call.path.hasSuffix("/api/data/v9.2/systemusers") else { return MockResponse.notFound(call.path) }
            guard tenant.hasValidToken(request) else { return MockResponse.unauthorized() }
            let page = pageNumber(call.param("$skiptoken"), prefix: "cookie-")
            if let fault = tenant.fault(page: page) { return fault }
            let size = min(call.preferredMaxPageSize ?? 5000, options.pageSize)
            var body: [String: JSONValue] = [
                "@odata.context": .string(options.origin + "/api/data/v9.2/$metadata#systemusers"),
                "value": .array(tenant.slice(page: page, size: size).map { index in
                    .object([
                        "systemuserid": .string(graphID(index)), "firstname": .string(MockPeople.givenName(index)),
                        "lastname": .string(MockPeople.familyName(index)), "internalemailaddress": .string(MockPeople.email(index)),
                        "address1_telephone1": .string(MockPeople.phone(index)), "isdisabled": .bool(false),
                    ])
                }),
            ]
            if page < tenant.pageCount(size: size) {
                body["@odata.nextLink"] = .string(link(call, origin: options.origin, replacing: "$skiptoken", with: "cookie-\(page + 1)"))
            }
            return MockResponse.json(.object(body))
        }
    }

    /// The Graph id of user `index`.
    public static func graphID(_ index: Int) -> String {
        let digits = String(index + 1)
        return "8f1c0000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    static func graphUser(_ index: Int) -> JSONValue {
        .object([
            "id": .string(graphID(index)), "givenName": .string(MockPeople.givenName(index)), "surname": .string(MockPeople.familyName(index)),
            "mail": index % 7 == 3 ? .null : .string(MockPeople.email(index)), "userPrincipalName": .string(MockPeople.email(index)),
            "businessPhones": .array([.string(MockPeople.phone(index))]), "mobilePhone": .null, "department": .string("Support"),
            "jobTitle": .string("Agent"), "usageLocation": .string("US"), "accountEnabled": .bool(true),
        ])
    }

    /// Checks a client-credentials form and issues a token, or answers 400/401 like an identity provider.
    static func clientCredentialsToken(_ call: MockRequest, tenant: MockTenant, extra: [String: JSONValue] = [:],
                                       scopeIsValid: (String?) -> Bool = { _ in true }) -> HTTPResponse {
        let form = call.form
        guard call.request.method == .post,
              call.request.header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded") == true,
              form["grant_type"] == "client_credentials" else {
            return MockResponse.json(.object(["error": .string("unsupported_grant_type"), "error_description": .string("grant_type must be client_credentials")]), status: 400)
        }
        guard form["client_id"] == MockCredentials.clientID, form["client_secret"] == MockCredentials.clientSecret else {
            return MockResponse.json(.object(["error": .string("invalid_client"), "error_description": .string("Invalid client secret provided.")]), status: 401)
        }
        guard scopeIsValid(form["scope"]) else {
            return MockResponse.json(.object(["error": .string("invalid_scope"), "error_description": .string("The scope is not valid.")]), status: 400)
        }
        var body: [String: JSONValue] = ["token_type": .string("Bearer"), "expires_in": .number(3599), "access_token": .string(tenant.issueToken())]
        body.merge(extra) { $1 }
        return MockResponse.json(.object(body))
    }

    static func clientCredentialsToken(_ call: MockRequest, tenant: MockTenant, scopeIsValid: @escaping (String?) -> Bool) -> HTTPResponse {
        clientCredentialsToken(call, tenant: tenant, extra: [:], scopeIsValid: { scopeIsValid($0) })
    }

    /// Page number from an opaque token `prefix<N>`; page 1 without a token.
    static func pageNumber(_ token: String?, prefix: String) -> Int {
        guard let token, token.hasPrefix(prefix), let number = Int(token.dropFirst(prefix.count)) else { return 1 }
        return number
    }

    /// The request's own URL on `origin` with query item `name` set to `value`.
    static func link(_ call: MockRequest, origin: String, replacing name: String, with value: String) -> String {
        let query = call.query.filter { $0.name != name } + [(name, value)]
        return origin + call.path + "?" + URLText.query(query)
    }
}
