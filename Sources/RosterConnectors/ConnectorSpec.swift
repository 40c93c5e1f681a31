public import RosterCore

/// A connector file as written: every value still a template (`{{ config.x }}`, `{{ secrets.y }}`).
///
/// Load with ``ConnectorFile/load(path:)``, then turn into a runnable ``Connector`` with
/// ``ConnectorSpec/resolve(config:secrets:baseURL:tokenURL:timeouts:jobName:)``.
public struct ConnectorSpec: Sendable {
    /// The file the spec came from, for diagnostics.
    public var path: String
    /// `name:`, e.g. `microsoft-graph`.
    public var name: String
    /// `base_url:`; a job may override it.
    public var baseURL: TemplateString
    /// `token_url:`; required by the OAuth2 and JWT auth kinds; a job may override it.
    public var tokenURL: TemplateString?
    /// `auth:`.
    public var auth: AuthSpec
    /// Extra headers sent with every stream request.
    public var headers: [HeaderSpec]
    /// `streams:`, in file order.
    public var streams: [StreamSpec]
    /// `rate_limit:` (retry and backoff settings).
    public var retry: RetrySettings
    /// `timeouts:`.
    public var timeouts: TimeoutSettings
    /// `schemes:`: URL schemes requests may use (default `http`, `https`).
    public var schemes: Set<String>
}

/// A header as written in a connector file.
public struct HeaderSpec: Sendable {
    /// Header name.
    public var name: String
    /// Header value template.
    public var value: TemplateString
}

/// `auth:` as written; credential fields are templates resolved into ``Secret``s.
public enum AuthSpec: Sendable {
    /// No credentials (e.g. a public CSV URL or a `file://` path).
    case none
    /// OAuth2 client-credentials grant (Graph, Dynamics, Salesforce).
    case oauth2ClientCredentials(OAuth2Spec)
    /// Google service account: RS256-signed JWT exchanged for a token.
    case jwtBearer(JWTBearerSpec)
    /// HTTP basic (`Authorization: Basic base64(user:password)`).
    case basic(username: TemplateString, password: TemplateString)
    /// A static bearer token.
    case bearer(token: TemplateString)
    /// A key sent in a named header.
    case apiKeyHeader(header: String, value: TemplateString)

    /// The `type:` spellings, for diagnostics and docs.
    public static let typeNames = ["none", "oauth2_client_credentials", "jwt_bearer", "basic", "bearer", "api_key_header"]
}

/// Settings of `auth: {type: oauth2_client_credentials}`.
public struct OAuth2Spec: Sendable {
    /// `client_id`.
    public var clientID: TemplateString
    /// `client_secret`.
    public var clientSecret: TemplateString
    /// `scope`, omitted from the form when absent.
    public var scope: TemplateString?
    /// `instance_url_field`: a token-response field whose URL replaces the base URL (Salesforce).
    public var instanceURLField: String?
}

/// Settings of `auth: {type: jwt_bearer}`.
public struct JWTBearerSpec: Sendable {
    /// `client_email` → claim `iss`.
    public var issuer: TemplateString
    /// `private_key`: the PEM private key (PKCS#8 or PKCS#1).
    public var privateKey: TemplateString
    /// `scope` claim.
    public var scope: TemplateString
    /// `subject` → claim `sub`, the user to impersonate.
    public var subject: TemplateString?
    /// `audience` → claim `aud`; defaults to the resolved token URL.
    public var audience: TemplateString?
    /// `lifetime_seconds`: `exp - iat`, at most 3600.
    public var lifetimeSeconds: Int
}

/// One stream: a path whose pages of records the connector pulls.
public struct StreamSpec: Sendable {
    /// How a stream's body is read.
    public enum Kind: String, Sendable, CaseIterable {
        /// JSON pages of records.
        case json
        /// One CSV document handed to the caller as bytes (``PullPage/rawBody``).
        case csv
    }

    /// `name:`, what jobs refer to.
    public var name: String
    /// `kind:` (default `json`).
    public var kind: Kind
    /// `path:`, appended to the base URL (may be empty).
    public var path: TemplateString
    /// `query:` parameters in order; a list value repeats the parameter.
    public var query: [(name: String, values: [TemplateString])]
    /// Stream-specific headers.
    public var headers: [HeaderSpec]
    /// `records:` path to the record array; root for a bare array.
    public var records: BodyPath
    /// `records_optional:` a body without the records path is an empty page (Google omits `users`).
    public var recordsOptional: Bool
    /// `id:` path of the record identifier.
    public var idField: BodyPath
    /// `incremental:`, if the stream supports change pulls.
    public var incremental: IncrementalSpec?
    /// `paginator:`, the stream's own or the connector's.
    public var paginator: PaginatorSpec
    /// Where the stream is declared.
    public var location: FileLocation
}

/// How a stream pulls only changes.
public enum IncrementalSpec: Sendable {
    /// Graph delta: full pull via `path` (with `query` instead of the stream's, when given), the
    /// last page's `link` is the state; later pulls start from it; records carrying
    /// `removedMarker` are removals; 410 means start over.
    case deltaLink(path: TemplateString, query: [(name: String, values: [TemplateString])]?, link: BodyPath, removedMarker: String)
    /// A query parameter filled from the stored cursor; the new cursor is the max of `field`
    /// over the records, else the pull start time (ISO 8601, UTC).
    case updatedSince(param: String, field: BodyPath?)

    /// The `type:` spellings.
    public static let typeNames = ["delta_link", "updated_since"]
}

/// How the next page is found, plus when to stop.
public struct PaginatorSpec: Sendable {
    /// The paging scheme.
    public enum Kind: Sendable {
        /// A single request.
        case none
        /// The next URL is in the body at `path` (absolute, or host-relative to the base URL).
        case nextLink(path: BodyPath)
        /// The next URL is in the `Link` header with `rel`.
        case linkHeader(rel: String)
        /// A token in the body at `tokenPath` is sent back as query parameter `param`.
        case cursor(tokenPath: BodyPath, param: String)
        /// `offsetParam`/`limitParam`; the offset advances by the records received and the pull
        /// ends on an empty page or at the `X-Total-Count` header, never on a short page.
        case offset(offsetParam: String, limitParam: String, limit: Int, start: Int)
        /// `param` counts pages from `start`; ends on an empty page or at the `X-Total-Count`
        /// header, never on a short page.
        case pageNumber(param: String, start: Int, sizeParam: String?, size: Int?)
    }

    /// The paging scheme.
    public var kind: Kind
    /// `stop_when:` body values that mark the last page (e.g. `done: true`, `meta.has_more: false`).
    public var stopWhen: [(path: BodyPath, value: JSONValue)]
    /// `stop_on_empty_page:` a page with no records is the last (default: true for `offset`,
    /// `page_number`; false for link and cursor schemes, which end by omitting the link).
    public var stopOnEmptyPage: Bool

    /// The `type:` spellings.
    public static let typeNames = ["none", "next_link", "link_header", "cursor", "offset", "page_number"]

    /// One request, no paging.
    public static let single = PaginatorSpec(kind: .none, stopWhen: [], stopOnEmptyPage: true)
}

/// `rate_limit:`: which responses are retried and how long to wait.
public struct RetrySettings: Sendable, Equatable {
    /// Tries per request, the first included (default 5).
    public var maxAttempts: Int = 5
    /// First backoff in seconds (default 1), doubled per try.
    public var initialBackoffSeconds: Double = 1
    /// Backoff cap in seconds (default 60).
    public var maxBackoffSeconds: Double = 60
    /// Longest `Retry-After` honoured (default 900); longer fails the pull as retryable.
    public var maxRetryAfterSeconds: Double = 900
    /// Statuses retried (default 429, 502, 503, 504).
    public var retryStatuses: Set<Int> = [429, 502, 503, 504]
    /// Error codes that make a 403 a throttle (Google `rateLimitExceeded`, Salesforce `REQUEST_LIMIT_EXCEEDED`).
    public var throttleErrorCodes: Set<String> = ["rateLimitExceeded", "userRateLimitExceeded", "REQUEST_LIMIT_EXCEEDED"]
    /// Seconds before `expires_in` at which a cached token is renewed (default 60).
    public var tokenExpiryMarginSeconds: Double = 60

    /// The defaults listed above.
    public init() {}
}

/// `timeouts:`.
public struct TimeoutSettings: Sendable, Equatable {
    /// Seconds to connect (default 10).
    public var connectSeconds: Double = 10
    /// Seconds for a whole transfer (default 60).
    public var totalSeconds: Double = 60
    /// Largest body accepted (default 256 MiB).
    public var maxBodyBytes: Int = 256 << 20

    /// The defaults listed above.
    public init() {}
}
