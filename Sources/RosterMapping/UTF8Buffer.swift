#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable buffer of UTF-8 bytes that mapping reuses record after record: slot texts and the
/// value a rule builds live in one.
///
/// Noncopyable, with storage it manages itself, so that appending, clearing and editing in place
/// involve no reference counting, uniqueness checks or generic collection code: these run for
/// every value of every record. ``bytes`` is valid until the next change.
struct UTF8Buffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The number of bytes held.
    private(set) var count = 0

    /// An empty buffer with room for `capacity` bytes (it grows as needed).
    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The bytes held; valid until the buffer next changes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes `range` of ``bytes``.
    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// The bytes held, for editing in place; valid until the buffer next changes.
    var mutableBytes: UnsafeMutableBufferPointer<UInt8> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// The text held, as a `String`.
    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count &+ bytes.count > capacity { grow(to: count &+ bytes.count) }
        if bytes.count <= 32 {
            Self.copyShort(from: UnsafeRawPointer(source), to: UnsafeMutableRawPointer(base + count), count: bytes.count)
        } else {
            (base + count).update(from: source, count: bytes.count)
        }
        count &+= bytes.count
    }

    /// Copies up to 32 bytes with a few overlapping word moves. Most values are that short, and
    /// for them calling memcpy (which a byte loop would be compiled into) costs more than the copy.
    @inline(__always)
    private static func copyShort(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int) {
        func move<Word: FixedWidthInteger>(_: Word.Type, at offset: Int) {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: Word.self), toByteOffset: offset, as: Word.self)
        }
        switch count {
        case 16...32:
            move(UInt64.self, at: 0)
            move(UInt64.self, at: 8)
            move(UInt64.self, at: count &- 16)
            move(UInt64.self, at: count &- 8)
        case 8..<16:
            move(UInt64.self, at: 0)
            move(UInt64.self, at: count &- 8)
        case 4..<8:
            move(UInt32.self, at: 0)
            move(UInt32.self, at: count &- 4)
        case 1..<4:
            move(UInt8.self, at: 0)
            move(UInt8.self, at: count >> 1)
            move(UInt8.self, at: count &- 1)
        default:
            break
        }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes.assumingMemoryBound(to: UInt8.self))
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Replaces the bytes held with `text`'s UTF-8.
    mutating func replace(with text: String) {
        count = 0
        append(text)
    }

    /// Keeps only the bytes `range`.
    mutating func keep(_ range: Range<Int>) {
        if range.lowerBound > 0 { memmove(base, base + range.lowerBound, range.count) }
        count = range.count
    }

    /// Inserts `text`'s UTF-8 before the bytes held.
    mutating func prepend(_ text: String) {
        var text = text
        text.withUTF8 { prefix in
            guard let source = prefix.baseAddress, !prefix.isEmpty else { return }
            if count &+ prefix.count > capacity { grow(to: count &+ prefix.count) }
            memmove(base + prefix.count, base, count)
            base.update(from: source, count: prefix.count)
            count &+= prefix.count
        }
    }

    /// Removes every byte for which `remove` is true, keeping the others in order.
    mutating func removeAll(where remove: (UInt8) -> Bool) {
        var kept = 0
        for index in 0..<count where !remove(base[index]) {
            base[kept] = base[index]
            kept &+= 1
        }
        count = kept
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let grown = max(needed, capacity * 2)
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        storage.update(from: base, count: count)
        base.deallocate()
        base = storage
        capacity = grown
    }
}
