import RosterConnectors
import RosterTesting
import Testing

/// Which URLs count as plain HTTP to another machine.
@Suite struct PlainHTTPTests {
    func connector(base: String, auth: String = "{type: bearer, token: \"{{ secrets.t }}\"}") throws -> Connector {
        try ConnectorFile.parse(yaml: """
            name: plain
            base_url: \(base)
            auth: \(auth)
            streams: [{name: users, path: /users, records: users, id: id}]
            """, path: "plain.yaml").resolve(config: [:], secrets: ["t": Secret("token-value")])
    }

    @Test(arguments: ["http://127.0.0.1:8080/api", "http://localhost/api", "http://[::1]:9000", "http://127.9.9.9", "https://api.example.test",
                      "HTTP://LOCALHOST:1/x"])
    func loopbackAndHTTPSAreFine(url: String) throws {
        #expect(try connector(base: url).plainHTTPURL == nil)
    }

    @Test(arguments: ["http://api.example.test/v1", "http://127.0.0.1.example.test/", "http://user@10.0.0.5:8080", "http://0.0.0.0:1", "http://[fe80::1]/"])
    func otherHostsOverPlainHTTPAreNamed(url: String) throws {
        let connector = try connector(base: url)
        #expect(connector.plainHTTPURL == (url.hasSuffix("/") ? String(url.dropLast()) : url) && connector.sendsCredentials)
    }
}

/// A token response may move the pull to another URL (Salesforce `instance_url`): never to plain HTTP elsewhere.
@Suite struct InstanceURLTests {
    func pull(allowInsecureHTTP: Bool) async throws -> PullRun {
        let vendor = try #require(VendorCase.all.first { $0.file == "salesforce" })
        let origin = "http://sf.example.test"
        let connector = try ConnectorFile.load(path: vendor.path).resolve(
            config: vendor.config, secrets: vendor.secrets, baseURL: "https://sf.example.test", tokenURL: "https://sf.example.test" + (vendor.tokenPath ?? ""),
            jobName: "sf", allowInsecureHTTP: allowInsecureHTTP)
        let handler = vendor.mock(MockVendorOptions(users: 5, pageSize: 10, origin: origin))
        return try await runPull(connector, stream: vendor.stream) { handler($0) }
    }

    @Test func aPlainHTTPInstanceURLFailsThePull() async throws {
        let run = try await pull(allowInsecureHTTP: false)
        let error = try #require(run.error)
        #expect(error.stage == .auth && error.message.contains("'instance_url' http://sf.example.test is plain http://"), "\(error)")
        #expect(run.requests.allSatisfy { $0.method == .post }, "no request carried the token")
    }

    @Test func allowInsecureHTTPLetsItThrough() async throws {
        let run = try await pull(allowInsecureHTTP: true)
        #expect(run.outcome?.records == 5, "\(String(describing: run.error))")
    }
}
