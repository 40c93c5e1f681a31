public import RosterConnectors

/// The ``HTTPClient`` port on libcurl: GET/POST with headers and bodies, timeouts, a body cap,
/// TLS verification that cannot be switched off, and scheme limits that also bind redirects.
///
/// Transfers run on a small fixed pool of worker threads, each reusing one curl handle (so
/// connections are kept alive between requests); `send` suspends without holding a cooperative
/// thread. Cancelling the calling task aborts the transfer with ``TransportError/Kind/cancelled``.
///
/// ```swift
/// let http = CurlHTTPClient()
/// let response = try await http.send(HTTPRequest(url: "https://graph.microsoft.com/v1.0/users"))
/// ```
public final class CurlHTTPClient: HTTPClient {
    private let pool: CurlWorkerPool

    /// Starts the worker threads.
    /// - Parameter maxConcurrentTransfers: worker threads, hence transfers in flight at once
    ///   (at least 1). Further requests wait in FIFO order for a free worker.
    public init(maxConcurrentTransfers: Int = 4) {
        pool = CurlWorkerPool(workerCount: maxConcurrentTransfers)
    }

    deinit { pool.beginShutdown() }

    /// Performs `request` and returns the response whatever its status (404 and 500 are responses).
    ///
    /// Redirects (at most 5) are followed only within the scheme of `request.url`; the headers
    /// returned are the final response's, in the order received, repeated names included.
    /// A successful `file://` or `sftp://` read reports status 200.
    /// - Throws: ``TransportError``: `.disallowedScheme` before any I/O when the URL's scheme is not in
    ///   `request.allowedSchemes` (or later, when a redirect leaves the scheme); `.connectionFailed`,
    ///   `.timedOut`, `.tls`, `.bodyTooLarge`, `.cancelled`, or `.other` (also for a header name or
    ///   value containing a line break, refused before any I/O).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let scheme = try Self.checkedScheme(of: request)
        try Self.checkHeaders(of: request)
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pool.submit(CurlJob(request: request, scheme: scheme, cancellation: flag) { continuation.resume(with: $0) })
            }
        } onCancel: {
            pool.cancel(flag)
        }
    }

    /// Stops the workers: queued and running requests fail with `.cancelled`, later ones are refused,
    /// and this returns once every curl handle has been freed.
    public func shutdown() async {
        pool.beginShutdown()
        await pool.waitUntilStopped()
    }

    /// Refuses header names or values with line breaks, which would smuggle extra header lines.
    static func checkHeaders(of request: HTTPRequest) throws(TransportError) {
        for (name, value) in request.headers where (name + value).contains(where: { $0.isNewline }) || name.isEmpty {
            throw TransportError(
                kind: .other, redactedURL: request.url.redactedURL,
                detail: "header \"\(name.filter { !$0.isNewline })\" has an empty name or a line break; send one line per header")
        }
    }

    /// The lowercased scheme of `request.url`, if the request allows it.
    static func checkedScheme(of request: HTTPRequest) throws(TransportError) -> String {
        let redacted = request.url.redactedURL
        guard let end = request.url.firstRange(of: "://"), !request.url[..<end.lowerBound].isEmpty else {
            throw TransportError(kind: .disallowedScheme, redactedURL: redacted,
                                 detail: "URL has no scheme; write an absolute URL such as https://host/path")
        }
        let scheme = request.url[..<end.lowerBound].lowercased()
        let allowed = Set(request.allowedSchemes.map { $0.lowercased() })
        guard allowed.contains(scheme) else {
            throw TransportError(
                kind: .disallowedScheme, redactedURL: redacted,
                detail: "scheme \"\(scheme)\" is not allowed for this request; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return scheme
    }
}
