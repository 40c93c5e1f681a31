import Foundation
import RosterConnectors
import Testing

@Suite struct ConnectorFileTests {
    static let connectorFiles: [String] = (try? FileManager.default.contentsOfDirectory(atPath: "\(repositoryRoot)/connectors"))?
        .filter { $0.hasSuffix(".yaml") }.sorted() ?? []

    @Test func everyVendorHasAConnectorFile() {
        #expect(Self.connectorFiles.count == 9)
        for vendor in VendorCase.all { #expect(Self.connectorFiles.contains("\(vendor.file).yaml")) }
    }

    @Test(arguments: connectorFiles)
    func connectorFileLoadsWithProductionURLs(file: String) throws {
        let spec = try ConnectorFile.load(path: "\(repositoryRoot)/connectors/\(file)")
        #expect("\(spec.name).yaml" == file)
        #expect(!spec.streams.isEmpty)
        if file != "csv-url.yaml" { #expect(spec.baseURL.description.hasPrefix("https://")) }
    }

    @Test(arguments: VendorCase.all)
    func connectorResolvesWithItsJobSettings(vendor: VendorCase) throws {
        let spec = try ConnectorFile.load(path: vendor.path)
        let connector = try spec.resolve(config: vendor.config, secrets: vendor.secrets)
        #expect(connector.baseURL.hasPrefix("https://") && !connector.baseURL.contains("{{"))
        #expect(connector.stream(named: vendor.stream) != nil)
    }

    /// (yaml, message fragment, line, column)
    static let diagnostics: [(String, String, Int, Int)] = [
        ("name: x\nbase_url: https://a\nauth:\n  type: oauth2_client\nstreams: [{name: s, records: v, id: id}]\n",
         "unknown auth type 'oauth2_client'; did you mean 'oauth2_client_credentials'?", 4, 9),
        ("name: x\nbase_url: https://a\nauth: {type: none}\npaginator:\n  type: next_links\n  path: n\nstreams: [{name: s, records: v, id: id}]\n",
         "unknown paginator type 'next_links'; did you mean 'next_link'?", 5, 9),
        ("name: x\nbase_url: https://a\nauth: {type: none}\npagnator: {type: none}\nstreams: [{name: s, records: v, id: id}]\n",
         "unknown key 'pagnator' in the connector file; did you mean 'paginator'?", 4, 1),
        ("name: x\nbase_url: https://a\nauth: {type: bearer, tokn: x}\nstreams: [{name: s, records: v, id: id}]\n",
         "unknown key 'tokn' in 'auth'; did you mean 'token'?", 3, 22),
        ("name: x\nbase_url: https://a\nauth: {type: none}\nstreams:\n  - name: s\n    kind: jsn\n    records: v\n    id: id\n",
         "unknown stream kind 'jsn'; did you mean 'json'?", 6, 11),
        ("name: x\nbase_url: \"{{ confg.url }}\"\nauth: {type: none}\nstreams: [{name: s, records: v, id: id}]\n",
         "unknown placeholder namespace 'confg'; did you mean 'config'?", 2, 11),
        ("name: x\nbase_url: https://a\nauth: {type: none}\nstreams:\n  - name: s\n    id: id\n",
         "missing required key 'streams[0].records'", 5, 5),
        ("name: x\nbase_url: https://a\ntoken_url: https://t\nauth:\n  type: oauth2_client_credentials\n  client_id: a\nstreams: [{name: s, records: v, id: id}]\n",
         "missing required key 'auth.client_secret'", 5, 3),
        ("name: x\nbase_url: https://a\nauth: {type: jwt_bearer, client_email: a, private_key: k, scope: s}\nstreams: [{name: s, records: v, id: id}]\n",
         "auth type jwt_bearer needs 'token_url:'", 1, 1),
        ("name: x\nbase_url: [https://a\n", "invalid YAML", 3, 1),
    ]

    @Test(arguments: diagnostics)
    func loadDiagnosticsSayWhereAndWhat(yaml: String, fragment: String, line: Int, column: Int) throws {
        let error = try #require(throws: ConnectorFileError.self) { try ConnectorFile.parse(yaml: yaml, path: "connectors/x.yaml") }
        let diagnostic = try #require(error.diagnostics.first { $0.message.contains(fragment) }, "got: \(error)")
        #expect(diagnostic.line == line && diagnostic.column == column, "got: \(diagnostic)")
        #expect(diagnostic.description.hasPrefix("connectors/x.yaml:\(line):\(column): error: "))
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let yaml = "name: x\nbase_url: https://a\nauth: {type: basik}\npagnator: {type: none}\nstreams: [{name: s, recrds: v, id: id}]\n"
        let error = try #require(throws: ConnectorFileError.self) { try ConnectorFile.parse(yaml: yaml, path: "c.yaml") }
        #expect(error.diagnostics.count >= 3, "\(error)")
    }

    @Test func missingConfigAndSecretsNameTheKeyAndLine() throws {
        let spec = try ConnectorFile.load(path: "\(repositoryRoot)/connectors/microsoft-graph.yaml")
        let error = try #require(throws: ConnectorFileError.self) { try spec.resolve(config: ["client_id": "a"], secrets: [:]) }
        let texts = error.diagnostics.map(\.description)
        #expect(texts.contains { $0.contains("microsoft-graph.yaml:5:") && $0.contains("config key 'tenant_id' is not set") }, "\(texts)")
        #expect(texts.contains { $0.contains("microsoft-graph.yaml:9:") && $0.contains("secret 'client_secret' is not set") }, "\(texts)")
    }

    @Test func secretsAreRefusedOutsideCredentialFields() throws {
        let yaml = "name: x\nbase_url: \"https://a/{{ secrets.key }}\"\nauth: {type: none}\nstreams: [{name: s, records: v, id: id}]\n"
        let spec = try ConnectorFile.parse(yaml: yaml, path: "c.yaml")
        let error = try #require(throws: ConnectorFileError.self) { try spec.resolve(config: [:], secrets: ["key": Secret("k-123")]) }
        #expect(error.description.contains("only allowed in auth credential fields"))
        #expect(!error.description.contains("k-123"))
    }

    @Test func jobOverridesBaseAndTokenURL() throws {
        let vendor = VendorCase.all[0]
        let connector = try vendor.connector()
        #expect(connector.baseURL == "https://mock.test/v1.0")
        #expect(connector.tokenURL == "https://mock.test/contoso/oauth2/v2.0/token")
        #expect(connector.jobName == "nightly-microsoft-graph")
    }
}
