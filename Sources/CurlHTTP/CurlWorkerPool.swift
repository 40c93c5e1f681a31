import Dispatch
import Foundation
import RosterConnectors
import Synchronization

/// Set by the caller's task-cancellation handler, read by curl's progress callback on a worker thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// One transfer on its way to a worker. `complete` is called exactly once.
struct CurlJob: Sendable {
    let request: HTTPRequest
    let scheme: String
    let cancellation: CancellationFlag
    let complete: @Sendable (Result<HTTPResponse, TransportError>) -> Void

    func fail(_ detail: String) {
        complete(.failure(TransportError(kind: .cancelled, redactedURL: request.url.redactedURL, detail: detail)))
    }
}

/// A fixed set of worker threads, each owning one ``CurlEasy``, so the blocking `curl_easy_perform`
/// never runs on Swift's cooperative pool.
///
/// Jobs go to the worker that finished most recently (a stack of idle workers): a caller's next
/// request lands on the handle that still holds the open connection, so sequential requests reuse it.
final class CurlWorkerPool: Sendable {
    private struct State {
        var pending: [CurlJob] = []
        /// Idle workers; the last one finished most recently.
        var idle: [Int]
        /// The job handed to each worker but not yet picked up.
        var mailboxes: [CurlJob?]
        /// The cancellation flag of the job each worker is running.
        var running: [CancellationFlag?]
        var isShutDown = false
    }

    private let state: Mutex<State>
    private let wakeups: [DispatchSemaphore]
    private let exited = DispatchGroup()

    init(workerCount: Int) {
        let count = max(1, workerCount)
        state = Mutex(State(idle: Array((0..<count).reversed()), mailboxes: Array(repeating: nil, count: count),
                            running: Array(repeating: nil, count: count)))
        wakeups = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        for index in 0..<count {
            exited.enter()
            let thread = Thread { [self] in run(worker: index) }
            thread.name = "CurlHTTP worker \(index)"
            thread.start()
        }
    }

    /// Queues `job`; it completes at once when already cancelled or after shutdown.
    func submit(_ job: CurlJob) {
        let rejection: String? = state.withLock { state in
            if state.isShutDown { return "the HTTP client was shut down" }
            if job.cancellation.isCancelled { return "request cancelled" }
            if let worker = state.idle.popLast() {
                state.mailboxes[worker] = job
                wakeups[worker].signal()
            } else {
                state.pending.append(job)
            }
            return nil
        }
        if let rejection { job.fail(rejection) }
    }

    /// Cancels the job carrying `flag`: a queued job completes now, a running one aborts at curl's
    /// next progress callback (at least about once a second, even while waiting for data).
    func cancel(_ flag: CancellationFlag) {
        flag.cancel()
        let removed: CurlJob? = state.withLock { state in
            guard let index = state.pending.firstIndex(where: { $0.cancellation === flag }) else { return nil }
            return state.pending.remove(at: index)
        }
        removed?.fail("request cancelled")
    }

    /// Stops taking jobs, fails queued ones, aborts running ones and lets every worker exit, which
    /// frees its handle. Returns without waiting; ``waitUntilStopped()`` waits.
    func beginShutdown() {
        let (dropped, running) = state.withLock { state -> ([CurlJob], [CancellationFlag]) in
            guard !state.isShutDown else { return ([], []) }
            state.isShutDown = true
            let dropped = state.pending + state.mailboxes.compactMap { $0 }
            state.pending = []
            state.mailboxes = state.mailboxes.map { _ in nil }
            return (dropped, state.running.compactMap { $0 })
        }
        running.forEach { $0.cancel() }
        dropped.forEach { $0.fail("the HTTP client was shut down") }
        wakeups.forEach { $0.signal() }
    }

    /// Returns once every worker thread has exited and freed its curl handle.
    func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            exited.notify(queue: .global()) { continuation.resume() }
        }
    }

    private func run(worker index: Int) {
        defer { exited.leave() }
        let easy = CurlEasy()
        while true {
            wakeups[index].wait()
            let next: CurlJob? = state.withLock { state in
                let job = state.mailboxes[index]
                state.mailboxes[index] = nil
                state.running[index] = job?.cancellation
                return job
            }
            guard let job = next else { return }  // woken without a job: shutdown
            let result: Result<HTTPResponse, TransportError>
            if job.cancellation.isCancelled {
                result = .failure(TransportError(kind: .cancelled, redactedURL: job.request.url.redactedURL, detail: "request cancelled"))
            } else if let easy {
                result = easy.perform(job.request, scheme: job.scheme, cancellation: job.cancellation)
            } else {
                result = .failure(TransportError(kind: .other, redactedURL: job.request.url.redactedURL, detail: "libcurl could not create a handle (out of memory or curl_global_init failed)"))
            }
            // Become available before resuming the caller, so its next request comes back to this
            // worker and reuses the connection this handle keeps open.
            state.withLock { state in
                state.running[index] = nil
                guard !state.isShutDown else { return }
                if state.pending.isEmpty {
                    state.idle.append(index)
                } else {
                    state.mailboxes[index] = state.pending.removeFirst()
                    wakeups[index].signal()
                }
            }
            job.complete(result)
        }
    }
}
