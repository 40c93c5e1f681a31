import Foundation
public import RosterConnectors
import RosterCore

/// A hostile vendor for leak tests: it fails in a chosen way and echoes the whole request (URL,
/// headers, body) inside its JSON error message, the way careless APIs do.
public enum MockEchoVendor {
    /// The access token its token endpoint issues: a canary that must never be shown or stored.
    public static let issuedToken = "canaryTOKEN+/issued=42"

    /// Where and how the vendor fails.
    public enum Failure: String, Sendable, CaseIterable, CustomStringConvertible {
        /// The token endpoint answers 400 with the request echoed.
        case tokenRejected
        /// The data request answers 401 with the request echoed.
        case unauthorizedEcho
        /// The data request answers 500 with the request echoed.
        case serverErrorEcho
        /// The data request answers 403 with the request echoed.
        case forbiddenEcho

        public var description: String { rawValue }
    }

    /// The handler: `POST …/token` issues ``issuedToken`` (or fails), every `GET` fails as
    /// `failure` says. `padding` characters come before the echo, to move the credentials
    /// across the 200-character cut of vendor messages: the message is `x…x request body [BODY]
    /// headers [Authorization: Bearer TOKEN; …] METHOD URL`, so a bearer token starts at 48 +
    /// `padding`, an API key at 37 + `padding`, a form body at 15 + `padding`.
    public static func handler(failure: Failure, padding: Int) -> @Sendable (HTTPRequest) -> HTTPResponse {
        { request in
            let echo = String(repeating: "x", count: padding) + " request " + echoText(request)
            if request.method == .post {
                guard failure != .tokenRejected else {
                    return MockResponse.json(.object(["error": .string("invalid_client"), "error_description": .string(echo)]), status: 400)
                }
                return MockResponse.json(.object(["access_token": .string(issuedToken), "token_type": .string("Bearer"), "expires_in": .number(3600)]))
            }
            let status = switch failure {
            case .tokenRejected, .unauthorizedEcho: 401
            case .serverErrorEcho: 500
            case .forbiddenEcho: 403
            }
            return MockResponse.json(.object(["error": .object(["message": .string(echo)])]), status: status)
        }
    }

    /// `body […] headers […] METHOD URL`, the credential headers first, so where a credential
    /// falls in the text does not depend on the transport's own headers.
    private static func echoText(_ request: HTTPRequest) -> String {
        let credentialFirst = request.headers.filter { ["authorization", "x-api-key"].contains($0.name.lowercased()) }
            + request.headers.filter { !["authorization", "x-api-key"].contains($0.name.lowercased()) }
        let headers = credentialFirst.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
        let body = request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return "body [\(body)] headers [\(headers)] \(request.method) \(request.url)"
    }
}
