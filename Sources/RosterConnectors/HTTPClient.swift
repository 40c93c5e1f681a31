/// An HTTP request as the connector engine builds it: one Sendable value.
public struct HTTPRequest: Sendable, Equatable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    /// Absolute URL (`https://…`, or `file://`/`sftp://` when ``allowedSchemes`` permits).
    public var url: String
    /// Header name/value pairs, sent in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Seconds allowed to establish the connection.
    public var connectTimeout: Double
    /// Seconds allowed for the whole transfer.
    public var totalTimeout: Double
    /// URL schemes this request may use, redirects included. `http`/`https` unless a job asks for more.
    public var allowedSchemes: Set<String>
    /// PEM bundle of extra trusted CAs for this request; TLS verification itself is never disabled.
    public var caFile: String?
    /// Largest response body accepted, in bytes.
    public var maxBodyBytes: Int

    public init(
        method: Method = .get, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        connectTimeout: Double = 10, totalTimeout: Double = 60, allowedSchemes: Set<String> = ["http", "https"],
        caFile: String? = nil, maxBodyBytes: Int = 256 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.allowedSchemes = allowedSchemes
        self.caFile = caFile
        self.maxBodyBytes = maxBodyBytes
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? { firstHeader(named: name, in: headers) }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// What came back: status, headers (in order, as received) and the body bytes.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? { firstHeader(named: name, in: headers) }
}

/// The value of the first of `headers` named `name`, compared case-insensitively as HTTP does.
private func firstHeader(named name: String, in headers: [(name: String, value: String)]) -> String? {
    let key = name.lowercased()
    return headers.first { $0.name.lowercased() == key }?.value
}

/// Why a request got no HTTP response at all. Descriptions never include credentials or query strings.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case connectionFailed, timedOut, tls, disallowedScheme, bodyTooLarge, cancelled, other
    }

    public var kind: Kind
    /// The URL without userinfo or query, safe to print.
    public var redactedURL: String
    public var detail: String

    public init(kind: Kind, redactedURL: String, detail: String) {
        self.kind = kind
        self.redactedURL = redactedURL
        self.detail = detail
    }

    public var description: String { "\(redactedURL): \(detail)" }
}

/// The transport port the connector engine talks to. `CurlHTTP` implements it on libcurl;
/// tests use a scripted twin or the real client against loopback servers.
public protocol HTTPClient: Sendable {
    /// Performs `request` and returns the response, whatever its status.
    /// - Throws: ``TransportError`` when no response was received (refused, timeout, TLS, cancelled).
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

extension String {
    /// This URL without userinfo, query or fragment: what logs and errors may show.
    public var redactedURL: String {
        var text = Substring(self)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        if let schemeEnd = text.firstRange(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            if let at = rest[..<hostEnd].lastIndex(of: "@") {
                return String(text[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
            }
        }
        return String(text)
    }
}
