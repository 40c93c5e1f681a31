import Foundation
public import RosterConnectors
import RosterCore

extension MockVendors {
    /// How ``pagedAPI(_:style:sendsTotal:)`` reads its paging parameters.
    public enum PagingStyle: Sendable {
        /// `?offset=N&limit=M`.
        case offset
        /// `?page=N&per_page=M`, pages counted from 1.
        case pageNumber
    }

    /// A generic `/users` API answering `{"users": [{"id", "email"}…]}` that serves at most
    /// ``MockVendorOptions/pageSize`` records whatever the request asks (a server-side cap), with
    /// an `X-Total-Count` header when `sendsTotal`. A page past the end is empty.
    public static func pagedAPI(_ options: MockVendorOptions, style: PagingStyle, sendsTotal: Bool) -> @Sendable (HTTPRequest) -> HTTPResponse {
        { request in
            let call = MockRequest(request)
            guard call.path == "/users" else { return MockResponse.notFound(call.path) }
            let start: Int
            let asked: Int
            switch style {
            case .offset:
                asked = Int(call.param("limit") ?? "") ?? 20
                start = Int(call.param("offset") ?? "") ?? 0
            case .pageNumber:
                asked = Int(call.param("per_page") ?? "") ?? 20
                // Pages are numbered as the server's own page size goes.
                start = ((Int(call.param("page") ?? "") ?? 1) - 1) * min(asked, options.pageSize)
            }
            let range = min(start, options.users)..<min(start + min(asked, options.pageSize), options.users)
            let users: [JSONValue] = range.map { .object(["id": .number(Double(9000 + $0)), "email": .string(MockPeople.email($0))]) }
            return MockResponse.json(.object(["users": .array(users)]), headers: sendsTotal ? [("X-Total-Count", String(options.users))] : [])
        }
    }
}
