import Hummingbird
import Synchronization

/// The answers of `GET /api/users` served in the last moment, by query: clients that poll the same
/// page (dashboards, integrations, several console tabs) cost one store read per page and
/// ``freshness`` instead of one per request. An answer is used again only while no run of this
/// server has ended since it was made (every write to the roster is part of a run), and for at
/// most ``freshness``, so writes by other processes on the same store show within that time.
/// Bounded in entries and bytes; the oldest answers go first.
final class UsersPageCache: Sendable {
    /// The longest time an answer is used again.
    static let freshness: Duration = .milliseconds(250)
    static let maxEntries = 64
    static let maxBytes = 8 << 20

    private struct Entry {
        var body: ByteBuffer
        var madeAt: ContinuousClock.Instant
        var endedRuns: Int
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    /// The answer for `query` when one is still fresh, else `make`'s (kept for the next requests).
    func response(for query: String, endedRuns: Int, make: () async throws -> ByteBuffer) async throws -> Response {
        let now = ContinuousClock.now
        let cached = state.withLock { state -> ByteBuffer? in
            guard let entry = state.entries[query], entry.endedRuns == endedRuns, now - entry.madeAt < Self.freshness else { return nil }
            return entry.body
        }
        let body: ByteBuffer
        if let cached {
            body = cached
        } else {
            body = try await make()
            keep(body, for: query, madeAt: now, endedRuns: endedRuns)
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: body))
    }

    private func keep(_ body: ByteBuffer, for query: String, madeAt: ContinuousClock.Instant, endedRuns: Int) {
        guard body.readableBytes <= Self.maxBytes / 4 else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: query) { state.bytes -= old.body.readableBytes }
            while !state.entries.isEmpty, state.entries.count >= Self.maxEntries || state.bytes + body.readableBytes > Self.maxBytes {
                let oldest = state.entries.min { $0.value.madeAt < $1.value.madeAt }!
                state.bytes -= oldest.value.body.readableBytes
                state.entries[oldest.key] = nil
            }
            state.entries[query] = Entry(body: body, madeAt: madeAt, endedRuns: endedRuns)
            state.bytes += body.readableBytes
        }
    }
}
