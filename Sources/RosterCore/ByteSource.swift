#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only stream of bytes: a file, or bytes already in memory (an HTTP body, a test).
public protocol ByteSource {
    /// Fills `buffer` from the start and returns how many bytes were read; 0 means the end.
    /// - Throws: ``ByteSourceError`` when the underlying read fails.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Why a byte source could not be read.
public struct ByteSourceError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads a file with plain POSIX `read`, so the whole file is never held in memory.
public final class FileByteSource: ByteSource {
    private let descriptor: Int32
    public let path: String

    /// Opens `path` for reading.
    /// - Throws: ``ByteSourceError`` naming the path when it does not exist or cannot be opened.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "no such file; check the path" : String(cString: strerror(errno))
            throw ByteSourceError(path: path, reason: reason)
        }
    }

    deinit { close(descriptor) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw ByteSourceError(path: path, reason: String(cString: strerror(errno))) }
        }
    }

    /// Starts reading again from the first byte (the reader makes one pre-pass for the encoding).
    public func rewind() { lseek(descriptor, 0, SEEK_SET) }
}

/// Bytes already in memory.
public struct MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
