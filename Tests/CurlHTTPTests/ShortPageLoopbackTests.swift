import CurlHTTP
import RosterConnectors
import RosterTesting
import Testing

/// Every paginator over libcurl, against servers that answer pages shorter than asked for.
@Suite(.timeLimit(.minutes(1)))
struct ShortPageLoopbackTests {
    /// Each shipped connector asks for 100 to 1000 records a page; the mock serves 3.
    @Test(arguments: MockVendorJob.all)
    func shippedConnectorsPullPastShortPages(vendor: MockVendorJob) async throws {
        let pull = try await pullOverLoopback(
            stream: vendor.stream,
            connector: { origin in try vendor.connector(directory: connectorsDirectory, origin: origin) },
            serving: { origin in vendor.mock(MockVendorOptions(users: 11, pageSize: 3, origin: origin)) })
        let outcome = try #require(pull.outcome, "\(String(describing: pull.error))")
        #expect(outcome.records == 11 && Set(pull.recordIDs).count == 11)
        #expect(pull.pageSizes.filter { $0 > 0 } == [3, 3, 3, 2])
    }

    @Test(arguments: [
        ("{type: offset, limit: 100}", MockVendors.PagingStyle.offset),
        ("{type: page_number, size_param: per_page, size: 100}", MockVendors.PagingStyle.pageNumber),
    ])
    func countingPaginatorsPullPastShortPages(paginator: String, style: MockVendors.PagingStyle) async throws {
        for sendsTotal in [false, true] {
            let pull = try await pullOverLoopback(
                stream: "users",
                connector: { origin in
                    try ConnectorFile.parse(yaml: """
                        name: paged
                        base_url: \(origin)
                        auth: {type: none}
                        paginator: \(paginator)
                        streams: [{name: users, path: /users, records: users, id: id}]
                        """, path: "paged.yaml").resolve(config: [:], secrets: [:])
                },
                serving: { origin in MockVendors.pagedAPI(MockVendorOptions(users: 11, pageSize: 3, origin: origin), style: style, sendsTotal: sendsTotal) })
            let outcome = try #require(pull.outcome, "\(String(describing: pull.error))")
            #expect(outcome.records == 11 && Set(pull.recordIDs).count == 11)
            #expect(pull.pageRequests == (sendsTotal ? 4 : 5), "an empty page ends the pull unless X-Total-Count says it is done")
        }
    }
}
