public import Foundation
import RosterYAML
import Yams

/// One sync job of `rostersync.yaml` (DESIGN §4): where to pull from, how to map, when to run
/// and what to do with users that vanished from the source.
public struct JobConfig: Sendable, Equatable {
    /// What happens to users this job created or linked when a complete pull no longer has them.
    public enum OnMissing: String, Sendable, Equatable, CaseIterable {
        case ignore, deactivate
    }

    /// The most users one run may deactivate before the safeguard trips.
    public enum Threshold: Sendable, Equatable {
        /// A fraction of the users the job has linked, e.g. 0.1 for 10%.
        case fraction(Double)
        case count(Int)

        /// The largest allowed number of deactivations among `linked` users.
        public func limit(linked: Int) -> Int {
            switch self {
            case .fraction(let fraction): Int((Double(linked) * fraction).rounded(.down))
            case .count(let count): count
            }
        }
    }

    public var name: String
    /// Path of the connector file, relative paths resolved against the config file's folder.
    public var connector: String
    /// The connector stream to pull; `nil` means its first stream.
    public var stream: String?
    /// Fills `{{ config.x }}` placeholders of the connector.
    public var settings: [String: String]
    /// `{{ secrets.y }}` → `env:NAME` references, read from the environment when the job runs.
    public var secrets: [String: String]
    public var baseURL: String?
    public var tokenURL: String?
    /// Path of the mapping file, relative paths resolved against the config file's folder.
    public var mapping: String
    public var schedule: String?
    public var timeZone: String
    public var onMissing: OnMissing
    public var threshold: Threshold
    /// `deactivate_window`: deactivations of this job's runs started within this many seconds
    /// count together with a run's own against ``threshold``; `nil`: each run on its own.
    public var deactivateWindow: TimeInterval?
    /// `deactivate_after`: a user missing from the source is flagged pending and deactivated only
    /// when still missing this many seconds later; `nil`: deactivated on the first complete pull.
    public var deactivateAfter: TimeInterval?
    /// Extensions auto-assigned to users who have none: lowest free number first.
    public var extensionRange: ClosedRange<Int>?
    /// `allow_insecure_http: true`: credentials may go to a plain `http://` base or token URL
    /// on another host (a trusted network); otherwise such a job is refused.
    public var allowInsecureHTTP = false
    /// When set, the only folders whose files the job may read (`allowed_folders`, see
    /// ``RosterConfig/confineJobFiles(file:confineByDefault:)``); `nil`: not confined.
    public var readableFolders: [String]?
    /// The config line of the job, for messages that concern the whole job.
    public var line: Int

    public init(name: String, connector: String, mapping: String, line: Int = 1) {
        self.name = name
        self.connector = connector
        self.mapping = mapping
        self.line = line
        stream = nil
        settings = [:]
        secrets = [:]
        timeZone = "UTC"
        onMissing = .ignore
        threshold = .fraction(0.1)
    }
}

extension JobConfig {
    static let keys = ["name", "connector", "stream", "settings", "secrets", "base_url", "token_url", "mapping",
                       "schedule", "timezone", "on_missing", "deactivate_threshold", "deactivate_window",
                       "deactivate_after", "extension_range", "allow_insecure_http"]

    /// Parses the `jobs:` list; `folder` resolves relative connector and mapping paths.
    static func parseJobs(_ node: Node, folder: String, _ reader: inout YAMLReader) -> [JobConfig] {
        guard let items = node.sequence else {
            reader.error(node, "'jobs' must be a list of jobs, each starting with '- name: …'")
            return []
        }
        var jobs: [JobConfig] = []
        for item in items {
            var fields: [String: (key: Node, value: Node)] = [:]
            for (key, keyNode, value) in reader.entries(item, "a job", allowed: keys) { fields[key] = (keyNode, value) }
            func text(_ key: String) -> String? { fields[key].flatMap { reader.scalar($0.value, "'\(key)'") } }
            let line = item.mark?.line ?? 1
            guard let name = text("name"), !name.isEmpty else {
                reader.error(item, "a job needs 'name: …' (letters, digits, - and _)")
                continue
            }
            var missing: [String] = []
            for required in ["connector", "mapping"] where fields[required] == nil { missing.append(required) }
            if !missing.isEmpty {
                reader.error(item, "job '\(name)' needs \(missing.map { "'\($0): …'" }.joined(separator: " and "))")
                continue
            }
            var job = JobConfig(name: name, connector: resolve(text("connector") ?? "", folder), mapping: resolve(text("mapping") ?? "", folder), line: line)
            if jobs.contains(where: { $0.name == name }) {
                reader.error(fields["name"]?.value, "two jobs are named '\(name)'; give each job its own name")
            }
            for (key, path) in [("connector", job.connector), ("mapping", job.mapping)] where !FileManager.default.fileExists(atPath: path) {
                reader.error(fields[key]?.value, "job '\(name)': \(key) file \(path) not found; check the path (relative to the config file)")
            }
            job.stream = text("stream")
            job.baseURL = text("base_url")
            job.tokenURL = text("token_url")
            job.schedule = text("schedule")
            job.timeZone = text("timezone") ?? "UTC"
            if let schedule = job.schedule {
                do {
                    _ = try CronSchedule.timeZone(named: job.timeZone)
                } catch {
                    reader.error(fields["timezone"]?.value, "job '\(name)': \(error)")
                }
                do {
                    _ = try CronExpression(parsing: schedule)
                } catch {
                    reader.error(fields["schedule"]?.value, "job '\(name)': \(error)")
                }
            } else if fields["timezone"] != nil {
                reader.error(fields["timezone"]?.value, "job '\(name)' has a timezone but no schedule; add schedule: \"0 2 * * *\" (or remove timezone)")
            }
            job.settings = stringMap(fields["settings"]?.value, at: "settings", &reader).mapValues { fileURL($0, folder) }
            job.secrets = stringMap(fields["secrets"]?.value, at: "secrets", &reader)
            for (key, reference) in job.secrets where !reference.hasPrefix("env:") {
                reader.error(fields["secrets"]?.value, "job '\(name)': secret '\(key)' must be an environment reference like env:CRM_TOKEN, never the secret itself")
            }
            if let value = text("on_missing") {
                if let policy = OnMissing(rawValue: value) { job.onMissing = policy } else {
                    reader.error(fields["on_missing"]?.value, "job '\(name)': on_missing must be ignore or deactivate, not '\(value)'")
                }
            }
            if let value = text("deactivate_threshold") {
                if let threshold = parseThreshold(value) { job.threshold = threshold } else {
                    reader.error(fields["deactivate_threshold"]?.value, "job '\(name)': deactivate_threshold must be a fraction (0.1), a percentage (10%) or a count (25), not '\(value)'")
                }
            }
            for key in ["deactivate_window", "deactivate_after"] {
                guard let value = text(key) else { continue }
                guard let seconds = parseDuration(value) else {
                    reader.error(fields[key]?.value, "job '\(name)': \(key) must be a duration such as 7d, 12h or 30m (a whole number and d, h or m), not '\(value)'")
                    continue
                }
                if key == "deactivate_window" { job.deactivateWindow = seconds } else { job.deactivateAfter = seconds }
            }
            if let value = text("allow_insecure_http") {
                if let allowed = Bool(value) { job.allowInsecureHTTP = allowed } else {
                    reader.error(fields["allow_insecure_http"]?.value, "job '\(name)': allow_insecure_http must be true or false, not '\(value)'")
                }
            }
            if let value = text("extension_range") {
                if let range = parseRange(value) { job.extensionRange = range } else {
                    reader.error(fields["extension_range"]?.value, "job '\(name)': \(extensionRangeMessage(value))")
                }
            }
            jobs.append(job)
        }
        return jobs
    }

    static func parseThreshold(_ text: String) -> Threshold? {
        if text.hasSuffix("%"), let percent = Double(text.dropLast()), (0...100).contains(percent) { return .fraction(percent / 100) }
        if let count = Int(text), count >= 0 { return .count(count) }
        if let fraction = Double(text), (0...1).contains(fraction) { return .fraction(fraction) }
        return nil
    }

    /// A duration such as `7d`, `12h` or `30m` in seconds; `nil` for anything else (zero included).
    static func parseDuration(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), count > 0, !text.hasPrefix("+") else { return nil }
        return TimeInterval(count) * unit
    }

    /// `seconds` as a config writes it: `7d`, `12h` or `30m` (the largest whole unit).
    static func durationText(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds)
        if whole % 86_400 == 0 { return "\(whole / 86_400)d" }
        if whole % 3_600 == 0 { return "\(whole / 3_600)h" }
        return "\(whole / 60)m"
    }

    /// An `extension_range` value, `LOW-HIGH` with 0 ≤ LOW ≤ HIGH, as the catalog and jobs write it.
    static func parseRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let bounds = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, bounds.count == 2, bounds[0] >= 0, bounds[0] <= bounds[1] else { return nil }
        return bounds[0]...bounds[1]
    }

    /// What is wrong with the `extension_range` `text`, and what to write.
    static func extensionRangeMessage(_ text: String) -> String {
        "extension_range must be LOW-HIGH with LOW ≤ HIGH, e.g. 2000-2999; got '\(text)'"
    }

    /// `file:PATH` (no `//` after the colon) becomes an absolute `file://` URL, a relative PATH
    /// resolved against the config file's folder, so a config and its data can move together.
    private static func fileURL(_ value: String, _ folder: String) -> String {
        guard value.hasPrefix("file:"), !value.hasPrefix("file://") else { return value }
        let relative = resolve(String(value.dropFirst(5)), folder)
        let absolute = relative.hasPrefix("/") ? relative : FileManager.default.currentDirectoryPath + "/" + relative
        return "file://" + URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// `path` relative to `folder` (the config file's folder), unless it is absolute.
    static func resolve(_ path: String, _ folder: String) -> String {
        path.hasPrefix("/") || folder.isEmpty ? path : folder + "/" + path
    }

    private static func stringMap(_ node: Node?, at path: String, _ reader: inout YAMLReader) -> [String: String] {
        guard let node else { return [:] }
        var map: [String: String] = [:]
        for (key, _, value) in reader.entries(node, path, allowed: nil) { map[key] = reader.scalar(value, "'\(path).\(key)'") ?? "" }
        return map
    }
}
