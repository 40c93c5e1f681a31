public import Foundation

/// A file the program must never write over, with what it is, for messages.
public struct ProtectedFile: Sendable, Equatable {
    /// The file; compared by device and inode, so another name or a hard link is caught too.
    public var path: String
    /// What the file is, e.g. `the store (--db)` or `the input file`.
    public var role: String

    /// A protected file at `path`, named in messages as `role`.
    public init(path: String, role: String) {
        self.path = path
        self.role = role
    }

    /// The SQLite store at `path` and its `-wal` and `-shm` companions.
    public static func store(at path: String) -> [ProtectedFile] {
        [ProtectedFile(path: path, role: "the store (--db)"), ProtectedFile(path: path + "-wal", role: "the store's write-ahead log"),
         ProtectedFile(path: path + "-shm", role: "the store's shared-memory file")]
    }
}

/// Why a file could not be written where asked; says what to do instead.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
    /// The path that was to be written.
    public var path: String
    /// Why not, and what to do instead.
    public var reason: String

    /// `cannot write PATH: REASON`.
    public var description: String { "cannot write \(path): \(reason)" }
}

/// One file the program writes (`--report`, `template --output`, an import's error report).
///
/// Bytes go to a new temporary file in the target's folder; ``commit(to:replaceExisting:)``
/// renames it into place, so the target is whole or untouched. The target may only be a missing
/// path or a regular file: never a folder, a device, a symbolic link, or one of the
/// ``ProtectedFile``s (the store, the input). An existing file is replaced only when
/// `replaceExisting` (the user named the path in this command, or passed `--force`).
public final class OutputFile {
    private let folder: String
    private let protected: [ProtectedFile]
    private let temporaryPath: String
    private let handle: FileHandle
    private var open = true
    private var finished = false

    /// Checks `path` and creates the temporary file beside it.
    /// - Throws: ``OutputFileError`` for a missing folder, no permission, or a target that may not be replaced.
    public init(path: String, protecting protected: [ProtectedFile], replaceExisting: Bool) throws(OutputFileError) {
        folder = Self.folder(of: path)
        self.protected = protected
        try Self.checkFolder(folder, for: path)
        try Self.checkTarget(path, protecting: protected, replaceExisting: replaceExisting)
        let name = (path as NSString).lastPathComponent
        var template = Array((folder as NSString).appendingPathComponent(".\(name).XXXXXX.partial").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 8) }
        guard descriptor >= 0 else {
            throw OutputFileError(path: path, reason: Self.reason(errno: errno, folder: folder))
        }
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // mkstemps creates the file for its owner only; give it the permissions a new file gets.
        let mask = umask(0)
        umask(mask)
        fchmod(descriptor, 0o666 & ~mask)
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    deinit { discard() }

    /// Appends `data` to the temporary file.
    public func write(_ data: Data) throws {
        try handle.write(contentsOf: data)
    }

    /// Flushes the temporary file and renames it to `path` (a file in the same folder).
    /// - Throws: ``OutputFileError`` when `path` may not be replaced now; the temporary file is kept for another try.
    public func commit(to path: String, replaceExisting: Bool) throws(OutputFileError) {
        try Self.checkTarget(path, protecting: protected, replaceExisting: replaceExisting)
        do {
            if open {
                try handle.synchronize()
                try handle.close()
                open = false
            }
        } catch {
            throw OutputFileError(path: path, reason: "the file could not be written (\(error.localizedDescription))")
        }
        guard rename(temporaryPath, path) == 0 else {
            throw OutputFileError(path: path, reason: Self.reason(errno: errno, folder: folder))
        }
        finished = true
    }

    /// Removes the temporary file (nothing is written at the target).
    public func discard() {
        if open { try? handle.close() }
        open = false
        if !finished { unlink(temporaryPath) }
        finished = true
    }

    /// Writes `data` to `path` in one go, through a temporary file.
    public static func write(_ data: Data, to path: String, protecting protected: [ProtectedFile], replaceExisting: Bool) throws {
        let file = try OutputFile(path: path, protecting: protected, replaceExisting: replaceExisting)
        try file.write(data)
        try file.commit(to: path, replaceExisting: replaceExisting)
    }

    /// True when nothing at all is at `path` (not even a dangling symbolic link).
    public static func isFree(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) != 0 && errno == ENOENT
    }

    private static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    private static func checkFolder(_ folder: String, for path: String) throws(OutputFileError) {
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw OutputFileError(path: path, reason: errno == ENOENT || errno == ENOTDIR
                ? "the folder \(folder) does not exist; create it first or choose a path in an existing folder"
                : reason(errno: errno, folder: folder))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw OutputFileError(path: path, reason: "\(folder) is not a folder; choose a path in an existing folder")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw OutputFileError(path: path, reason: "no permission to create files in the folder \(folder); choose a folder you can write to")
        }
    }

    private static func checkTarget(_ path: String, protecting protected: [ProtectedFile], replaceExisting: Bool) throws(OutputFileError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw OutputFileError(path: path, reason: reason(errno: errno, folder: folder(of: path))) }
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw OutputFileError(path: path, reason: "it is a folder; name a file, e.g. \((path as NSString).appendingPathComponent("report.csv"))")
        case S_IFLNK: throw OutputFileError(path: path, reason: "it is a symbolic link; name the file it points to, or a new file")
        default: throw OutputFileError(path: path, reason: "it is a device or other special file, not a regular file; name a regular file")
        }
        for file in protected {
            var other = stat()
            if stat(file.path, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino {
                throw OutputFileError(path: path, reason: "it is \(file.role); choose another file name")
            }
        }
        guard replaceExisting else {
            throw OutputFileError(path: path, reason: "the file already exists and this command did not name it; pass --force to replace it, or choose a new name")
        }
    }

    private static func reason(errno code: Int32, folder: String) -> String {
        switch code {
        case EACCES, EPERM: "no permission to write in the folder \(folder); choose a folder you can write to"
        case ENOENT, ENOTDIR: "the folder \(folder) does not exist; create it first or choose a path in an existing folder"
        case EROFS: "the folder \(folder) is on a read-only file system"
        case ENOSPC, EDQUOT: "the disk is full"
        default: String(cString: strerror(code))
        }
    }
}
