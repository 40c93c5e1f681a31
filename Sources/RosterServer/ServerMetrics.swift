import Foundation
import Hummingbird
public import Prometheus
public import RosterEngine

/// The numbers `GET /metrics` shows in Prometheus's text format: HTTP requests by route and
/// status with their durations, runs by kind, job and status, rows by outcome, run durations,
/// pull and apply durations by job, and the time runs waited for the store's write turn.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    static let durationBuckets: [Duration] = [.milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10), .seconds(60), .seconds(600)]

    /// Counts one answered request.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(name: "rostersync_http_requests_total", labels: labels, help: "HTTP requests answered, by method, route and status").increment()
        registry.makeDurationHistogram(name: "rostersync_http_request_duration_seconds", labels: [("route", route)], buckets: Self.durationBuckets,
                                       help: "Time to answer a request, by route").record(duration)
    }

    /// Counts a finished run, its rows by outcome and its duration.
    public func recordRun(_ run: RunRecord) {
        let job = run.kind == "sync" ? run.source : ""
        registry.makeCounter(name: "rostersync_runs_total", labels: [("kind", run.kind), ("job", job), ("status", run.status.rawValue)],
                             help: "Runs finished, by kind, job and status").increment()
        for (outcome, count) in [("created", run.created), ("updated", run.updated), ("unchanged", run.unchanged), ("failed", run.failed), ("deactivated", run.deactivated)] {
            registry.makeCounter(name: "rostersync_rows_total", labels: [("kind", run.kind), ("outcome", outcome)], help: "Rows of finished runs, by outcome")
                .increment(by: Int64(count))
        }
        if let finished = run.finishedAt {
            registry.makeDurationHistogram(name: "rostersync_run_duration_seconds", labels: [("kind", run.kind)], buckets: Self.durationBuckets,
                                           help: "Time from a run's start to its end, by kind")
                .record(.milliseconds(Int64(finished.timeIntervalSince(run.startedAt) * 1000)))
        }
    }

    /// A sync's pull: from the run's start until it asked for the store's write turn.
    func recordPull(job: String, _ duration: Duration) {
        registry.makeDurationHistogram(name: "rostersync_pull_duration_seconds", labels: [("job", job)], buckets: Self.durationBuckets,
                                       help: "Time a sync spent pulling its source, by job").record(duration)
    }

    /// A run's write scope: planning and writing its rows, from the store's write turn to the commit.
    func recordApply(kind: String, job: String, _ duration: Duration) {
        registry.makeDurationHistogram(name: "rostersync_apply_duration_seconds", labels: [("kind", kind), ("job", job)], buckets: Self.durationBuckets,
                                       help: "Time a run spent planning and writing its rows in its write turn, by kind and job").record(duration)
    }

    /// How long a run waited for the store's write turn (another writer, or a busy store).
    func recordStoreWait(kind: String, _ duration: Duration) {
        registry.makeDurationHistogram(name: "rostersync_store_wait_seconds", labels: [("kind", kind)], buckets: Self.waitBuckets,
                                       help: "Time runs waited for the store's write turn, by kind").record(duration)
    }

    static let waitBuckets: [Duration] = [.milliseconds(1)] + durationBuckets

    /// The text exposition of every metric.
    func exposition() -> Response {
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Records every answer (errors included: it runs outside the error middleware) in ``ServerMetrics``.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let metrics: ServerMetrics

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
