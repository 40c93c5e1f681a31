public import Foundation

/// What became of one scheduled time of a job on this instance.
public enum ScheduledSync: Sendable {
    /// This instance ran the job for the time.
    case ran(SyncResult)
    /// Another instance sharing the store has this time (it ran or skipped it); nothing was recorded here.
    case takenElsewhere
    /// The job was still running (started by hand, by the API or by another instance): the time
    /// is recorded as skipped.
    case skipped(RunConflict)
}

extension SyncService {
    /// Runs `job` for its scheduled time `time`, once across every instance sharing the store:
    /// the store keeps one run per job and time, so an instance that comes second is told the
    /// time is taken (logged at info; no run record, no failure, no retry). A time that comes
    /// while the job runs anywhere is recorded as skipped, once.
    /// - Throws: as ``sync(_:configFile:options:)``, but never ``ScheduledRunTaken`` or ``RunConflict``.
    public func syncScheduled(_ job: JobConfig, configFile: String, at time: Date) async throws -> ScheduledSync {
        let at = ScheduleTime.string(time, in: TimeZone(identifier: job.timeZone) ?? .gmt)
        do {
            return .ran(try await sync(job, configFile: configFile, options: SyncOptions(trigger: .schedule, scheduledFor: time)))
        } catch is ScheduledRunTaken {
            logger.info("another instance has this scheduled time; not running it here", metadata: ["job": "\(job.name)", "scheduled_for": "\(at)"])
            return .takenElsewhere
        } catch let conflict as RunConflict {
            do {
                try await recordSkip(job: job.name, at: time)
            } catch is ScheduledRunTaken {
                logger.info("another instance has this scheduled time; not running it here", metadata: ["job": "\(job.name)", "scheduled_for": "\(at)"])
                return .takenElsewhere
            }
            logger.warning("skipped a scheduled run: the job is still running", metadata: [
                "job": "\(job.name)", "scheduled_for": "\(at)", "running_run": "\(conflict.runningRun)",
            ])
            return .skipped(conflict)
        }
    }
}
