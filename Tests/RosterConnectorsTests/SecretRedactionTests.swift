import Foundation
import RosterConnectors
import RosterTesting
import Testing

/// A canary secret and the canary token a vendor issues, through every auth type and every way
/// a vendor fails while echoing the request: no form of either reaches a pull error.
@Suite struct SecretRedactionTests {
    /// Has `+`, `/`, a space, a quote and `&`, so each encoding differs from the value as typed.
    static let canary = "Zq9CANARY+secret/value \"quoted\"&more"
    static let user = "svc-canary-user"

    /// Every form a credential travels in, as the vendor may echo it.
    static func credentialForms() -> [String] {
        let values = [canary, MockEchoVendor.issuedToken, "\(user):\(canary)"]
        return values.flatMap { Redactor.encodings(of: $0) }
    }

    /// Any 10-character piece of any form, so a credential cut in half is caught as well.
    static func leak(in text: String) -> String? {
        for form in credentialForms() {
            let characters = Array(form)
            let width = min(10, characters.count)
            for start in 0...(characters.count - width) where text.contains(String(characters[start..<start + width])) {
                return form
            }
        }
        return nil
    }

    enum Auth: String, CaseIterable, CustomStringConvertible {
        case oauth2, jwt, basic, bearer, apiKey
        var description: String { rawValue }

        var yaml: String {
            switch self {
            case .oauth2: "{type: oauth2_client_credentials, client_id: cid, client_secret: \"{{ secrets.secret }}\", scope: users.read}"
            case .jwt: "{type: jwt_bearer, client_email: sync@example.test, private_key: \"{{ secrets.key }}\", scope: users.read}"
            case .basic: "{type: basic, username: \"{{ config.user }}\", password: \"{{ secrets.secret }}\"}"
            case .bearer: "{type: bearer, token: \"{{ secrets.secret }}\"}"
            case .apiKey: "{type: api_key_header, header: X-Api-Key, value: \"{{ secrets.secret }}\"}"
            }
        }
    }

    static func connector(_ auth: Auth) throws -> Connector {
        let yaml = """
            name: canary
            base_url: https://api.example.test/v1
            token_url: https://api.example.test/token
            auth: \(auth.yaml)
            streams: [{name: users, path: /users, records: users, id: id}]
            """
        return try ConnectorFile.parse(yaml: yaml, path: "canary.yaml").resolve(
            config: ["user": user], secrets: ["secret": Secret(canary), "key": Secret(TestKeys.serviceAccount.privatePEM)], jobName: "canary")
    }

    @Test(arguments: Auth.allCases, MockEchoVendor.Failure.allCases)
    func noCredentialReachesAPullError(auth: Auth, failure: MockEchoVendor.Failure) async throws {
        // 0 shows the whole echo; the others put one credential or another across the 200-character cut.
        for padding in [0, 110, 115, 118, 125, 140, 151] {
            let run = try await runPull(try Self.connector(auth), stream: "users", handler: MockEchoVendor.handler(failure: failure, padding: padding))
            let error = try #require(run.error, "the vendor fails every request")
            // The signed JWT assertion buys a token, so it is a credential too.
            let assertions = run.requests.compactMap { MockRequest($0).form["assertion"] }
            #expect(auth != .jwt || !assertions.isEmpty)
            for text in [error.description, String(reflecting: error)] {
                #expect(Self.leak(in: text) == nil, "padding \(padding): \(text)")
                for assertion in assertions {
                    #expect(!text.contains(String(assertion.prefix(10))), "assertion leaked: \(text)")
                }
            }
            #expect(error.description.contains("request body ["), "the vendor's message is still shown: \(error)")
        }
    }

    @Test func everyEncodingIsMasked() {
        let redactor = Redactor()
        redactor.addBasicCredentials(user: Secret(Self.user), password: Secret(Self.canary))
        redactor.add(Secret(MockEchoVendor.issuedToken))
        let samples = [
            "as typed \(Self.canary).",
            "percent Zq9CANARY%2Bsecret%2Fvalue%20%22quoted%22%26more",
            "lower zq: Zq9CANARY%2bsecret%2fvalue%20%22quoted%22%26more",
            "form client_secret=Zq9CANARY%2Bsecret/value+%22quoted%22%26more&x",
            #"json {"secret":"Zq9CANARY+secret\/value \"quoted\"&more"}"#,
            "basic Authorization: Basic " + Data("\(Self.user):\(Self.canary)".utf8).base64EncodedString(),
            "token Bearer canaryTOKEN+/issued=42 rejected",
        ]
        for sample in samples {
            let redacted = redactor.redact(sample)
            #expect(Self.leak(in: redacted) == nil, "\(sample) → \(redacted)")
            #expect(redacted.contains("****"))
        }
    }

    @Test func redactionComesBeforeTheCut() {
        let redactor = Redactor(secrets: [Secret(Self.canary)])
        let message = String(repeating: "x", count: 190) + Self.canary + " and more"
        let shown = redactor.redact(message, limit: 200)
        #expect(!shown.contains("Zq9CA") && shown.contains("****"))
        #expect(shown.count == 201 && shown.hasSuffix("…"))
    }

    @Test func aOneLetterPasswordIsNotMaskedEverywhere() {
        let redactor = Redactor()
        redactor.addBasicCredentials(user: Secret("key-123456"), password: Secret("X"))
        #expect(redactor.redact("X marks the spot") == "X marks the spot")
    }
}
