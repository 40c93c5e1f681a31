import RosterCore
import RosterYAML
import Yams

extension ConnectorFile {
    /// Keys each auth type accepts besides `type`.
    static let authKeys: [String: [String]] = [
        "none": [],
        "oauth2_client_credentials": ["client_id", "client_secret", "scope", "instance_url_field"],
        "jwt_bearer": ["client_email", "private_key", "scope", "subject", "audience", "lifetime_seconds"],
        "basic": ["username", "password"],
        "bearer": ["token"],
        "api_key_header": ["header", "value"],
    ]

    static func parseAuth(_ node: Node, reader: inout YAMLReader) -> AuthSpec? {
        guard let map = reader.mapping(node, keyPath: "auth"),
              let type = reader.string(map, "type", keyPath: "auth", required: true, owner: node) else { return nil }
        guard let keys = authKeys[type] else {
            reader.error(map["type"] ?? node, "unknown auth type '\(type)'" + Suggestion.hint(for: type, among: AuthSpec.typeNames))
            return nil
        }
        reader.checkKeys(map, allowed: ["type"] + keys, keyPath: "auth")
        func field(_ key: String, required: Bool = true) -> TemplateString? {
            reader.template(map, key, keyPath: "auth", required: required, owner: node)
        }
        switch type {
        case "oauth2_client_credentials":
            guard let id = field("client_id"), let secret = field("client_secret") else { return nil }
            return .oauth2ClientCredentials(OAuth2Spec(clientID: id, clientSecret: secret, scope: field("scope", required: false),
                                                       instanceURLField: reader.string(map, "instance_url_field", keyPath: "auth", owner: node)))
        case "jwt_bearer":
            guard let issuer = field("client_email"), let key = field("private_key"), let scope = field("scope") else { return nil }
            let lifetime = reader.int(map, "lifetime_seconds", keyPath: "auth", range: 60...3600) ?? 3600
            return .jwtBearer(JWTBearerSpec(issuer: issuer, privateKey: key, scope: scope, subject: field("subject", required: false),
                                            audience: field("audience", required: false), lifetimeSeconds: lifetime))
        case "basic":
            guard let user = field("username"), let password = field("password") else { return nil }
            return .basic(username: user, password: password)
        case "bearer":
            return field("token").map { .bearer(token: $0) }
        case "api_key_header":
            guard let header = reader.string(map, "header", keyPath: "auth", required: true, owner: node), let value = field("value") else { return nil }
            return .apiKeyHeader(header: header, value: value)
        default:
            return AuthSpec.none
        }
    }

    /// Keys each paginator type accepts besides `type`, `stop_when` and `stop_on_empty_page`.
    static let paginatorKeys: [String: [String]] = [
        "none": [],
        "next_link": ["path"],
        "link_header": ["rel"],
        "cursor": ["token_path", "param"],
        "offset": ["offset_param", "limit_param", "limit", "start"],
        "page_number": ["param", "start", "size_param", "size"],
    ]

    static func parsePaginator(_ node: Node, keyPath: String, reader: inout YAMLReader) -> PaginatorSpec? {
        guard let map = reader.mapping(node, keyPath: keyPath),
              let type = reader.string(map, "type", keyPath: keyPath, required: true, owner: node) else { return nil }
        guard let keys = paginatorKeys[type] else {
            reader.error(map["type"] ?? node, "unknown paginator type '\(type)'" + Suggestion.hint(for: type, among: PaginatorSpec.typeNames))
            return nil
        }
        reader.checkKeys(map, allowed: ["type", "stop_when", "stop_on_empty_page"] + keys, keyPath: keyPath)
        func text(_ key: String, default fallback: String? = nil) -> String? {
            reader.string(map, key, keyPath: keyPath, required: fallback == nil, owner: node) ?? fallback
        }
        let kind: PaginatorSpec.Kind
        switch type {
        case "next_link":
            guard let path = text("path") else { return nil }
            kind = .nextLink(path: BodyPath(path))
        case "link_header":
            kind = .linkHeader(rel: text("rel", default: "next") ?? "next")
        case "cursor":
            guard let token = text("token_path"), let param = text("param") else { return nil }
            kind = .cursor(tokenPath: BodyPath(token), param: param)
        case "offset":
            guard let offsetParam = text("offset_param", default: "offset"), let limitParam = text("limit_param", default: "limit"),
                  let limit = reader.int(map, "limit", keyPath: keyPath, range: 1...100_000) else {
                if map["limit"] == nil { reader.error(node, "paginator type offset needs 'limit:' (the page size)") }
                return nil
            }
            kind = .offset(offsetParam: offsetParam, limitParam: limitParam, limit: limit,
                           start: reader.int(map, "start", keyPath: keyPath, range: 0...Int.max) ?? 0)
        case "page_number":
            kind = .pageNumber(param: text("param", default: "page") ?? "page",
                               start: reader.int(map, "start", keyPath: keyPath, range: 0...Int.max) ?? 1,
                               sizeParam: reader.string(map, "size_param", keyPath: keyPath, owner: node),
                               size: reader.int(map, "size", keyPath: keyPath, range: 1...100_000))
        default:
            kind = .none
        }
        var stopWhen: [(path: BodyPath, value: JSONValue)] = []
        if let stopNode = map["stop_when"], let stopMap = reader.mapping(stopNode, keyPath: "\(keyPath).stop_when") {
            stopWhen = stopMap.map { key, value in (BodyPath(key.string ?? ""), reader.jsonValue(value)) }
        }
        // Link and cursor schemes say "last page" by omitting the link; an empty page with a link
        // (Graph delta does this) must be followed, or the pull would end early.
        let countsPages: Bool = switch kind {
        case .offset, .pageNumber, .none: true
        default: false
        }
        return PaginatorSpec(kind: kind, stopWhen: stopWhen,
                             stopOnEmptyPage: reader.bool(map, "stop_on_empty_page", keyPath: keyPath) ?? countsPages)
    }

    static let streamKeys = ["name", "kind", "path", "query", "headers", "records", "records_optional", "id", "incremental", "paginator"]

    static func parseStream(_ node: Node, keyPath: String, paginator: PaginatorSpec, reader: inout YAMLReader) -> StreamSpec? {
        guard let map = reader.mapping(node, keyPath: keyPath) else { return nil }
        reader.checkKeys(map, allowed: streamKeys, keyPath: keyPath)
        let name = reader.string(map, "name", keyPath: keyPath, required: true, owner: node)
        var kind = StreamSpec.Kind.json
        if let kindNode = map["kind"], let text = kindNode.string {
            if let parsed = StreamSpec.Kind(rawValue: text) {
                kind = parsed
            } else {
                reader.error(kindNode, "unknown stream kind '\(text)'" + Suggestion.hint(for: text, among: StreamSpec.Kind.allCases.map(\.rawValue)))
            }
        }
        let path = reader.template(map, "path", keyPath: keyPath, owner: node) ?? TemplateString(literal: "", location: reader.location(of: node))
        let query = map["query"].map { parseQuery($0, keyPath: "\(keyPath).query", reader: &reader) } ?? []
        let records = reader.string(map, "records", keyPath: keyPath, required: kind == .json, owner: node) ?? ""
        let id = reader.string(map, "id", keyPath: keyPath, required: kind == .json, owner: node) ?? "id"
        let streamPaginator = map["paginator"].flatMap { parsePaginator($0, keyPath: "\(keyPath).paginator", reader: &reader) } ?? paginator
        let incremental = map["incremental"].flatMap { parseIncremental($0, keyPath: "\(keyPath).incremental", reader: &reader) }
        guard let name else { return nil }
        return StreamSpec(
            name: name, kind: kind, path: path, query: query,
            headers: map["headers"].map { parseHeaders($0, keyPath: "\(keyPath).headers", reader: &reader) } ?? [],
            records: BodyPath(records), recordsOptional: reader.bool(map, "records_optional", keyPath: keyPath) ?? false,
            idField: BodyPath(id), incremental: incremental, paginator: kind == .csv ? .single : streamPaginator,
            location: reader.location(of: node))
    }

    static func parseQuery(_ node: Node, keyPath: String, reader: inout YAMLReader) -> [(name: String, values: [TemplateString])] {
        guard let map = reader.mapping(node, keyPath: keyPath) else { return [] }
        return map.map { key, value in
            let param = key.string ?? ""
            return (param, reader.items(value).compactMap { item in reader.template(item.string ?? "", at: item) })
        }
    }

    static func parseIncremental(_ node: Node, keyPath: String, reader: inout YAMLReader) -> IncrementalSpec? {
        guard let map = reader.mapping(node, keyPath: keyPath),
              let type = reader.string(map, "type", keyPath: keyPath, required: true, owner: node) else { return nil }
        switch type {
        case "delta_link":
            reader.checkKeys(map, allowed: ["type", "path", "query", "link", "removed_marker"], keyPath: keyPath)
            guard let path = reader.template(map, "path", keyPath: keyPath, required: true, owner: node) else { return nil }
            return .deltaLink(path: path, query: map["query"].map { parseQuery($0, keyPath: "\(keyPath).query", reader: &reader) }, link: BodyPath(reader.string(map, "link", keyPath: keyPath, owner: node) ?? "@odata.deltaLink"),
                              removedMarker: reader.string(map, "removed_marker", keyPath: keyPath, owner: node) ?? "@removed")
        case "updated_since":
            reader.checkKeys(map, allowed: ["type", "param", "field"], keyPath: keyPath)
            guard let param = reader.string(map, "param", keyPath: keyPath, required: true, owner: node) else { return nil }
            return .updatedSince(param: param, field: reader.string(map, "field", keyPath: keyPath, owner: node).map(BodyPath.init))
        default:
            reader.error(map["type"] ?? node, "unknown incremental type '\(type)'" + Suggestion.hint(for: type, among: IncrementalSpec.typeNames))
            return nil
        }
    }
}
