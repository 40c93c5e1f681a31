import Foundation
public import RosterConnectors
public import RosterCore

/// Faults a mock vendor injects, each at most where configured.
public struct MockFaults: Sendable {
    /// Answer this page (1-based) once with 429 (or the vendor's throttle shape) and `Retry-After`.
    public var throttleOnPage: Int?
    /// The `Retry-After` value sent with the throttle (seconds or an HTTP date); `nil` sends none.
    public var retryAfter: String? = "7"
    /// Expire the current token when this page is requested: 401 once, then a new token works.
    public var expireTokenOnPage: Int?
    /// Answer this page with a body that is not JSON.
    public var malformedOnPage: Int?
    /// Answer this page with HTTP 500 every time.
    public var serverErrorOnPage: Int?
    /// Throttle on every try of this page (retries run out).
    public var throttleAlwaysOnPage: Int?
    /// Hide every user whose 0-based index is a multiple of this from the pages, as ServiceNow
    /// ACLs do after paging (pages come back shorter than the window they cover).
    public var hiddenEvery: Int?

    /// No faults.
    public init(throttleOnPage: Int? = nil, retryAfter: String? = "7", expireTokenOnPage: Int? = nil, malformedOnPage: Int? = nil,
                serverErrorOnPage: Int? = nil, throttleAlwaysOnPage: Int? = nil, hiddenEvery: Int? = nil) {
        self.throttleOnPage = throttleOnPage
        self.retryAfter = retryAfter
        self.expireTokenOnPage = expireTokenOnPage
        self.malformedOnPage = malformedOnPage
        self.serverErrorOnPage = serverErrorOnPage
        self.throttleAlwaysOnPage = throttleAlwaysOnPage
        self.hiddenEvery = hiddenEvery
    }
}

/// What every mock vendor is configured with.
public struct MockVendorOptions: Sendable {
    /// Users in the tenant (0 = empty tenant).
    public var users: Int
    /// Largest page the mock serves, whatever the request asks (forces several pages).
    public var pageSize: Int
    /// Origin used in absolute links the mock returns, e.g. `https://mock.test` or `http://127.0.0.1:8080`.
    public var origin: String
    /// Faults to inject.
    public var faults: MockFaults

    /// Creates options.
    public init(users: Int, pageSize: Int, origin: String = "https://mock.test", faults: MockFaults = MockFaults()) {
        self.users = users
        self.pageSize = pageSize
        self.origin = origin
        self.faults = faults
    }
}

/// The credentials mocks accept; tests pass the same values as job secrets.
public enum MockCredentials {
    /// OAuth2 client id.
    public static let clientID = "mock-client-id"
    /// OAuth2 client secret (also the ServiceNow password).
    public static let clientSecret = "s3cr3t-client-value-XYZ"
    /// Static API token (HubSpot, Zendesk, Freshdesk).
    public static let apiToken = "tok-static-9f8e7d6c5b4a"
    /// Zendesk agent e-mail.
    public static let email = "admin@example.test"
    /// Google service-account e-mail (JWT `iss`).
    public static let serviceAccountEmail = "sync@roster-test.iam.gserviceaccount.com"
    /// Google admin to impersonate (JWT `sub`).
    public static let adminEmail = "admin@example.test"
}

/// A request as a mock sees it: path and query decoded, whether the URL was absolute or a bare target.
public struct MockRequest: Sendable {
    /// Path without origin or query, e.g. `/v1.0/users`.
    public var path: String
    /// Decoded query items in order.
    public var query: [(name: String, value: String)]
    /// The original request.
    public var request: HTTPRequest

    /// Parses `request.url`, absolute (`https://host/p?q`) or a request target (`/p?q`).
    public init(_ request: HTTPRequest) {
        self.request = request
        var target = Substring(request.url)
        if let schemeEnd = target.range(of: "://") {
            let rest = target[schemeEnd.upperBound...]
            target = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts[0])
        query = parts.count > 1 ? URLText.parseQuery(parts[1]) : []
    }

    /// The first value of query item `name`.
    public func param(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// All values of query item `name`.
    public func params(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

    /// `N` from a `Prefer: odata.maxpagesize=N` header (Graph delta, Dataverse).
    public var preferredMaxPageSize: Int? {
        guard let prefer = request.header("Prefer"), let range = prefer.range(of: "odata.maxpagesize=") else { return nil }
        return Int(prefer[range.upperBound...].prefix { $0.isNumber })
    }

    /// The form body, decoded.
    public var form: [String: String] {
        guard let body = request.body else { return [:] }
        var result: [String: String] = [:]
        for item in URLText.parseQuery(Substring(String(decoding: body, as: UTF8.self))) { result[item.name] = item.value }
        return result
    }
}

/// Response builders shared by the mocks.
public enum MockResponse {
    /// A JSON response.
    public static func json(_ value: JSONValue, status: Int = 200, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: JSONBody.encode(value))
    }

    /// A body that is not JSON (an HTML error page from a proxy).
    public static func malformed() -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body>Bad gateway</body>".utf8))
    }

    /// 429 with an optional `Retry-After` and a JSON error.
    public static func throttled(retryAfter: String?, body: JSONValue = .object(["error": .string("too many requests")])) -> HTTPResponse {
        json(body, status: 429, headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
    }

    /// 401 with a JSON error.
    public static func unauthorized(_ code: String = "InvalidAuthenticationToken") -> HTTPResponse {
        json(.object(["error": .object(["code": .string(code), "message": .string("Access token has expired or is not yet valid.")])]), status: 401)
    }

    /// 404 for routes the mock does not know.
    public static func notFound(_ path: String) -> HTTPResponse {
        json(.object(["error": .string("no route for \(path)")]), status: 404)
    }
}

/// Shared page/fault/token bookkeeping for one mock vendor instance.
final class MockTenant: Sendable {
    let options: MockVendorOptions
    private let state = Locked(State())

    private struct State {
        var throttled: Set<Int> = []
        var expired: Set<Int> = []
        var validTokens: Set<String> = []
        var issued = 0
    }

    init(_ options: MockVendorOptions) { self.options = options }

    /// Issues a new bearer token.
    func issueToken() -> String {
        state.withLock { state in
            state.issued += 1
            let token = "mock-access-\(state.issued)"
            state.validTokens.insert(token)
            return token
        }
    }

    /// True when the request carries a token this mock issued and has not expired.
    func hasValidToken(_ request: HTTPRequest) -> Bool {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return false }
        let token = String(header.dropFirst(7))
        return state.withLock { $0.validTokens.contains(token) }
    }

    /// The fault response for `page`, if one applies now; `throttle` builds the vendor's throttle shape.
    func fault(page: Int, throttle: (String?) -> HTTPResponse = { MockResponse.throttled(retryAfter: $0) },
               unauthorized: () -> HTTPResponse = { MockResponse.unauthorized() }) -> HTTPResponse? {
        let faults = options.faults
        if faults.serverErrorOnPage == page { return MockResponse.json(.object(["error": .string("internal")]), status: 500) }
        if faults.throttleAlwaysOnPage == page { return throttle(faults.retryAfter) }
        if faults.throttleOnPage == page, state.withLock({ $0.throttled.insert(page).inserted }) { return throttle(faults.retryAfter) }
        if faults.expireTokenOnPage == page, state.withLock({ state in
            guard state.expired.insert(page).inserted else { return false }
            state.validTokens.removeAll()
            return true
        }) {
            return unauthorized()
        }
        if faults.malformedOnPage == page { return MockResponse.malformed() }
        return nil
    }

    /// Indices of the users on page `page` (1-based) with `size` per page.
    func slice(page: Int, size: Int) -> Range<Int> {
        let start = min((page - 1) * size, options.users)
        return start..<min(start + size, options.users)
    }

    /// Pages needed for every user (at least 1).
    func pageCount(size: Int) -> Int { max(1, (options.users + size - 1) / size) }
}

/// Deterministic generated people: index → name, email, phone.
public enum MockPeople {
    /// Given name of user `index` (0-based).
    public static func givenName(_ index: Int) -> String { "Given\(index + 1)" }
    /// Family name of user `index`.
    public static func familyName(_ index: Int) -> String { "Family\(index + 1)" }
    /// Email of user `index`.
    public static func email(_ index: Int) -> String { "user\(index + 1)@example.test" }
    /// Phone of user `index`.
    public static func phone(_ index: Int) -> String {
        let number = String(100 + index)
        return "+1 555 " + String(repeating: "0", count: max(0, 7 - number.count)) + number
    }
}

extension String {
    fileprivate init(format2 value: Int) { self = value < 10 ? "0\(value)" : String(value) }
}
