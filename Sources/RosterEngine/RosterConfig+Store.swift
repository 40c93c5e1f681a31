import Foundation
import RosterYAML
import Yams

extension RosterConfig {
    /// Parses `store:`: a SQLite path or a store URL, or a mapping with `url`, `password: env:NAME`
    /// and `ca_file` (for PostgreSQL).
    static func parseStore(_ node: Node, into config: inout RosterConfig, folder: String, _ reader: inout YAMLReader) {
        func location(_ node: Node, _ what: String) -> String? {
            guard let text = reader.scalar(node, what) else { return nil }
            guard text.contains("://") else { return JobConfig.resolve(text, folder) }
            if let authority = text.split(separator: "://", maxSplits: 1).last?.split(separator: "/").first,
               let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
                reader.error(node, "the store URL holds a password; remove it from the URL and write the password as an environment reference, "
                    + "e.g. store: { url: postgres://USER@HOST/DATABASE, password: env:ROSTERSYNC_DB_PASSWORD }")
                return nil
            }
            return text
        }
        guard case .mapping = node else {
            config.store = location(node, "'store'")
            return
        }
        var fields: [String: Node] = [:]
        for (key, _, value) in reader.entries(node, "'store'", allowed: ["url", "password", "ca_file"]) { fields[key] = value }
        guard let url = fields["url"] else {
            reader.error(node, "'store' as a mapping needs 'url: postgres://USER@HOST:PORT/DATABASE'")
            return
        }
        config.store = location(url, "'store.url'")
        if let password = fields["password"], let reference = reader.scalar(password, "'store.password'") {
            if reference.hasPrefix("env:"), reference.count > 4 {
                config.storePasswordVariable = String(reference.dropFirst(4))
            } else {
                reader.error(password, "store.password must be an environment reference like env:ROSTERSYNC_DB_PASSWORD, never the password itself")
            }
        }
        if let caFile = fields["ca_file"], let path = reader.scalar(caFile, "'store.ca_file'") {
            config.storeCAFile = JobConfig.resolve(path, folder)
        }
    }
}
