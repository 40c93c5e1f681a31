import Foundation
import Hummingbird
import RosterEngine

/// `GET /api/runs/{id}/events`: the run's progress as server-sent events (`text/event-stream`).
/// While the run goes, a `progress` event carries a ``LiveRun`` at each change, at most one per
/// ``interval``; then one `end` event carries the run as `GET /api/runs/{id}` answers it, and
/// the stream closes. A run that has already ended sends its `end` event at once. A run this
/// server does not watch (started by another process on the same store) is looked up every
/// ``pollInterval`` until it ends.
struct RunEvents {
    let environment: ServerEnvironment

    /// The least time between two progress events of one stream.
    static let interval: Duration = .milliseconds(250)
    /// How often a run of another process is looked up.
    static let pollInterval: Duration = .seconds(1)

    func response(for run: RunRecord) -> Response {
        let progress = run.status == .running ? environment.jobs.monitor.watch(run.id) : nil
        let store = environment.store
        let body = ResponseBody { writer in
            if let progress {
                for await live in progress {
                    try await writer.write(Self.event("progress", live))
                    try await Task.sleep(for: Self.interval)
                }
            } else if run.status == .running {
                while try await store.run(id: run.id)?.status == .running {
                    try await writer.write(ByteBuffer(string: ": the run is going in another process\n\n"))
                    try await Task.sleep(for: Self.pollInterval)
                }
            }
            let final = try await store.run(id: run.id) ?? run
            try await writer.write(Self.event("end", RunBody(final)))
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: body)
    }

    /// One event: its name and `value` as JSON on one data line.
    static func event(_ name: String, _ value: some Encodable) -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: \(name)\ndata: ")
        buffer.writeBytes(JSONBody.data(value))
        buffer.writeString("\n\n")
        return buffer
    }
}
