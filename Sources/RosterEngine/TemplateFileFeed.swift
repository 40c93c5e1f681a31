import Dispatch
import Foundation
import RosterCore
import Synchronization

/// Rows of a template CSV, read ahead in blocks on a thread of their own while the run's task
/// plans them: parsing and fingerprinting overlap with planning and with the store's writes.
///
/// The reading thread stays at most `depth` blocks ahead, so memory stays bounded (a few MB)
/// however far planning falls behind. It stops at the end of the file, on a read error (handed
/// to the planner in order), or as soon as the feed is dropped, e.g. when a run fails mid-file.
struct TemplateFileFeed: RowFeed {
    private var blocks: AsyncThrowingStream<TemplateRowBlock, any Error>.AsyncIterator
    private let permits: DispatchSemaphore

    /// Rows per block: big enough to amortise the hand-off, small enough to stay in cache.
    static let blockRows = 4096

    /// Starts reading `reader` after `first`, the block the caller already read.
    init<Source: ByteSource>(reader: TemplateFileReader<Source>, first: TemplateRowBlock, depth: Int = 2) {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: TemplateRowBlock.self)
        // Created at 0 and raised to `depth`: libdispatch traps when a semaphore is freed below
        // the value it was created with, which a run that stops early would leave it at.
        let permits = DispatchSemaphore(value: 0)
        for _ in 0..<depth { permits.signal() }
        let stop = StopRequest()
        continuation.onTermination = { _ in
            stop.requested.store(true, ordering: .relaxed)
            permits.signal()
        }
        continuation.yield(first)
        // The reader moves to the thread: nothing else touches it from here on.
        let readBlock = UncheckedTransfer { try reader.readBlock(maxRows: Self.blockRows) }
        let thread = Thread {
            Thread.current.name = "rs-read-ahead"
            do {
                while true {
                    permits.wait()
                    if stop.requested.load(ordering: .relaxed) { break }
                    guard let block = try readBlock.value() else { break }
                    continuation.yield(block)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.start()
        blocks = stream.makeAsyncIterator()
        self.permits = permits
    }

    /// Plans the next block: a row identical to the stored user is recognised from its
    /// fingerprint alone, without making Strings.
    mutating func planNext(into planner: inout ImportPlanner) async throws -> Bool {
        guard let block = try await blocks.next() else {
            // A cancelled task's stream also ends early: that is no end of file, and must not commit.
            try Task.checkCancellation()
            return false
        }
        permits.signal()
        for index in 0..<block.count {
            let fingerprint = block.fingerprint(index)
            if planner.canPlanUnchanged, let fingerprint,
               block.withCellBytes(index, .email, { planner.planUnchanged(fingerprint, email: $0) }) { continue }
            let next = block.row(index)
            var source = SourceRow(number: next.number, row: next.row, lineBreaks: next.lineBreaks,
                                   issues: next.issues)
            source.fingerprint = fingerprint
            source.failedWhileReading = Set(next.readingIssues.compactMap(\.column))
            planner.plan(source)
        }
        return true
    }
}

/// Set once the feed is gone; the reading thread checks it before each block.
private final class StopRequest: Sendable {
    let requested = Atomic<Bool>(false)
}

/// A value handed from one thread to another that uses it alone from then on.
private struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
