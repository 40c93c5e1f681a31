import Foundation
import RosterCore

/// Rows of a template CSV, read ahead in blocks on a thread of their own while the run's task
/// plans them: parsing and fingerprinting overlap with planning and with the store's writes.
///
/// The reading thread stays at most `depth` blocks ahead, so memory stays bounded (a few MB)
/// however far planning falls behind. It stops at the end of the file, on a read error (handed
/// to the planner in order), or as soon as the feed is dropped, e.g. when a run fails mid-file.
struct TemplateFileFeed: RowFeed {
    private var blocks: AsyncThrowingStream<TemplateRowBlock, any Error>.AsyncIterator
    private let handOff: BoundedHandOff<TemplateRowBlock>

    /// Rows per block: big enough to amortise the hand-off, small enough to stay in cache.
    static let blockRows = 4096

    /// Starts reading `reader` after `first`, the block the caller already read.
    init<Source: ByteSource>(reader: TemplateFileReader<Source>, first: TemplateRowBlock, depth: Int = 2) {
        let (handOff, elements) = BoundedHandOff<TemplateRowBlock>.make(depth: depth)
        handOff.yield(first)
        // The reader moves to the thread: nothing else touches it from here on.
        let readBlock = UncheckedTransfer { try reader.readBlock(maxRows: Self.blockRows) }
        let thread = Thread {
            Thread.current.name = "rs-read-ahead"
            do {
                while handOff.waitForRoom() {
                    guard let block = try readBlock.value() else { break }
                    handOff.yield(block)
                }
                handOff.finish()
            } catch {
                handOff.finish(throwing: error)
            }
        }
        thread.start()
        blocks = elements.makeAsyncIterator()
        self.handOff = handOff
    }

    /// Plans the next block: a row identical to the stored user is recognised from its
    /// fingerprint alone, without making Strings.
    mutating func planNext(into planner: inout ImportPlanner) async throws -> Bool {
        guard let block = try await blocks.next() else {
            // A cancelled task's stream also ends early: that is no end of file, and must not commit.
            try Task.checkCancellation()
            return false
        }
        handOff.taken()
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

/// A value handed from one thread to another that uses it alone from then on.
private struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
