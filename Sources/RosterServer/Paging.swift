import Hummingbird
import RosterEngine

/// Query parameters of list routes, checked with messages that say what to write instead.
struct Query {
    let parameters: [String: String]

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        self.parameters = parameters
    }

    subscript(_ name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }

    /// `limit`, 1 … `maximum`, default `fallback`.
    func limit(default fallback: Int = 50, maximum: Int = 1000) throws -> Int {
        guard let text = self["limit"] else { return fallback }
        guard let value = Int(text), (1...maximum).contains(value) else {
            throw APIError(.badRequest, "limit must be a whole number from 1 to \(maximum), got '\(text)'")
        }
        return value
    }

    /// A `true`/`false` parameter; absent means `nil`.
    func bool(_ name: String) throws -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError(.badRequest, "\(name) must be true or false, got '\(text)'")
        }
    }

    /// `job`: the name of a configured sync job; absent means `nil`.
    func job(in config: RosterConfig) throws -> String? {
        guard let name = self["job"] else { return nil }
        guard config.jobs.contains(where: { $0.name == name }) else {
            let names = config.jobs.map(\.name)
            throw APIError(.badRequest, "job must be the name of a configured job (\(names.isEmpty ? "none configured" : names.joined(separator: ", "))), got '\(name)'")
        }
        return name
    }

    /// A non-negative whole number parameter; absent means 0.
    func offset(_ name: String) throws -> Int {
        guard let text = self[name] else { return 0 }
        guard let value = Int(text), value >= 0 else { throw APIError(.badRequest, "\(name) must be a whole number 0 or more, got '\(text)'") }
        return value
    }
}

/// A run id from the path: digits only, so no path trick reaches the store.
func runID(_ context: some RequestContext) throws -> Int64 {
    let text = context.parameters.get("id") ?? ""
    guard let id = Int64(text), id > 0 else {
        throw APIError(.badRequest, "run id must be a run number such as 12 (see GET /api/runs), got '\(text)'")
    }
    return id
}
