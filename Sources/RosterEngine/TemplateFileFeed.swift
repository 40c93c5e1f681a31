import Dispatch
import Foundation
import RosterCore
import Synchronization

/// Rows of a template CSV, read ahead in blocks on a thread of their own while the run's task
/// plans them: parsing and fingerprinting overlap with planning and with the store's writes.
///
/// When the store holds no users yet (a first import: every row is validated in full), the
/// reading thread also validates and hashes each row (``PreparedRow``), leaving the planner only
/// the checks that need the index. The thread stays at most `depth` blocks ahead, so memory stays
/// bounded (a few MB) however far planning falls behind. It stops at the end of the file, on a
/// read error (handed to the planner in order), or as soon as the feed is dropped, e.g. when a
/// run fails mid-file.
struct TemplateFileFeed: RowFeed {
    private var blocks: AsyncThrowingStream<ReadAheadBlock, any Error>.AsyncIterator
    private let permits: DispatchSemaphore
    private let control: ReadAheadControl
    private var choseWhetherToPrepare = false

    /// Rows per block: big enough to amortise the hand-off, small enough to stay in cache.
    static let blockRows = 4096

    /// Starts reading `reader` after `first`, the block the caller already read.
    init<Source: ByteSource>(reader: TemplateFileReader<Source>, first: TemplateRowBlock, depth: Int = 2) {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ReadAheadBlock.self)
        let permits = DispatchSemaphore(value: depth)
        let control = ReadAheadControl()
        continuation.onTermination = { _ in
            control.stop.store(true, ordering: .relaxed)
            permits.signal()
        }
        continuation.yield(ReadAheadBlock(rows: first, prepared: nil))
        // The reader moves to the thread: nothing else touches it from here on.
        let readBlock = UncheckedTransfer { try reader.readBlock(maxRows: Self.blockRows) }
        let thread = Thread {
            Thread.current.name = "rs-read-ahead"
            do {
                while true {
                    permits.wait()
                    if control.stop.load(ordering: .relaxed) { break }
                    guard let rows = try readBlock.value() else { break }
                    let prepared = control.validator.withLock { $0 }.map { validator in
                        (0..<rows.count).map { PreparedRow(Self.sourceRow(rows, $0), validator: validator) }
                    }
                    continuation.yield(ReadAheadBlock(rows: rows, prepared: prepared))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.start()
        blocks = stream.makeAsyncIterator()
        self.permits = permits
        self.control = control
    }

    /// Plans the next block: a row identical to the stored user is recognised from its
    /// fingerprint alone, without making Strings.
    mutating func planNext(into planner: inout ImportPlanner) async throws -> Bool {
        if !choseWhetherToPrepare {
            choseWhetherToPrepare = true
            if !planner.canPlanUnchanged { control.validator.withLock { $0 = planner.validator } }
        }
        guard let block = try await blocks.next() else { return false }
        permits.signal()
        if let prepared = block.prepared {
            for row in prepared { planner.plan(row) }
            return true
        }
        let rows = block.rows
        for index in 0..<rows.count {
            if planner.canPlanUnchanged, let fingerprint = rows.fingerprint(index), planner.planUnchanged(fingerprint) { continue }
            planner.plan(Self.sourceRow(rows, index))
        }
        return true
    }

    private static func sourceRow(_ rows: TemplateRowBlock, _ index: Int) -> SourceRow {
        let next = rows.row(index)
        let issues = next.hasUnterminatedQuote
            ? [RowIssue(nil, "a quote opened in this row is never closed; close it with \" or remove it")] : []
        return SourceRow(number: next.number, row: next.row, lineBreaks: next.lineBreaks, issues: issues)
    }
}

/// A block of rows and, when the reading thread prepared them, their ``PreparedRow``s.
private struct ReadAheadBlock: Sendable {
    var rows: TemplateRowBlock
    var prepared: [PreparedRow]?
}

/// What the planner tells the reading thread: stop, or prepare rows with this validator.
private final class ReadAheadControl: Sendable {
    let stop = Atomic<Bool>(false)
    let validator = Mutex<RowValidator?>(nil)
}

/// A value handed from one thread to another that uses it alone from then on.
private struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
