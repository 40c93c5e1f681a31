import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The second thread of ``Mapping/mapJSONLines(from:file:chunkSize:_:)``.
///
/// A chunk's lines are cut into pieces (see ``pieces(of:)``). The caller takes pieces from the
/// front and hands their records on at once; the helper, on a dispatch queue, takes them from
/// the back and keeps their records, numbered from line 1 of each piece. Where the two meet
/// depends on how fast each goes, so neither waits for the other for more than a piece.
///
/// `@unchecked Sendable`: the claims are guarded by a mutex; the per-piece results are written
/// by the dispatched block and read by the caller only after ``finish()`` waits for it (the
/// group orders the two); the caller leaves the bytes alone until then.
final class JSONLinesHelper: @unchecked Sendable {
    /// About how many bytes a piece holds; fewer than two pieces' worth is mapped by the caller alone.
    static let pieceSize = 64 * 1024

    private var decoder: MappingDecoder
    private let file: String
    private let group = DispatchGroup()
    /// The next piece the caller takes (`front`) and the last one the helper took (`back`).
    private let claims = Mutex((front: 0, back: 0))
    private var pieces: [UnsafeRawBufferPointer] = []
    private var startsStream = false
    /// What the helper made of one piece it took.
    struct Share {
        /// The records, and their line numbers within the piece.
        var lines: [Int] = []
        var records: [MappedRecord] = []
        /// How many lines the piece held.
        var lineCount = 0
        /// The error that stopped the piece (a ``JSONRecordError``'s line numbered within it).
        var failure: (any Error)?
    }

    /// Per piece (index as in the pieces given to ``start(_:startsStream:)``); those the helper
    /// took are from ``finish()`` on.
    private(set) var shares: [Share] = []

    init(mapping: Mapping, file: String) {
        decoder = MappingDecoder(mapping: mapping)
        self.file = file
    }

    /// `lines` cut after a line feed about every ``pieceSize`` bytes (one piece when short).
    static func pieces(of lines: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        guard let base = lines.baseAddress, lines.count >= 2 * pieceSize else { return [lines] }
        var pieces: [UnsafeRawBufferPointer] = []
        var start = 0
        while lines.count - start >= 2 * pieceSize,
              let newline = memchr(base + start + pieceSize, 0x0A, lines.count - start - pieceSize) {
            let end = UnsafeRawPointer(newline) - base + 1
            pieces.append(UnsafeRawBufferPointer(rebasing: lines[start..<end]))
            start = end
        }
        if start < lines.count { pieces.append(UnsafeRawBufferPointer(rebasing: lines[start...])) }
        return pieces
    }

    /// Starts taking `pieces` from the back; they must stay untouched until ``finish()`` returns.
    /// `startsStream` says whether piece 0 begins the stream (where a byte order mark is skipped).
    func start(_ pieces: [UnsafeRawBufferPointer], startsStream: Bool) {
        self.pieces = pieces
        self.startsStream = startsStream
        claims.withLock { $0 = (front: 0, back: pieces.count) }
        DispatchQueue.global().async(group: group) { self.run() }
    }

    /// The next piece from the front for the caller, or `nil` once the two sides have met.
    func claimFront() -> Int? {
        claims.withLock { claims in
            guard claims.front < claims.back else { return nil }
            claims.front += 1
            return claims.front - 1
        }
    }

    /// Waits for the helper and returns the first piece it took (`pieces.count` when none):
    /// its results are those of pieces from there to the end.
    func finish() -> Int {
        group.wait()
        return claims.withLock { $0.back }
    }

    /// Lets the helper take no more pieces and waits for the one it is mapping.
    func stop() {
        claims.withLock { $0.back = $0.front }
        group.wait()
    }

    private func claimBack() -> Int? {
        claims.withLock { claims in
            guard claims.front < claims.back else { return nil }
            claims.back -= 1
            return claims.back
        }
    }

    private func run() {
        // The last chunk's records are let go here rather than by the caller: memory freed on the
        // thread that allocated it goes back to that thread's cache, where the next chunk reuses it.
        for index in shares.indices {
            shares[index].lines.removeAll(keepingCapacity: true)
            shares[index].records.removeAll(keepingCapacity: true)
            shares[index].failure = nil
        }
        if shares.count < pieces.count { shares += repeatElement(Share(), count: pieces.count - shares.count) }
        while let index = claimBack() {
            do {
                shares[index].lineCount = try Mapping.mapLines(
                    pieces[index], linesBefore: 0, startsStream: startsStream && index == 0, file: file, decoder: &decoder
                ) { line, record in
                    shares[index].lines.append(line)
                    shares[index].records.append(record)
                }
            } catch {
                // Pieces before this one are the caller's; the error ends the stream there.
                shares[index].failure = error
                return
            }
        }
    }
}
