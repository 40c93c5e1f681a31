import Foundation
import RosterCore
import RosterYAML
import Yams

/// Loads connector files (`connectors/*.yaml`) into ``ConnectorSpec`` values.
public enum ConnectorFile {
    static let topKeys = ["name", "description", "base_url", "token_url", "auth", "headers", "streams", "paginator", "rate_limit", "timeouts", "schemes"]

    /// Reads and parses the connector file at `path`.
    /// - Throws: ``ConnectorFileError`` when the file is missing or has any problem (all are listed).
    public static func load(path: String) throws(ConnectorFileError) -> ConnectorSpec {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConnectorFileError(diagnostics: [ConnectorDiagnostic(
                file: path, line: 1, column: 1, message: "connector file not found or not UTF-8 at \(path); ensure the file exists")])
        }
        return try parse(yaml: text, path: path)
    }

    /// Parses connector YAML; `path` is used in diagnostics.
    /// - Throws: ``ConnectorFileError`` with every problem found, each as `path:line:col: error: …`.
    public static func parse(yaml: String, path: String) throws(ConnectorFileError) -> ConnectorSpec {
        var reader = YAMLReader(file: path)
        guard let root = reader.compose(yaml) else {
            if !reader.diagnostics.isEmpty { throw ConnectorFileError(diagnostics: reader.diagnostics) }
            throw ConnectorFileError(diagnostics: [ConnectorDiagnostic(
                file: path, line: 1, column: 1, message: "connector file is empty; start with 'name:'")])
        }
        let spec = parseRoot(root, reader: &reader)
        if let spec, reader.diagnostics.isEmpty { return spec }
        throw ConnectorFileError(diagnostics: reader.diagnostics)
    }

    private static func parseRoot(_ root: Node, reader: inout YAMLReader) -> ConnectorSpec? {
        guard let map = reader.mapping(root, keyPath: "connector") else { return nil }
        reader.checkKeys(map, allowed: topKeys, keyPath: "")
        let name = reader.string(map, "name", keyPath: "", required: true, owner: root)
        let baseURL = reader.template(map, "base_url", keyPath: "", required: true, owner: root)
        let tokenURL = reader.template(map, "token_url", keyPath: "", owner: root)
        var auth = AuthSpec.none
        if let node = reader.value(map, "auth", keyPath: "", required: true, owner: root) {
            auth = parseAuth(node, reader: &reader) ?? .none
        }
        if case .oauth2ClientCredentials = auth, tokenURL == nil {
            reader.error(root, "auth type oauth2_client_credentials needs 'token_url:' (the token endpoint)")
        }
        if case .jwtBearer = auth, tokenURL == nil {
            reader.error(root, "auth type jwt_bearer needs 'token_url:' (e.g. https://oauth2.googleapis.com/token)")
        }
        let headers = map["headers"].map { parseHeaders($0, keyPath: "headers", reader: &reader) } ?? []
        let defaultPaginator = map["paginator"].flatMap { parsePaginator($0, keyPath: "paginator", reader: &reader) } ?? .single
        var streams: [StreamSpec] = []
        if let node = reader.value(map, "streams", keyPath: "", required: true, owner: root) {
            if case .sequence(let sequence) = node, !sequence.isEmpty {
                for (index, item) in sequence.enumerated() {
                    if let stream = parseStream(item, keyPath: "streams[\(index)]", paginator: defaultPaginator, reader: &reader) {
                        streams.append(stream)
                    }
                }
            } else {
                reader.error(node, "'streams' must be a non-empty list of streams (each with name, path, records, id)")
            }
        }
        let retry = map["rate_limit"].map { parseRetry($0, reader: &reader) } ?? RetrySettings()
        let timeouts = map["timeouts"].map { parseTimeouts($0, reader: &reader) } ?? TimeoutSettings()
        var schemes: Set<String> = ["http", "https"]
        if let node = map["schemes"] {
            let allowed = ["http", "https", "file", "sftp"]
            schemes = Set(reader.items(node).compactMap { item -> String? in
                guard let scheme = item.string, allowed.contains(scheme) else {
                    reader.error(item, "unknown URL scheme '\(item.string ?? "")'" + Suggestion.hint(for: item.string ?? "", among: allowed))
                    return nil
                }
                return scheme
            })
        }
        var seenStreams: Set<String> = []
        for stream in streams where !seenStreams.insert(stream.name).inserted {
            reader.error(stream.location, "stream name '\(stream.name)' is used twice; give each stream its own name")
        }
        guard let name, let baseURL else { return nil }
        return ConnectorSpec(path: reader.file, name: name, baseURL: baseURL, tokenURL: tokenURL, auth: auth, headers: headers,
                             streams: streams, retry: retry, timeouts: timeouts, schemes: schemes)
    }

    static func parseHeaders(_ node: Node, keyPath: String, reader: inout YAMLReader) -> [HeaderSpec] {
        guard let map = reader.mapping(node, keyPath: keyPath) else { return [] }
        return map.compactMap { key, value in
            guard let name = key.string, let text = value.string,
                  let template = reader.template(text, at: value) else {
                reader.error(value, "header values must be single strings")
                return nil
            }
            return HeaderSpec(name: name, value: template)
        }
    }

    private static func parseRetry(_ node: Node, reader: inout YAMLReader) -> RetrySettings {
        var settings = RetrySettings()
        guard let map = reader.mapping(node, keyPath: "rate_limit") else { return settings }
        reader.checkKeys(map, allowed: ["max_attempts", "initial_backoff_seconds", "max_backoff_seconds", "max_retry_after_seconds",
                                        "retry_statuses", "throttle_error_codes", "token_expiry_margin_seconds"], keyPath: "rate_limit")
        let path = "rate_limit"
        if let value = reader.int(map, "max_attempts", keyPath: path, range: 1...20) { settings.maxAttempts = value }
        if let value = reader.seconds(map, "initial_backoff_seconds", keyPath: path) { settings.initialBackoffSeconds = value }
        if let value = reader.seconds(map, "max_backoff_seconds", keyPath: path) { settings.maxBackoffSeconds = value }
        if let value = reader.seconds(map, "max_retry_after_seconds", keyPath: path) { settings.maxRetryAfterSeconds = value }
        if let value = reader.seconds(map, "token_expiry_margin_seconds", keyPath: path) { settings.tokenExpiryMarginSeconds = value }
        if let node = map["retry_statuses"] {
            settings.retryStatuses = Set(reader.items(node).compactMap { item -> Int? in
                guard let status = item.int, (400...599).contains(status), ![400, 401, 403].contains(status) else {
                    reader.error(item, "retry_statuses holds HTTP statuses 402–599 except 401/403 (400, 401 and 403 are never retried)")
                    return nil
                }
                return status
            })
        }
        if let node = map["throttle_error_codes"] { settings.throttleErrorCodes = Set(reader.items(node).compactMap(\.string)) }
        return settings
    }

    private static func parseTimeouts(_ node: Node, reader: inout YAMLReader) -> TimeoutSettings {
        var settings = TimeoutSettings()
        guard let map = reader.mapping(node, keyPath: "timeouts") else { return settings }
        reader.checkKeys(map, allowed: ["connect_seconds", "total_seconds", "max_body_bytes"], keyPath: "timeouts")
        if let value = reader.seconds(map, "connect_seconds", keyPath: "timeouts") { settings.connectSeconds = value }
        if let value = reader.seconds(map, "total_seconds", keyPath: "timeouts") { settings.totalSeconds = value }
        if let value = reader.int(map, "max_body_bytes", keyPath: "timeouts", range: 1024...(4 << 30)) { settings.maxBodyBytes = value }
        return settings
    }
}
