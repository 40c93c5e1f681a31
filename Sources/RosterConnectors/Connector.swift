
/// A connector ready to pull: every placeholder filled, secrets wrapped, job overrides applied.
public struct Connector: Sendable {
    /// The connector's `name:`.
    public let name: String
    /// The connector file it came from.
    public let path: String
    /// The job pulling, named in errors when set.
    public let jobName: String?
    /// Base URL after job overrides (Salesforce replaces it with the token's `instance_url`).
    public let baseURL: String
    /// Token endpoint after job overrides.
    public let tokenURL: String?
    /// Credentials.
    public let auth: ResolvedAuth
    /// Headers sent with every stream request.
    public let headers: [(name: String, value: String)]
    /// Streams by file order.
    public let streams: [ResolvedStream]
    /// Retry and backoff settings.
    public let retry: RetrySettings
    /// Timeouts and body limit.
    public let timeouts: TimeoutSettings
    /// Allowed URL schemes.
    public let schemes: Set<String>
    /// Masks this connector's secrets, and the tokens its pulls obtain, in every message.
    public let redactor: Redactor
    /// The job allows credentials over plain `http://` to another host (`allow_insecure_http`).
    public let allowsInsecureHTTP: Bool

    /// The stream called `name`, if declared.
    public func stream(named name: String) -> ResolvedStream? { streams.first { $0.name == name } }

    /// True when requests carry credentials (any auth but `none`).
    public var sendsCredentials: Bool {
        if case .none = auth { false } else { true }
    }

    /// The token URL or base URL when it is plain `http://` to a host other than this machine
    /// (127.0.0.1, ::1, localhost): credentials sent there cross the network readable.
    public var plainHTTPURL: String? {
        [tokenURL, baseURL].compactMap { $0 }.first(where: Self.isPlainHTTPToAnotherHost)
    }

    /// True for an `http://` URL whose host is not this machine.
    static func isPlainHTTPToAnotherHost(_ url: String) -> Bool {
        url.lowercased().hasPrefix("http://") && !isLoopback(host: host(of: url))
    }

    private static func host(of url: String) -> String {
        var authority = url.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    private static func isLoopback(host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.") && host.split(separator: ".").count == 4
    }
}

extension ResolvedAuth {
    /// A redactor that knows every credential of this auth (the basic pair also as base64).
    func makeRedactor() -> Redactor {
        let redactor = Redactor()
        switch self {
        case .none: break
        case .oauth2ClientCredentials(_, let secret, _, _): redactor.add(secret)
        case .jwtBearer(let jwt): redactor.add(jwt.privateKey)
        case .basic(let username, let password): redactor.addBasicCredentials(user: username, password: password)
        case .bearer(let token): redactor.add(token)
        case .apiKeyHeader(_, let value): redactor.add(value)
        }
        return redactor
    }
}

/// Credentials with secrets wrapped.
public enum ResolvedAuth: Sendable {
    /// No credentials.
    case none
    /// Client-credentials grant against the connector's token URL.
    case oauth2ClientCredentials(clientID: String, clientSecret: Secret, scope: String?, instanceURLField: String?)
    /// Google service-account JWT exchanged for a token.
    case jwtBearer(ResolvedJWT)
    /// HTTP basic.
    case basic(username: Secret, password: Secret)
    /// A static bearer token.
    case bearer(token: Secret)
    /// A key in a named header.
    case apiKeyHeader(header: String, value: Secret)
}

/// Google service-account settings, resolved.
public struct ResolvedJWT: Sendable {
    /// Claim `iss`.
    public var issuer: String
    /// The PEM private key.
    public var privateKey: Secret
    /// Claim `scope`.
    public var scope: String
    /// Claim `sub`, if impersonating.
    public var subject: String?
    /// Claim `aud`.
    public var audience: String
    /// `exp - iat` in seconds (≤ 3600).
    public var lifetimeSeconds: Int
}

/// A stream with its URL parts filled.
public struct ResolvedStream: Sendable {
    /// Stream name.
    public let name: String
    /// JSON records or raw CSV.
    public let kind: StreamSpec.Kind
    /// Path appended to the base URL.
    public let path: String
    /// Query parameters in order (repeated names allowed).
    public let query: [(name: String, value: String)]
    /// Stream headers.
    public let headers: [(name: String, value: String)]
    /// Path to the record array.
    public let records: BodyPath
    /// A body without the records path is an empty page.
    public let recordsOptional: Bool
    /// Path to each record's id.
    public let idField: BodyPath
    /// Change-pull settings, if any.
    public let incremental: ResolvedIncremental?
    /// Paging.
    public let paginator: PaginatorSpec
}

/// Change-pull settings with the delta path filled.
public enum ResolvedIncremental: Sendable {
    /// See ``IncrementalSpec/deltaLink(path:query:link:removedMarker:)``.
    case deltaLink(path: String, query: [(name: String, value: String)]?, link: BodyPath, removedMarker: String)
    /// See ``IncrementalSpec/updatedSince(param:field:)``.
    case updatedSince(param: String, field: BodyPath?)
}

extension ConnectorSpec {
    /// Fills placeholders from a job's connection settings.
    ///
    /// - Parameters:
    ///   - config: values for `{{ config.KEY }}`.
    ///   - secrets: values for `{{ secrets.KEY }}` (already resolved from `env:NAME`).
    ///   - baseURL: a job's `base_url` override (e.g. a loopback mock).
    ///   - tokenURL: a job's `token_url` override.
    ///   - timeouts: a job's `timeouts` override, replacing the file's whole `timeouts:` (start from
    ///     ``ConnectorSpec/timeouts`` to change one limit): a slow export, or a short limit in tests.
    ///   - jobName: named in pull errors.
    ///   - allowInsecureHTTP: the job's `allow_insecure_http`; without it a token response's
    ///     plain `http://` instance URL on another host fails the pull.
    /// - Throws: ``ConnectorFileError`` listing every missing key as `file:line:col` plus the key,
    ///   and every `secrets.` placeholder used outside an auth credential field.
    public func resolve(
        config: [String: String], secrets: [String: Secret], baseURL: String? = nil, tokenURL: String? = nil,
        timeouts: TimeoutSettings? = nil, jobName: String? = nil, allowInsecureHTTP: Bool = false
    ) throws(ConnectorFileError) -> Connector {
        var resolver = TemplateResolver(config: config, secrets: secrets)
        let base = baseURL ?? resolver.plain(self.baseURL, key: "base_url")
        let token = tokenURL ?? self.tokenURL.map { resolver.plain($0, key: "token_url") }
        let auth = resolver.auth(self.auth, tokenURL: token)
        let headers = self.headers.map { ($0.name, resolver.plain($0.value, key: "headers.\($0.name)")) }
        let streams = self.streams.map { stream in
            ResolvedStream(
                name: stream.name, kind: stream.kind, path: resolver.plain(stream.path, key: "path"),
                query: resolver.query(stream.query, key: "query"),
                headers: stream.headers.map { ($0.name, resolver.plain($0.value, key: "headers.\($0.name)")) },
                records: stream.records, recordsOptional: stream.recordsOptional, idField: stream.idField,
                incremental: stream.incremental.map { incremental in
                    switch incremental {
                    case .deltaLink(let path, let query, let link, let marker):
                        .deltaLink(path: resolver.plain(path, key: "incremental.path"),
                                   query: query.map { resolver.query($0, key: "incremental.query") }, link: link, removedMarker: marker)
                    case .updatedSince(let param, let field): .updatedSince(param: param, field: field)
                    }
                },
                paginator: stream.paginator)
        }
        guard resolver.diagnostics.isEmpty else { throw ConnectorFileError(diagnostics: resolver.diagnostics) }
        return Connector(name: name, path: path, jobName: jobName, baseURL: trimmedSlash(base), tokenURL: token, auth: auth,
                         headers: headers, streams: streams, retry: retry, timeouts: timeouts ?? self.timeouts, schemes: schemes,
                         redactor: auth.makeRedactor(), allowsInsecureHTTP: allowInsecureHTTP)
    }

    private func trimmedSlash(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
