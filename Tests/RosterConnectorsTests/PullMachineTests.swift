import RosterConnectors
import RosterCore
import Testing

/// The paging/retry state machine on its own: events in, actions out, no network or clock.
@Suite struct PullMachineTests {
    static let yaml = """
        name: demo
        base_url: https://api.example.test/v1
        auth: {type: none}
        paginator: {type: next_link, path: next}
        rate_limit: {max_attempts: 3, initial_backoff_seconds: 2, max_backoff_seconds: 5}
        streams:
          - name: people
            path: /people
            query: {size: "2"}
            records: items
            id: id
        """

    func machine(refreshable: Bool = true, state: IncrementalState? = nil) throws -> PullMachine {
        let connector = try ConnectorFile.parse(yaml: Self.yaml, path: "demo.yaml").resolve(config: [:], secrets: [:])
        return PullMachine(identity: .init(job: "j", connector: "demo", canRefreshToken: refreshable, redactor: Redactor(secrets: [Secret("hunter2")])),
                           stream: try #require(connector.stream(named: "people")), baseURL: connector.baseURL,
                           retry: connector.retry, state: state, startTime: 0)
    }

    func page(_ ids: [String], next: String? = nil) -> HTTPResponse {
        var body: [String: JSONValue] = ["items": .array(ids.map { .object(["id": .string($0)]) })]
        if let next { body["next"] = .string(next) }
        return HTTPResponse(status: 200, body: JSONBody.encode(.object(body)))
    }

    @Test func pagesUntilThereIsNoNextLink() throws {
        var machine = try machine()
        #expect(machine.start() == .send(url: "https://api.example.test/v1/people?size=2"))
        #expect(machine.received(page(["a", "b"], next: "/v1/people?after=b"), now: 0, jitter: 0)
            == .deliver(PullPage(number: 1, records: [.init(id: "a", value: .object(["id": .string("a")])), .init(id: "b", value: .object(["id": .string("b")]))])))
        #expect(machine.delivered() == .send(url: "https://api.example.test/v1/people?after=b"))
        guard case .deliver(let last) = machine.received(page(["c"]), now: 0, jitter: 0) else { Issue.record("no page"); return }
        #expect(last.number == 2 && last.records.map(\.id) == ["c"])
        guard case .complete(let outcome) = machine.delivered() else { Issue.record("not complete"); return }
        #expect(outcome.pages == 2 && outcome.records == 3 && outcome.isComplete && outcome.newState == nil)
    }

    @Test func throttleWaitsThenResendsTheSameRequestAndGivesUpAfterMaxAttempts() throws {
        var machine = try machine()
        let first = machine.start()
        let throttled = HTTPResponse(status: 503)
        #expect(machine.received(throttled, now: 0, jitter: 1) == .wait(seconds: 2))
        #expect(machine.waited() == first)
        #expect(machine.received(throttled, now: 0, jitter: 0) == .wait(seconds: 2), "4 s halved by jitter 0")
        #expect(machine.waited() == first)
        guard case .failed(let error) = machine.received(throttled, now: 0, jitter: 0) else { Issue.record("expected failure"); return }
        #expect(error.retryable && error.status == 503 && error.stage == .page(1))
        #expect(error.description.contains("after 3 tries"))
    }

    @Test(arguments: [("120", 120.0), ("0", 0.0), ("Thu, 01 Jan 1970 00:01:40 GMT", 40.0), ("Thu, 01 Jan 1970 00:00:10 GMT", 0.0)])
    func retryAfterIsHonouredInSecondsOrAsADate(header: String, expected: Double) throws {
        var machine = try machine()
        _ = machine.start()
        #expect(machine.received(HTTPResponse(status: 429, headers: [("Retry-After", header)]), now: 60, jitter: 0) == .wait(seconds: expected))
    }

    @Test func retryAfterBeyondTheLimitFailsAsRetryable() throws {
        var machine = try machine()
        _ = machine.start()
        guard case .failed(let error) = machine.received(HTTPResponse(status: 429, headers: [("Retry-After", "86400")]), now: 0, jitter: 0) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.retryable && error.message.contains("max_retry_after_seconds"))
    }

    @Test func unauthorizedRefreshesOnceThenFails() throws {
        var machine = try machine()
        let first = machine.start()
        let denied = HTTPResponse(status: 401, body: Array(#"{"error":"bad token hunter2"}"#.utf8))
        #expect(machine.received(denied, now: 0, jitter: 0) == .refreshToken)
        #expect(machine.tokenRefreshed() == first)
        guard case .failed(let error) = machine.received(denied, now: 0, jitter: 0) else { Issue.record("expected failure"); return }
        #expect(error.status == 401 && !error.retryable)
        #expect(!error.description.contains("hunter2") && error.description.contains("****"))
    }

    @Test func staticCredentialsAreNotRefreshed() throws {
        var machine = try machine(refreshable: false)
        _ = machine.start()
        guard case .failed = machine.received(HTTPResponse(status: 401), now: 0, jitter: 0) else { Issue.record("expected failure"); return }
    }

    @Test(arguments: [400, 403, 404, 422])
    func otherClientErrorsAreNeverRetried(status: Int) throws {
        var machine = try machine()
        _ = machine.start()
        guard case .failed(let error) = machine.received(HTTPResponse(status: status), now: 0, jitter: 0) else { Issue.record("expected failure"); return }
        #expect(error.status == status && !error.retryable)
    }

    @Test func aNextLinkToTheSamePageStopsInsteadOfLooping() throws {
        var machine = try machine()
        _ = machine.start()
        _ = machine.received(page(["a", "b"], next: "https://api.example.test/v1/people?size=2"), now: 0, jitter: 0)
        guard case .failed(let error) = machine.delivered() else { Issue.record("expected failure"); return }
        #expect(error.message.contains("same page"))
    }

    @Test func aNextLinkToAnotherHostIsRefused() throws {
        var machine = try machine()
        _ = machine.start()
        guard case .failed(let error) = machine.received(page(["a"], next: "https://evil.example/steal?x=1"), now: 0, jitter: 0) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.message.contains("another host") && !error.description.contains("x=1"))
    }

    @Test func aBodyWithoutTheRecordsPathIsAParseFailure() throws {
        var machine = try machine()
        _ = machine.start()
        guard case .failed(let error) = machine.received(HTTPResponse(status: 200, body: Array(#"{"data":[]}"#.utf8)), now: 0, jitter: 0) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.stage == .parse(1) && error.message.contains("no 'items' array"))
        #expect(error.description.contains("https://api.example.test/v1/people") && !error.description.contains("size=2"))
    }

    @Test func aRecordWithoutAnIdIsAParseFailure() throws {
        var machine = try machine()
        _ = machine.start()
        let body = HTTPResponse(status: 200, body: Array(#"{"items":[{"id":"a"},{"name":"x"}]}"#.utf8))
        guard case .failed(let error) = machine.received(body, now: 0, jitter: 0) else { Issue.record("expected failure"); return }
        #expect(error.message.contains("record 2 has no 'id'"))
    }

    @Test(arguments: [TransportError.Kind.connectionFailed, .timedOut])
    func transientTransportErrorsBackOff(kind: TransportError.Kind) throws {
        var machine = try machine()
        _ = machine.start()
        #expect(machine.transportFailed(TransportError(kind: kind, redactedURL: "u", detail: "d"), jitter: 1) == .wait(seconds: 2))
    }

    @Test(arguments: [TransportError.Kind.tls, .bodyTooLarge, .disallowedScheme])
    func permanentTransportErrorsFailAtOnce(kind: TransportError.Kind) throws {
        var machine = try machine()
        _ = machine.start()
        guard case .failed(let error) = machine.transportFailed(TransportError(kind: kind, redactedURL: "u", detail: "d"), jitter: 0) else {
            Issue.record("expected failure")
            return
        }
        #expect(!error.retryable)
    }
}

extension PullMachineTests {
    @Test func anEmptyPageWithANextLinkIsFollowed() throws {
        var machine = try machine()
        _ = machine.start()
        guard case .deliver(let empty) = machine.received(page([], next: "/v1/people?after=x"), now: 0, jitter: 0) else {
            Issue.record("no page")
            return
        }
        #expect(empty.records.isEmpty)
        #expect(machine.delivered() == .send(url: "https://api.example.test/v1/people?after=x"))
    }
}
