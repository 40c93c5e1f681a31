import RosterCore
import RosterEngine
import Testing

/// `rostersync.yaml` parsing and its located diagnostics (DESIGN §4).
@Suite struct RosterConfigTests {
    func diagnostics(_ text: String) throws -> [ConfigDiagnostic] {
        try #require(throws: ConfigError.self) { try RosterConfig.parse(text, file: "rostersync.yaml") }.diagnostics
    }

    @Test func fullCatalog() throws {
        let config = try RosterConfig.parse("""
            store: ./roster.sqlite
            catalog:
              licenses: { Enterprise: 50, Contact: 10 }
              roles: [Team Lead, QA Analyst]
              data_centers: { US: US East, uk: London, DE: Frankfurt }
              extension_range: 2000-2999
            """, file: "rostersync.yaml")
        #expect(config.store == "./roster.sqlite")
        #expect(config.catalog.seats == ["Enterprise": 50, "Contact": 10])
        #expect(config.catalog.customRoles == ["Team Lead", "QA Analyst"])
        #expect(config.catalog.roles.suffix(2) == ["Team Lead", "QA Analyst"])
        #expect(config.catalog.dataCenters == ["US": "US East", "UK": "London", "DE": "Frankfurt"])
        #expect(config.catalog.extensionRange == 2000...2999)
    }

    @Test(arguments: ["", "# only a comment\n", "catalog: {}\n"])
    func emptyConfigGivesDefaults(text: String) throws {
        #expect(try RosterConfig.parse(text, file: "rostersync.yaml") == RosterConfig())
    }

    @Test(arguments: [
        ("licenses: { Enterprise: unlimited, Contact: 5 }", ["Contact": 5]),
        ("licenses: { Enterprise: , Contact: ~ }", [:]),
        ("licenses: { enterprise: 3, CONTACT: 0 }", ["Enterprise": 3, "Contact": 0]),
        ("licenses: { Unassigned: 4 }", [:]),
    ])
    func seats(line: String, expected: [String: Int]) throws {
        let config = try RosterConfig.parse("catalog:\n  \(line)\n", file: "rostersync.yaml")
        #expect(config.catalog.seats == expected)
        #expect(config.catalog.seatLimit(for: "Enterprise") == expected["Enterprise"])
    }

    @Test func misspeltKeyIsLocatedWithDidYouMean() throws {
        let found = try diagnostics("catalog:\n  licences: { Enterprise: 5 }\n")
        #expect(found == [ConfigDiagnostic(file: "rostersync.yaml", line: 2, column: 3,
                                           message: "unknown key 'licences' in catalog; did you mean 'licenses'? valid keys: licenses, roles, data_centers, extension_range")])
        #expect(found.first?.description == "rostersync.yaml:2:3: error: unknown key 'licences' in catalog; did you mean 'licenses'? valid keys: licenses, roles, data_centers, extension_range")
    }

    @Test(arguments: [
        ("stor: x.sqlite\n", 1, 1, "unknown key 'stor' in the config file; did you mean 'store'?"),
        ("jobz: {}\n", 1, 1, "unknown key 'jobz' in the config file; did you mean 'jobs'?"),
        ("logs: {}\n", 1, 1, "unknown key 'logs' in the config file; valid keys: store, connectors, catalog, jobs, allowed_folders"),
        ("catalog:\n  licenses: { Enterprize: 5 }\n", 2, 15, "unknown license 'Enterprize'; did you mean 'Enterprise'?"),
        ("catalog:\n  licenses:\n    Enterprise: fifty\n", 3, 17, "must be a whole number"),
        ("catalog:\n  licenses:\n    Enterprise: -3\n", 3, 17, "must be a whole number"),
        ("catalog:\n  roles: Team Lead\n", 2, 10, "must be a list"),
        ("catalog:\n  roles: [agent]\n", 2, 11, "role 'agent' is already defined"),
        ("catalog:\n  data_centers: { USA: US East }\n", 2, 19, "'USA' must be two letters"),
        ("catalog:\n  extension_range: 2999-2000\n", 2, 20, "extension_range must be LOW-HIGH"),
        ("catalog:\n  extension_range: lots\n", 2, 20, "got 'lots'"),
        ("catalog: [a, b]\n", 1, 10, "catalog must be a mapping of key: value lines"),
        ("catalog:\n  licenses: { Enterprise: 5\n", 3, 1, "invalid YAML: did not find expected ',' or '}'; check indentation, colons and quotes on this line"),
        ("run_lease: 10\n", 1, 12, "run_lease must be a duration such as 10m, 90s or 1h (a whole number and s, m, h or d), not '10'"),
        ("run_heartbeat: 0s\n", 1, 16, "run_heartbeat must be a duration"),
        ("run_lease: 1m\nrun_heartbeat: 30s\n", 2, 16, "run_heartbeat (30s) must be at most a third of run_lease (1m)"),
    ])
    func diagnosticsSayWhereAndWhat(text: String, line: Int, column: Int, message: String) throws {
        let found = try diagnostics(text)
        #expect(found.count == 1, "\(found)")
        let diagnostic = try #require(found.first)
        #expect(diagnostic.message.contains(message), "\(diagnostic)")
        #expect(diagnostic.file == "rostersync.yaml")
        #expect(diagnostic.line == line, "\(diagnostic)")
        #expect(diagnostic.column == column, "\(diagnostic)")
    }

    @Test func runLeaseAndHeartbeatTakeSecondsMinutesAndHours() throws {
        #expect(RosterConfig().runLease == RunLease(expiry: 600, heartbeat: 30))
        let config = try RosterConfig.parse("run_lease: 90s\nrun_heartbeat: 30s\n", file: "rostersync.yaml")
        #expect(config.runLease == RunLease(expiry: 90, heartbeat: 30))
        #expect(try RosterConfig.parse("run_lease: 1h\n", file: "rostersync.yaml").runLease == RunLease(expiry: 3600, heartbeat: 30))
        #expect(RunLease.durationText(600) == "10m" && RunLease.durationText(90) == "90s")
    }

    @Test func everyProblemIsCollected() throws {
        let found = try diagnostics("""
            stor: x
            catalog:
              licences: { Enterprise: 5 }
              roles: [Agent]
              extension_range: 9-1
            """)
        #expect(found.map(\.line) == [1, 3, 4, 5])
    }

    @Test func missingOptionalFileGivesDefaults() throws {
        #expect(try RosterConfig.load(path: "/nonexistent/\(UInt64.random(in: 0...UInt64.max))/rostersync.yaml", required: false) == RosterConfig())
        let error = try #require(throws: ConfigError.self) {
            try RosterConfig.load(path: "/nonexistent/rostersync.yaml", required: true)
        }
        #expect(error.description.hasPrefix("/nonexistent/rostersync.yaml:1:1: error: config file not found"))
    }
}
