import RosterCore

extension PullMachine {
    /// A 2xx response: read records, find the next page, and hand the page out.
    mutating func page(_ response: HTTPResponse) -> Action {
        let number = pagesDelivered + 1
        if stream.kind == .csv {
            pendingNextURL = nil
            return deliver(PullPage(number: number, records: [], rawBody: response.body))
        }
        guard let body = JSONBody.parse(response.body) else {
            let type = response.header("Content-Type").map { ", Content-Type \($0)" } ?? ""
            return fail(.parse(number), status: response.status, retryable: false,
                        "body is not JSON (\(response.body.count) bytes\(type)); check base_url points at the API")
        }
        let items: [JSONValue]
        switch stream.records.lookup(in: body) {
        case .array(let array)?:
            items = array
        case nil where stream.recordsOptional, .null? where stream.recordsOptional:
            items = []
        case nil, .null?:
            return fail(.parse(number), status: response.status, retryable: false,
                        "body has no '\(stream.records)' array; check the stream's records: path")
        default:
            return fail(.parse(number), status: response.status, retryable: false,
                        "'\(stream.records)' in the body is not an array; check the stream's records: path")
        }
        var records: [SourceRecord] = []
        var removed: [String] = []
        records.reserveCapacity(items.count)
        let removedMarker: String? = if case .deltaLink(_, _, _, let marker) = stream.incremental { marker } else { nil }
        for (index, item) in items.enumerated() {
            guard let id = stream.idField.lookup(in: item)?.scalarText, !id.isEmpty else {
                return fail(.parse(number), status: response.status, retryable: false,
                            "record \(index + 1) has no '\(stream.idField)' value; check the stream's id: path")
            }
            if let removedMarker, item[removedMarker] != nil {
                removed.append(id)
                continue
            }
            if case .updatedSince(_, let field?) = stream.incremental, let stamp = field.lookup(in: item)?.scalarText,
               stamp > (cursorMax ?? "") {
                cursorMax = stamp
            }
            records.append(SourceRecord(id: id, value: item))
        }
        switch nextURL(body: body, response: response, count: items.count) {
        case .success(let next):
            pendingNextURL = next
        case .failure(let failure):
            return fail(.parse(number), status: response.status, retryable: false, failure.message)
        }
        if pendingNextURL == nil, case .deltaLink(_, _, let link, _) = stream.incremental {
            deltaLink = link.lookup(in: body)?.scalarText
        }
        return deliver(PullPage(number: number, records: records, removedIDs: removed))
    }

    private mutating func deliver(_ page: PullPage) -> Action {
        pagesDelivered += 1
        recordsDelivered += page.records.count
        removedDelivered += page.removedIDs.count
        return .deliver(page)
    }

    private struct PagingFailure: Error {
        var message: String
    }

    /// True when the records delivered so far and this page's `count` reach the server's
    /// `X-Total-Count` header (no header: never).
    private func reachedTotal(_ response: HTTPResponse, count: Int) -> Bool {
        guard let total = response.header("X-Total-Count").flatMap({ Int($0.filter { $0 != " " }) }) else { return false }
        return recordsDelivered + count >= total
    }

    /// The next page's URL, `nil` on the last page.
    private mutating func nextURL(body: JSONValue, response: HTTPResponse, count: Int) -> Result<String?, PagingFailure> {
        let paginator = stream.paginator
        if paginator.stopWhen.contains(where: { $0.path.lookup(in: body) == $0.value }) { return .success(nil) }
        if count == 0, paginator.stopOnEmptyPage { return .success(nil) }
        let link: String?
        switch paginator.kind {
        case .none:
            return .success(nil)
        case .nextLink(let path):
            link = path.lookup(in: body)?.scalarText
        case .linkHeader(let rel):
            link = response.header("Link").flatMap { URLText.linkHeaderTarget($0, rel: rel) }
        case .cursor(let tokenPath, let param):
            guard let token = tokenPath.lookup(in: body)?.scalarText, !token.isEmpty else { return .success(nil) }
            return .success(firstURL(extra: [(param, token)]))
        case .offset:
            // A page shorter than asked is not the last: servers cap page sizes and filter rows
            // after paging. Only an empty page or the announced total ends the pull.
            guard count > 0, !reachedTotal(response, count: count) else { return .success(nil) }
            offset += count
            return .success(firstURL(extra: []))
        case .pageNumber:
            guard count > 0, !reachedTotal(response, count: count) else { return .success(nil) }
            pageIndex += 1
            return .success(firstURL(extra: []))
        }
        guard let link, !link.isEmpty else { return .success(nil) }
        let absolute = URLText.resolve(link, against: baseURL)
        // Tokens go only to the host we started on; a next link elsewhere would leak them.
        guard URLText.origin(of: absolute)?.lowercased() == URLText.origin(of: baseURL)?.lowercased() else {
            return .failure(PagingFailure(message: "next page link points to another host (\(absolute.redactedURL)); refusing to send credentials there"))
        }
        return .success(absolute)
    }
}
