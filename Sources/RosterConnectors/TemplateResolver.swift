/// Fills templates from config and secrets, collecting a diagnostic per missing key.
struct TemplateResolver {
    let config: [String: String]
    let secrets: [String: Secret]
    private(set) var diagnostics: [ConnectorDiagnostic] = []

    init(config: [String: String], secrets: [String: Secret]) {
        self.config = config
        self.secrets = secrets
    }

    /// A non-credential value: secrets are refused here so they never reach a URL or a log.
    mutating func plain(_ template: TemplateString, key: String) -> String {
        fill(template, key: key, allowSecrets: false)
    }

    /// Query parameters, a list value repeating its name.
    mutating func query(_ items: [(name: String, values: [TemplateString])], key: String) -> [(name: String, value: String)] {
        items.flatMap { item in item.values.map { (item.name, plain($0, key: "\(key).\(item.name)")) } }
    }

    /// A credential value, wrapped so it never prints.
    mutating func secret(_ template: TemplateString, key: String) -> Secret {
        Secret(fill(template, key: key, allowSecrets: true))
    }

    private mutating func fill(_ template: TemplateString, key: String, allowSecrets: Bool) -> String {
        var text = ""
        for part in template.parts {
            switch part {
            case .literal(let literal):
                text += literal
            case .config(let name):
                if let value = config[name] {
                    text += value
                } else {
                    report(template, key: key, "config key '\(name)' is not set; add '\(name): …' to the job's connection settings")
                }
            case .secret(let name):
                if !allowSecrets {
                    report(template, key: key, "'{{ secrets.\(name) }}' is only allowed in auth credential fields; use '{{ config.\(name) }}' for '\(key)'")
                } else if let value = secrets[name] {
                    text += value.revealForTransport()
                } else {
                    report(template, key: key, "secret '\(name)' is not set; add '\(name): env:NAME' to the job's secrets")
                }
            }
        }
        return text
    }

    private mutating func report(_ template: TemplateString, key: String, _ message: String) {
        diagnostics.append(ConnectorDiagnostic(at: template.location, message))
    }

    mutating func auth(_ spec: AuthSpec, tokenURL: String?) -> ResolvedAuth {
        switch spec {
        case .none:
            return .none
        case .oauth2ClientCredentials(let oauth):
            return .oauth2ClientCredentials(
                clientID: fill(oauth.clientID, key: "auth.client_id", allowSecrets: true),
                clientSecret: secret(oauth.clientSecret, key: "auth.client_secret"),
                scope: oauth.scope.map { plain($0, key: "auth.scope") }, instanceURLField: oauth.instanceURLField)
        case .jwtBearer(let jwt):
            return .jwtBearer(ResolvedJWT(
                issuer: fill(jwt.issuer, key: "auth.client_email", allowSecrets: true),
                privateKey: secret(jwt.privateKey, key: "auth.private_key"), scope: plain(jwt.scope, key: "auth.scope"),
                subject: jwt.subject.map { plain($0, key: "auth.subject") },
                audience: jwt.audience.map { plain($0, key: "auth.audience") } ?? tokenURL ?? "",
                lifetimeSeconds: jwt.lifetimeSeconds))
        case .basic(let username, let password):
            return .basic(username: secret(username, key: "auth.username"), password: secret(password, key: "auth.password"))
        case .bearer(let token):
            return .bearer(token: secret(token, key: "auth.token"))
        case .apiKeyHeader(let header, let value):
            return .apiKeyHeader(header: header, value: secret(value, key: "auth.value"))
        }
    }
}
