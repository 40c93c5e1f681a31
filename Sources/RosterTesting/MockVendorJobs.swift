public import RosterConnectors

/// A shipped connector file paired with its mock vendor and the job settings that mock accepts,
/// so tests and the benchmark pull the real `connectors/*.yaml` against the mock.
///
/// ```swift
/// let server = try LoopbackHTTPServer(vendorAt: { MockVendorJob.graph.mock(MockVendorOptions(users: 25, pageSize: 10, origin: $0)) })
/// let connector = try MockVendorJob.graph.connector(directory: "connectors", origin: server.baseURL)
/// ```
public struct MockVendorJob: Sendable, CustomStringConvertible {
    /// Connector file name without `.yaml`, e.g. `microsoft-graph`; also the connector's `name:`.
    public let file: String
    /// The stream to pull.
    public let stream: String
    /// The job's connection settings.
    public let config: [String: String]
    /// The job's secrets (the values the mock accepts); tests replace one to see a rejection.
    public var secrets: [String: Secret]
    /// Appended to the mock origin for the job's `base_url` override.
    public let basePath: String
    /// Appended to the mock origin for the `token_url` override; `nil` for static credentials.
    public let tokenPath: String?
    /// Users that make at least three pages of ``pageSize``.
    public let users: Int
    /// Largest page the mock serves in the standard cases.
    public let pageSize: Int
    /// Builds the vendor's request handler.
    public let mock: @Sendable (MockVendorOptions) -> @Sendable (HTTPRequest) -> HTTPResponse

    /// The connector file name, which names test cases.
    public var description: String { file }
    /// True when the vendor issues tokens, so a 401 earns one refresh.
    public var refreshesTokens: Bool { tokenPath != nil }
    /// Every secret value the job holds, for asserting that none leaks into error text.
    public var secretValues: [String] { secrets.values.map { $0.revealForTransport() } }

    /// Loads `<directory>/<file>.yaml` and resolves it for this job with `base_url`/`token_url` on `origin`.
    /// - Throws: ``ConnectorFileError`` when the file fails to load or resolve.
    public func connector(directory: String, origin: String, timeouts: TimeoutSettings? = nil) throws(ConnectorFileError) -> Connector {
        try ConnectorFile.load(path: "\(directory)/\(file).yaml").resolve(
            config: config, secrets: secrets, baseURL: origin + basePath, tokenURL: tokenPath.map { origin + $0 },
            timeouts: timeouts, jobName: "nightly-\(file)")
    }

    /// Microsoft Graph users (OAuth2 client credentials, `@odata.nextLink`).
    public static let graph = MockVendorJob(
        file: "microsoft-graph", stream: "users", config: ["tenant_id": "contoso", "client_id": MockCredentials.clientID],
        secrets: ["client_secret": Secret(MockCredentials.clientSecret)], basePath: "/v1.0",
        tokenPath: "/contoso/oauth2/v2.0/token", users: 25, pageSize: 10) { MockVendors.graph($0) }

    /// Every JSON vendor with a shipped connector file (`csv-url` is not a JSON vendor).
    public static let all: [MockVendorJob] = [
        graph,
        MockVendorJob(file: "google-directory", stream: "users",
                      config: ["client_email": MockCredentials.serviceAccountEmail, "admin_email": MockCredentials.adminEmail],
                      secrets: ["private_key": Secret(TestKeys.serviceAccount.privatePEM)], basePath: "/admin/directory/v1",
                      tokenPath: "/token", users: 25, pageSize: 10) { MockVendors.google($0, publicKeyPEM: TestKeys.serviceAccount.publicPEM) },
        MockVendorJob(file: "salesforce", stream: "users", config: ["my_domain": "acme", "client_id": MockCredentials.clientID],
                      secrets: ["client_secret": Secret(MockCredentials.clientSecret)], basePath: "",
                      tokenPath: "/services/oauth2/token", users: 25, pageSize: 10) { MockVendors.salesforce($0) },
        MockVendorJob(file: "hubspot", stream: "owners", config: [:], secrets: ["private_app_token": Secret(MockCredentials.apiToken)],
                      basePath: "", tokenPath: nil, users: 25, pageSize: 10) { MockVendors.hubspot($0) },
        MockVendorJob(file: "dynamics365", stream: "systemusers",
                      config: ["org": "acme", "tenant_id": "contoso", "client_id": MockCredentials.clientID],
                      secrets: ["client_secret": Secret(MockCredentials.clientSecret)], basePath: "/api/data/v9.2",
                      tokenPath: "/contoso/oauth2/v2.0/token", users: 25, pageSize: 10) { MockVendors.dynamics($0) },
        MockVendorJob(file: "zendesk", stream: "users", config: ["subdomain": "acme", "email": MockCredentials.email],
                      secrets: ["api_token": Secret(MockCredentials.apiToken)], basePath: "/api/v2", tokenPath: nil,
                      users: 25, pageSize: 10) { MockVendors.zendesk($0) },
        MockVendorJob(file: "freshdesk", stream: "agents", config: ["domain": "acme"], secrets: ["api_key": Secret(MockCredentials.apiToken)],
                      basePath: "/api/v2", tokenPath: nil, users: 25, pageSize: 10) { MockVendors.freshdesk($0) },
        // The connector asks for 1000 rows a page; the mock instance caps pages at 10.
        MockVendorJob(file: "servicenow", stream: "sys_user", config: ["instance": "acme", "username": MockVendors.serviceNowUser],
                      secrets: ["password": Secret(MockCredentials.clientSecret)], basePath: "/api/now/table", tokenPath: nil,
                      users: 25, pageSize: 10) { MockVendors.serviceNow($0) },
    ]
}
