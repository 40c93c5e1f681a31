import Foundation
import RosterConnectors
import RosterTesting
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The origin the mocks pretend to live on; jobs override `base_url`/`token_url` to it.
let mockOrigin = "https://mock.test"

/// One vendor: its connector file, the job settings that fill it, and its mock.
struct VendorCase: Sendable, CustomTestStringConvertible {
    let file: String
    let stream: String
    let config: [String: String]
    var secrets: [String: Secret]
    /// Path appended to the mock origin for `base_url`.
    let basePath: String
    /// Path appended to the mock origin for `token_url`, when the vendor uses tokens.
    let tokenPath: String?
    /// Users giving at least three pages with `pageSize`.
    let users: Int
    let pageSize: Int
    let mock: @Sendable (MockVendorOptions) -> @Sendable (HTTPRequest) -> HTTPResponse

    var testDescription: String { file }
    var refreshesTokens: Bool { tokenPath != nil }
    var path: String { "\(repositoryRoot)/connectors/\(file).yaml" }

    /// Every secret value the job holds (asserted absent from error descriptions).
    var secretValues: [String] { secrets.values.map { $0.revealForTransport() } }

    func connector() throws -> Connector {
        try ConnectorFile.load(path: path).resolve(
            config: config, secrets: secrets, baseURL: mockOrigin + basePath, tokenURL: tokenPath.map { mockOrigin + $0 }, jobName: "nightly-\(file)")
    }

    static let all: [VendorCase] = [
        VendorCase(file: "microsoft-graph", stream: "users", config: ["tenant_id": "contoso", "client_id": MockCredentials.clientID],
                   secrets: ["client_secret": Secret(MockCredentials.clientSecret)], basePath: "/v1.0",
                   tokenPath: "/contoso/oauth2/v2.0/token", users: 25, pageSize: 10) { MockVendors.graph($0) },
        VendorCase(file: "google-directory", stream: "users",
                   config: ["client_email": MockCredentials.serviceAccountEmail, "admin_email": MockCredentials.adminEmail],
                   secrets: ["private_key": Secret(TestKeys.serviceAccount.privatePEM)], basePath: "/admin/directory/v1",
                   tokenPath: "/token", users: 25, pageSize: 10) { MockVendors.google($0, publicKeyPEM: TestKeys.serviceAccount.publicPEM) },
        VendorCase(file: "salesforce", stream: "users", config: ["my_domain": "acme", "client_id": MockCredentials.clientID],
                   secrets: ["client_secret": Secret(MockCredentials.clientSecret)], basePath: "",
                   tokenPath: "/services/oauth2/token", users: 25, pageSize: 10) { MockVendors.salesforce($0) },
        VendorCase(file: "hubspot", stream: "owners", config: [:], secrets: ["private_app_token": Secret(MockCredentials.apiToken)],
                   basePath: "", tokenPath: nil, users: 25, pageSize: 10) { MockVendors.hubspot($0) },
        VendorCase(file: "dynamics365", stream: "systemusers",
                   config: ["org": "acme", "tenant_id": "contoso", "client_id": MockCredentials.clientID],
                   secrets: ["client_secret": Secret(MockCredentials.clientSecret)], basePath: "/api/data/v9.2",
                   tokenPath: "/contoso/oauth2/v2.0/token", users: 25, pageSize: 10) { MockVendors.dynamics($0) },
        VendorCase(file: "zendesk", stream: "users", config: ["subdomain": "acme", "email": MockCredentials.email],
                   secrets: ["api_token": Secret(MockCredentials.apiToken)], basePath: "/api/v2", tokenPath: nil,
                   users: 25, pageSize: 10) { MockVendors.zendesk($0) },
        VendorCase(file: "freshdesk", stream: "agents", config: ["domain": "acme"], secrets: ["api_key": Secret(MockCredentials.apiToken)],
                   basePath: "/api/v2", tokenPath: nil, users: 25, pageSize: 10) { MockVendors.freshdesk($0) },
        VendorCase(file: "servicenow", stream: "sys_user", config: ["instance": "acme", "username": MockVendors.serviceNowUser],
                   secrets: ["password": Secret(MockCredentials.clientSecret)], basePath: "/api/now/table", tokenPath: nil,
                   users: 2500, pageSize: 1000) { MockVendors.serviceNow($0) },
    ]
}

/// What one pull did, whichever way it ended.
struct PullRun {
    var result: Result<PullOutcome, PullError>
    var pages: [PullPage]
    var requests: [HTTPRequest]
    var sleeps: [Double]

    var records: [SourceRecord] { pages.flatMap(\.records) }
    var tokenRequests: Int { requests.filter { $0.method == .post }.count }
    var error: PullError? { if case .failure(let error) = result { error } else { nil } }
    var outcome: PullOutcome? { try? result.get() }
}

/// Pulls `stream` through a scripted client serving `handler`, recording sleeps on a manual clock.
func runPull(
    _ connector: Connector, stream: String, state: IncrementalState? = nil, clock: ManualClock = ManualClock(), jitter: Double = 0.5,
    handler: @escaping ScriptedHTTPClient.Handler
) async throws -> PullRun {
    let http = ScriptedHTTPClient(handler: handler)
    let sleeper = RecordingSleeper(clock: clock)
    let client = ConnectorClient(connector: connector, http: http, sleeper: sleeper, now: clock.reader, random: { jitter })
    var pages: [PullPage] = []
    let result: Result<PullOutcome, PullError>
    do {
        result = .success(try await client.pull(stream: stream, state: state) { pages.append($0) })
    } catch let error as PullError {
        result = .failure(error)
    }
    return PullRun(result: result, pages: pages, requests: await http.requests, sleeps: await sleeper.sleeps)
}

/// Runs a vendor case with its mock, optionally wrapping the handler (to inject transport errors).
func runVendor(
    _ vendor: VendorCase, users: Int? = nil, faults: MockFaults = MockFaults(),
    wrap: (@escaping @Sendable (HTTPRequest) -> HTTPResponse) -> ScriptedHTTPClient.Handler = { handler in { handler($0) } }
) async throws -> PullRun {
    let handler = vendor.mock(MockVendorOptions(users: users ?? vendor.users, pageSize: vendor.pageSize, origin: mockOrigin, faults: faults))
    return try await runPull(try vendor.connector(), stream: vendor.stream, handler: wrap(handler))
}
