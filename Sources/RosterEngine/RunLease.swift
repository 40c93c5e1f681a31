public import Foundation

/// How long a running run stays claimed without news from its instance, and how often the
/// instance renews that claim (`run_lease` and `run_heartbeat` in the config).
///
/// A run whose lease has expired, or whose process is gone when it ran on this host, is settled
/// as failed by whoever notices first: any ``UserStore/beginRun(_:)`` of the same job, or `serve`
/// looking every minute (``UserStore/settleAbandonedRuns()``).
public struct RunLease: Sendable, Equatable {
    /// Seconds without a renewal after which a running run counts as abandoned.
    public var expiry: TimeInterval
    /// Seconds between renewals while a run goes.
    public var heartbeat: TimeInterval

    /// - Parameters:
    ///   - expiry: seconds without a renewal after which a run is settled (default 10 minutes:
    ///     long enough that a renewal waiting for a long write of this instance's own never lets it lapse).
    ///   - heartbeat: seconds between renewals (default 30).
    public init(expiry: TimeInterval = 600, heartbeat: TimeInterval = 30) {
        self.expiry = expiry
        self.heartbeat = heartbeat
    }

    /// Why the running `run` must be settled as failed at `now`, or `nil` while it may still be going.
    ///
    /// A run of this very process is never settled here. A run on this host whose process is gone
    /// is settled at once; any other run once its last renewal (its start, before the first) is
    /// older than ``expiry``.
    public func abandonment(of run: RunRecord, now: Date, here: RunInstance = .current) -> String? {
        guard run.status == .running else { return nil }
        let lastSeen = run.heartbeatAt ?? run.startedAt
        let seen = lastSeen.formatted(Date.ISO8601FormatStyle())
        let instance = run.instance.flatMap(RunInstance.init)
        let name = run.instance ?? "unknown"
        if let instance, instance.host == here.host {
            if instance.pid == here.pid { return nil }
            if !instance.processExists {
                return "instance \(name) stopped before the run finished (its process is gone: killed or crashed); "
                    + "last seen \(seen); nothing of this run was kept; run it again"
            }
        }
        guard now.timeIntervalSince(lastSeen) > expiry else { return nil }
        return "instance \(name) stopped renewing the run's lease (run_lease \(RunLease.durationText(expiry))): "
            + "last seen \(seen); it was stopped, cut off from the store or its host went down; nothing of this run was kept; run it again"
    }

    /// `seconds` as the config writes it: `10m`, `90s`.
    public static func durationText(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds)
        return whole % 60 == 0 && whole > 0 ? JobConfig.durationText(seconds) : "\(whole)s"
    }

    /// A duration such as `10m`, `30s`, `1h` in seconds; `nil` for anything else (zero included).
    static func parseDuration(_ text: String) -> TimeInterval? {
        if text.hasSuffix("s"), let count = Int(text.dropLast()), count > 0, !text.hasPrefix("+") { return TimeInterval(count) }
        return JobConfig.parseDuration(text)
    }
}

/// The process a run runs in: its host's name and its process id, written `host:pid`.
public struct RunInstance: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var pid: Int32

    public init(host: String, pid: Int32) {
        self.host = host
        self.pid = pid
    }

    /// Reads `host:pid`; `nil` for anything else.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let pid = Int32(text[text.index(after: colon)...]), colon > text.startIndex else { return nil }
        self.init(host: String(text[..<colon]), pid: pid)
    }

    public var description: String { "\(host):\(pid)" }

    /// This process on this host.
    public static let current = RunInstance(host: hostName(), pid: getpid())

    /// Whether a process with this id exists on this host (meaningful only when ``host`` is this host's).
    public var processExists: Bool { kill(pid, 0) == 0 || errno != ESRCH }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
