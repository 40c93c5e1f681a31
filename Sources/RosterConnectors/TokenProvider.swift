import Foundation
import Logging
import RosterCore

/// Credentials ready for a request: the header to add and, for Salesforce, the instance URL.
struct AuthSession: Sendable {
    var header: (name: String, value: Secret)?
    var instanceURL: String?
}

/// Why no token could be had. The message never contains a secret or token.
struct TokenFailure: Error {
    var status: Int?
    var retryable: Bool
    var message: String
}

/// Gets and caches access tokens (OAuth2 client credentials, JWT bearer) until `expires_in`
/// minus a margin on the injected clock; static kinds (basic, bearer, API key) need no requests.
actor TokenProvider {
    private let connector: Connector
    private let http: any HTTPClient
    private let now: @Sendable () -> Double
    private let logger: Logger
    private var cached: (session: AuthSession, expiresAt: Double)?

    init(connector: Connector, http: any HTTPClient, now: @escaping @Sendable () -> Double, logger: Logger) {
        self.connector = connector
        self.http = http
        self.now = now
        self.logger = logger
    }

    /// True when a 401 can be cured by fetching a new token.
    nonisolated var canRefresh: Bool {
        switch connector.auth {
        case .oauth2ClientCredentials, .jwtBearer: true
        default: false
        }
    }

    /// The session to use now; `forceRefresh` drops the cached token first (after a 401).
    func session(forceRefresh: Bool = false) async throws(TokenFailure) -> AuthSession {
        switch connector.auth {
        case .none:
            return AuthSession()
        case .basic(let username, let password):
            let pair = Array("\(username.revealForTransport()):\(password.revealForTransport())".utf8)
            return AuthSession(header: ("Authorization", Secret("Basic " + Data(pair).base64EncodedString())))
        case .bearer(let token):
            return AuthSession(header: ("Authorization", Secret("Bearer " + token.revealForTransport())))
        case .apiKeyHeader(let header, let value):
            return AuthSession(header: (header, value))
        case .oauth2ClientCredentials, .jwtBearer:
            if !forceRefresh, let cached, now() < cached.expiresAt { return cached.session }
            cached = nil
            let fetched = try await fetchToken()
            cached = fetched
            return fetched.session
        }
    }

    private func fetchToken() async throws(TokenFailure) -> (session: AuthSession, expiresAt: Double) {
        guard let tokenURL = connector.tokenURL else {
            throw TokenFailure(status: nil, retryable: false, message: "no token_url configured")
        }
        var form: [(name: String, value: String)]
        var instanceField: String?
        switch connector.auth {
        case .oauth2ClientCredentials(let clientID, let clientSecret, let scope, let field):
            form = [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret.revealForTransport())]
            if let scope, !scope.isEmpty { form.append(("scope", scope)) }
            instanceField = field
        case .jwtBearer(let jwt):
            do {
                let assertion = try JWTAssertion.make(jwt, now: now())
                // The signed assertion buys a token: it is a credential while it is valid.
                connector.redactor.add(Secret(assertion))
                form = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
            } catch {
                throw TokenFailure(status: nil, retryable: false, message: error.message)
            }
        default:
            return (AuthSession(), .infinity)
        }
        let request = HTTPRequest(
            method: .post, url: tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(URLText.query(form).utf8), connectTimeout: connector.timeouts.connectSeconds,
            totalTimeout: connector.timeouts.totalSeconds, allowedSchemes: ["http", "https"])
        let requestedAt = now()
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch let error as TransportError {
            throw TokenFailure(status: nil, retryable: error.kind == .connectionFailed || error.kind == .timedOut,
                               message: "token endpoint unreachable: \(error.detail); check token_url")
        } catch {
            throw TokenFailure(status: nil, retryable: true, message: "token request cancelled")
        }
        guard (200..<300).contains(response.status) else {
            let vendor = JSONBody.vendorMessage(response.body).map { " (\(connector.redactor.redact($0, limit: JSONBody.vendorMessageLimit)))" } ?? ""
            let fix = response.status == 400 || response.status == 401 ? "; check client id, secret, key and scope" : ""
            throw TokenFailure(status: response.status, retryable: response.status == 429 || response.status >= 500,
                               message: "token endpoint refused the request\(vendor)\(fix)")
        }
        guard let body = JSONBody.parse(response.body), let token = body["access_token"]?.scalarText, !token.isEmpty else {
            throw TokenFailure(status: response.status, retryable: false, message: "token response has no access_token")
        }
        connector.redactor.add(Secret(token))
        if let refresh = body["refresh_token"]?.scalarText { connector.redactor.add(Secret(refresh)) }
        let lifetime = body["expires_in"].flatMap { $0.scalarText }.flatMap(Double.init) ?? 3600
        var session = AuthSession(header: ("Authorization", Secret("Bearer " + token)))
        if let instanceField {
            guard let instance = body[instanceField]?.scalarText, instance.contains("://") else {
                throw TokenFailure(status: response.status, retryable: false, message: "token response has no '\(instanceField)' URL")
            }
            guard connector.allowsInsecureHTTP || !Connector.isPlainHTTPToAnotherHost(instance) else {
                throw TokenFailure(status: response.status, retryable: false,
                                   message: "the token response's '\(instanceField)' \(instance.redactedURL) is plain http://, so the token would cross the network readable; add 'allow_insecure_http: true' to the job only on a trusted network")
            }
            session.instanceURL = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
        }
        logger.info("got an access token", metadata: ["token_url": "\(tokenURL.redactedURL)", "expires_in_seconds": "\(lifetime)"])
        return (session, requestedAt + lifetime - connector.retry.tokenExpiryMarginSeconds)
    }
}
