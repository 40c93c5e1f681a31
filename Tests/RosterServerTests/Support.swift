import Foundation
import Hummingbird
import HummingbirdTesting
import RosterConnectors
import RosterEngine
@testable import RosterServer
import RosterTesting

/// The repository's root, for examples/, connectors/ and mappings/.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The tokens every server under test accepts.
enum TestTokens {
    static let writer = "writer-secret-token"
    static let (reader, readerHash) = APITokens.create()
}

/// A server over an in-memory store, one CSV-export job pulled from a scripted source, and a
/// write token (from the environment) and a read token (salted hash).
struct TestServer {
    let store = InMemoryUserStore()
    let environment: ServerEnvironment
    let routes: [RouteTable.Route]
    private let router: Router<ServerContext>

    /// - Parameters:
    ///   - sourceGate: when given, the job's source answers only once the gate is opened.
    ///   - uploadLimit: bytes an upload may have.
    ///   - uploadDirectory: where uploads wait; the system's temporary folder by default.
    ///   - adminPasswordHash: the bcrypt hash of the console's admin password, if it has one.
    init(sourceGate: Gate? = nil, uploadLimit: Int = 50 * 1024 * 1024, uploadDirectory: String = FileManager.default.temporaryDirectory.path,
         adminPasswordHash: String? = nil) throws {
        var job = JobConfig(name: "crm-nightly", connector: repositoryRoot + "/connectors/csv-url.yaml", mapping: repositoryRoot + "/mappings/custom-columns-csv.yaml")
        job.settings = ["url": "https://crm.test/export.csv"]
        job.schedule = "0 2 * * *"
        job.timeZone = "America/New_York"
        let parts = TestTokens.readerHash.split(separator: "$")
        var config = RosterConfig(jobs: [job])
        config.http = HTTPConfig(tokens: [
            APITokenConfig(name: "ci", credential: .environment("ROSTERSYNC_TEST_TOKEN"), scope: .write),
            APITokenConfig(name: "dashboard", credential: .sha256(salt: String(parts[0]), hex: String(parts[1])), scope: .read),
        ], uploadLimit: uploadLimit, adminPasswordHash: adminPasswordHash)
        let tokens = try APITokens(config.http.tokens, environment: ["ROSTERSYNC_TEST_TOKEN": TestTokens.writer], configFile: "rostersync.yaml")
        let export = try String(contentsOfFile: repositoryRoot + "/examples/crm-nightly.csv", encoding: .utf8)
        let http = ScriptedHTTPClient { _ in
            await sourceGate?.wait()
            return RosterConnectors.HTTPResponse(status: 200, headers: [("Content-Type", "text/csv")], body: Array(export.utf8))
        }
        let store = store
        let catalog = config.catalog
        let monitor = RunMonitor()
        let runner = JobRunner(store: store, configFile: "rostersync.yaml", scheduler: nil, monitor: monitor) { store in
            var sync = SyncService(store: store, catalog: catalog, http: http)
            sync.progress = monitor.syncProgress
            return sync
        }
        environment = ServerEnvironment(
            config: config, configFile: "rostersync.yaml", store: store, tokens: tokens, jobs: runner, mappingsDirectory: repositoryRoot + "/mappings",
            uploadDirectory: uploadDirectory)
        (router, routes) = RosterHTTPServer.router(environment)
    }

    /// Runs `body` against the router in process.
    @discardableResult
    func test<Value: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await Application(router: router).test(.router) { client in try await body(client) }
    }
}

/// Request headers with a bearer token.
func bearer(_ token: String, _ extra: HTTPFields = [:]) -> HTTPFields {
    var fields = extra
    fields[.authorization] = "Bearer \(token)"
    return fields
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }

    /// The `error` sentence of a JSON error answer.
    var error: String { json["error"] as? String ?? "" }
}

/// A file of the repository as a request body.
func example(_ path: String) throws -> ByteBuffer {
    ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/" + path)))
}

/// A CSV body.
func csv(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

let csvType: HTTPFields = [.contentType: "text/csv"]

/// Holds callers of ``wait()`` until ``open()``.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
