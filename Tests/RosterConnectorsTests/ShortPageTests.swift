import RosterConnectors
import RosterTesting
import Testing

/// A page shorter than the connector asked for is not the last page: servers cap page sizes and
/// hide rows after paging (ServiceNow ACLs). Every paginator pulls on to the real end.
@Suite struct ShortPageTests {
    static func connectorYAML(paginator: String) -> String {
        """
        name: paged
        base_url: https://api.example.test
        auth: {type: none}
        paginator: \(paginator)
        streams:
          - name: users
            path: /users
            records: users
            id: id
        """
    }

    static let offsetPaginator = "{type: offset, offset_param: offset, limit_param: limit, limit: 100}"
    static let pageNumberPaginator = "{type: page_number, param: page, size_param: per_page, size: 100}"

    func pull(_ paginator: String, style: MockVendors.PagingStyle, sendsTotal: Bool) async throws -> PullRun {
        let connector = try ConnectorFile.parse(yaml: Self.connectorYAML(paginator: paginator), path: "paged.yaml").resolve(config: [:], secrets: [:])
        let handler = MockVendors.pagedAPI(MockVendorOptions(users: 25, pageSize: 7, origin: "https://api.example.test"), style: style, sendsTotal: sendsTotal)
        return try await runPull(connector, stream: "users") { handler($0) }
    }

    @Test func offsetPagingAdvancesByTheRecordsReceivedUntilAnEmptyPage() async throws {
        let run = try await pull(Self.offsetPaginator, style: .offset, sendsTotal: false)
        #expect(run.outcome?.records == 25)
        #expect(Set(run.records.map(\.id)).count == 25)
        #expect(run.requests.map { MockRequest($0).param("offset") } == ["0", "7", "14", "21", "25"])
        #expect(run.requests.allSatisfy { MockRequest($0).param("limit") == "100" })
    }

    @Test func offsetPagingStopsAtTheAnnouncedTotal() async throws {
        let run = try await pull(Self.offsetPaginator, style: .offset, sendsTotal: true)
        #expect(run.outcome?.records == 25)
        #expect(run.requests.map { MockRequest($0).param("offset") } == ["0", "7", "14", "21"])
    }

    @Test func pageNumberPagingGoesOnPastShortPagesUntilAnEmptyPage() async throws {
        let run = try await pull(Self.pageNumberPaginator, style: .pageNumber, sendsTotal: false)
        #expect(run.outcome?.records == 25)
        #expect(Set(run.records.map(\.id)).count == 25)
        #expect(run.requests.map { MockRequest($0).param("page") } == ["1", "2", "3", "4", "5"])
    }

    @Test func pageNumberPagingStopsAtTheAnnouncedTotal() async throws {
        let run = try await pull(Self.pageNumberPaginator, style: .pageNumber, sendsTotal: true)
        #expect(run.outcome?.records == 25)
        #expect(run.requests.count == 4)
    }

    @Test func serviceNowFollowsTheLinkHeaderPastPagesThinnedByACLs() async throws {
        let vendor = try #require(VendorCase.all.first { $0.file == "servicenow" })
        let run = try await runVendor(vendor, faults: MockFaults(hiddenEvery: 3))
        let outcome = try #require(run.outcome, "\(String(describing: run.error))")
        let visible = (0..<vendor.users).filter { $0 % 3 != 0 }
        #expect(outcome.records == visible.count && outcome.pages == 3)
        #expect(run.pages.map(\.records.count) == [6, 7, 3])
        #expect(Set(run.records.map(\.id)).count == visible.count)
    }
}
