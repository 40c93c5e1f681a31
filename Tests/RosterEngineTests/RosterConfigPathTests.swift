import RosterEngine
import Testing

/// Paths in `rostersync.yaml` are relative to the config file's folder.
@Suite struct RosterConfigPathTests {
    @Test func storeAndConnectorFolderResolveAgainstTheConfigFolder() throws {
        let config = try RosterConfig.parse("store: roster.sqlite\nconnectors: defs\n", file: "crm/rostersync.yaml", folder: "crm")
        #expect(config.store == "crm/roster.sqlite")
        #expect(config.connectors == "crm/defs")
    }

    @Test func absolutePathsAndURLsStayAsWritten() throws {
        let config = try RosterConfig.parse("store: /var/lib/roster.sqlite\nconnectors: /etc/rostersync/connectors\n", file: "crm/rostersync.yaml", folder: "crm")
        #expect(config.store == "/var/lib/roster.sqlite")
        #expect(config.connectors == "/etc/rostersync/connectors")
        let url = try RosterConfig.parse("store: postgres://db.example.com/roster\n", file: "crm/rostersync.yaml", folder: "crm")
        #expect(url.store == "postgres://db.example.com/roster")
    }
}
