public import RosterEngine
public import ServiceLifecycle

/// The scheduler as a service of the server's service group: it runs until graceful shutdown,
/// then starts nothing new and waits for its runs in progress (which record themselves as
/// interrupted).
public struct SchedulerLifecycleService: Service {
    let scheduler: SchedulerService

    public init(_ scheduler: SchedulerService) { self.scheduler = scheduler }

    public func run() async throws {
        let scheduler = scheduler
        await cancelWhenGracefulShutdown { await scheduler.run() }
    }
}

/// Stops the API's background runs on graceful shutdown: each is cancelled, records itself as
/// interrupted, and the service returns once all have.
public struct BackgroundRunsService: Service {
    let runner: JobRunner

    public init(_ runner: JobRunner) { self.runner = runner }

    public func run() async throws {
        try? await gracefulShutdown()
        await runner.stopAll()
    }
}
