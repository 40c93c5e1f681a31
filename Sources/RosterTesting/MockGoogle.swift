import Foundation
public import RosterConnectors
import RosterCore
import _CryptoExtras

extension MockVendors {
    /// The claims the Google mock requires in the service-account JWT.
    public static let googleScope = "https://www.googleapis.com/auth/admin.directory.user.readonly"
    /// The `aud` Google requires.
    public static let googleAudience = "https://oauth2.googleapis.com/token"

    /// Google Admin SDK Directory: `/token` verifies the RS256 JWT with `publicKeyPEM` and its claims;
    /// `/admin/directory/v1/users` pages with `nextPageToken`; no `users` key when empty.
    /// With `throttleAs403`, throttles answer 403 `rateLimitExceeded` instead of 429.
    public static func google(_ options: MockVendorOptions, publicKeyPEM: String, throttleAs403: Bool = false) -> @Sendable (HTTPRequest) -> HTTPResponse {
        let tenant = MockTenant(options)
        return { request in
            let call = MockRequest(request)
            if call.path.hasSuffix("/token") { return googleToken(call, tenant: tenant, publicKeyPEM: publicKeyPEM) }
            guard call.path.hasSuffix("/admin/directory/v1/users") else { return MockResponse.notFound(call.path) }
            guard tenant.hasValidToken(request) else {
                return MockResponse.json(.object(["error": .object(["code": .number(401), "message": .string("Invalid Credentials")])]), status: 401)
            }
            guard call.param("customer") == "my_customer", let maxResults = Int(call.param("maxResults") ?? "100"), (1...500).contains(maxResults) else {
                return MockResponse.json(.object(["error": .object(["code": .number(400), "message": .string("Invalid Input")])]), status: 400)
            }
            let page = pageNumber(call.param("pageToken"), prefix: "gp-")
            let throttle: (String?) -> HTTPResponse = { retryAfter in
                let reason = JSONValue.object(["errors": .array([.object(["reason": .string("rateLimitExceeded"), "domain": .string("usageLimits")])]),
                                               "code": .number(throttleAs403 ? 403 : 429), "message": .string("Rate Limit Exceeded")])
                return MockResponse.json(.object(["error": reason]), status: throttleAs403 ? 403 : 429,
                                         headers: retryAfter.map { [("Retry-After", $0)] } ?? [])
            }
            if let fault = tenant.fault(page: page, throttle: throttle) { return fault }
            let size = min(maxResults, options.pageSize)
            let users = tenant.slice(page: page, size: size).map(googleUser)
            var body: [String: JSONValue] = ["kind": .string("admin#directory#users"), "etag": .string("\"mock\"")]
            if !users.isEmpty { body["users"] = .array(users) }
            if page < tenant.pageCount(size: size) { body["nextPageToken"] = .string("gp-\(page + 1)") }
            return MockResponse.json(.object(body))
        }
    }

    static func googleUser(_ index: Int) -> JSONValue {
        .object([
            "id": .string(String(100_000_000_000 + index)), "primaryEmail": .string(MockPeople.email(index)),
            "name": .object(["givenName": .string(MockPeople.givenName(index)), "familyName": .string(MockPeople.familyName(index))]),
            "suspended": .bool(false),
            "phones": .array([.object(["value": .string(MockPeople.phone(index)), "type": .string("work")])]),
            "organizations": .array([.object(["department": .string("Support"), "title": .string("Agent")])]),
            "customSchemas": .object(["Roster": .object(["extension": .string(String(2000 + index))])]),
        ])
    }

    /// Verifies the JWT bearer grant like Google: signature, algorithm and claims; issues a token.
    static func googleToken(_ call: MockRequest, tenant: MockTenant, publicKeyPEM: String) -> HTTPResponse {
        func invalid(_ description: String) -> HTTPResponse {
            MockResponse.json(.object(["error": .string("invalid_grant"), "error_description": .string(description)]), status: 400)
        }
        let form = call.form
        guard call.request.method == .post, form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer",
              let assertion = form["assertion"] else { return invalid("grant_type must be urn:ietf:params:oauth:grant-type:jwt-bearer") }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = JWTAssertion.decodeBase64URL(parts[0]), let claimBytes = JWTAssertion.decodeBase64URL(parts[1]),
              let signatureBytes = JWTAssertion.decodeBase64URL(parts[2]),
              let header = JSONBody.parse(headerBytes), let claims = JSONBody.parse(claimBytes) else { return invalid("Invalid JWT.") }
        guard !parts[0].contains("="), !parts[1].contains("="), !parts[2].contains("=") else { return invalid("JWT must be base64url without padding.") }
        guard header["alg"] == .string("RS256") else { return invalid("Invalid JWT algorithm.") }
        guard let publicKey = try? _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM),
              publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signatureBytes),
                                         for: Array((parts[0] + "." + parts[1]).utf8), padding: .insecurePKCS1v1_5)
        else { return invalid("Invalid JWT Signature.") }
        guard claims["iss"] == .string(MockCredentials.serviceAccountEmail), claims["scope"] == .string(googleScope),
              claims["aud"] == .string(googleAudience), claims["sub"] == .string(MockCredentials.adminEmail) else {
            return invalid("Invalid JWT claims.")
        }
        guard case .number(let issuedAt)? = claims["iat"], case .number(let expiry)? = claims["exp"], expiry > issuedAt, expiry - issuedAt <= 3600 else {
            return invalid("Invalid JWT: exp must be after iat and at most one hour later.")
        }
        return MockResponse.json(.object(["access_token": .string(tenant.issueToken()), "expires_in": .number(3599), "token_type": .string("Bearer")]))
    }
}
