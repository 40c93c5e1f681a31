public import Foundation
public import RosterEngine

/// What the server works with: the loaded config, the store, the accepted tokens and the runner
/// of background syncs. Built once by `rostersync serve --http`, or by a test.
public struct ServerEnvironment: Sendable {
    public var config: RosterConfig
    /// The config file path, for messages and for resolving `mappings/` beside it.
    public var configFile: String
    public var store: any UserStore
    public var tokens: APITokens
    public var jobs: JobRunner
    /// Mapping files `?mapping=NAME` may name: `NAME.yaml` in this folder.
    public var mappingsDirectory: String
    /// Where uploads wait while they are imported; each upload gets its own folder, removed after.
    public var uploadDirectory: String
    public var clock: any RosterClock
    /// The users pages' answers of the last moment.
    let usersPages = UsersPageCache()

    public init(
        config: RosterConfig, configFile: String, store: any UserStore, tokens: APITokens, jobs: JobRunner,
        mappingsDirectory: String? = nil, uploadDirectory: String = FileManager.default.temporaryDirectory.path,
        clock: any RosterClock = SystemClock()
    ) {
        self.config = config
        self.configFile = configFile
        self.store = store
        self.tokens = tokens
        self.jobs = jobs
        let folder = (configFile as NSString).deletingLastPathComponent
        self.mappingsDirectory = mappingsDirectory ?? (folder.isEmpty ? "mappings" : folder + "/mappings")
        self.uploadDirectory = uploadDirectory
        self.clock = clock
    }
}
