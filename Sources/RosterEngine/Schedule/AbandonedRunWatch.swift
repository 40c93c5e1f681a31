import Foundation
public import Logging

/// `serve`'s look at the run history every minute: a run whose instance died (its lease expired,
/// or its process on this host is gone) is settled as failed even when no run of that job starts
/// anywhere (``UserStore/settleAbandonedRuns()``).
public struct AbandonedRunWatch: Sendable {
    private let store: any UserStore
    private let interval: Duration
    private let waits: any Clock<Duration>
    private let logger: Logger

    /// - Parameters:
    ///   - interval: time between looks (a minute in `serve`).
    ///   - waits: the clock the watch sleeps on.
    public init(store: any UserStore, interval: Duration = .seconds(60), waits: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "rostersync.scheduler")) {
        self.store = store
        self.interval = interval
        self.waits = waits
        self.logger = logger
    }

    /// Looks once now, then every interval until the calling task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await settleOnce()
            do {
                try await waits.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// Settles the abandoned runs once, logging each; a store that cannot be read now is logged
    /// and looked at again next time.
    public func settleOnce() async {
        do {
            for run in try await store.settleAbandonedRuns() {
                logger.warning("settled an abandoned run as failed", metadata: [
                    "run": "\(run.id)", "job": "\(run.source)", "instance": "\(run.instance ?? "unknown")", "message": "\(run.message ?? "")",
                ])
            }
        } catch {
            logger.warning("could not look for abandoned runs; looking again later", metadata: ["error": "\(error)"])
        }
    }
}
