import Foundation
import Hummingbird

/// An uploaded file saved to its own temporary folder, bounded in size and checked to be text.
/// The body is the file itself (`text/csv`), or a `multipart/form-data` form whose file part is
/// the file; either way it streams to disk a buffer at a time, never collected whole.
struct Upload {
    /// The folder holding the file (and the error report beside it); remove it when done.
    let folder: String
    let path: String

    /// Streams `request`'s file to `NAME` in a new folder under `directory`; `name` `nil` takes
    /// the multipart part's file name, else `upload.csv`.
    /// - Throws: ``APIError`` 413 past `limit` bytes, 415 for a content type that is neither CSV
    ///   nor a multipart form, 400 for an empty file or a malformed form, 422 for a spreadsheet
    ///   or binary file; the folder is removed then.
    static func receive(_ request: Request, name: String?, limit: Int, directory: String) async throws -> Upload {
        let contentType = request.headers[.contentType] ?? ""
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let form: MultipartFile?
        if type == "multipart/form-data" {
            form = MultipartFile(boundary: try boundary(of: contentType))
        } else {
            guard ["text/csv", "text/plain", "application/csv", "application/octet-stream", ""].contains(type) else {
                throw APIError(.unsupportedMediaType, "send the file as the request body with Content-Type: text/csv, or as the file part of a multipart/form-data form (got \(type))")
            }
            form = nil
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        let folder = directory + "/rostersync-upload-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let staging = folder + "/upload.part"
        do {
            let sink = try FileSink(path: staging, directory: directory)
            var received = 0
            for try await buffer in request.body {
                received += buffer.readableBytes
                if received > limit { throw tooLarge(limit) }
                if let form {
                    try form.feed(buffer, into: sink)
                } else {
                    try sink.write(buffer)
                }
            }
            try form?.finish()
            try sink.close()
            guard sink.written > 0 else {
                throw APIError(.badRequest, form == nil ? "the upload is empty; send the CSV file as the request body"
                    : "the form's file part is empty; choose the CSV file again and upload it")
            }
            let path = folder + "/" + fileName(name ?? form?.fileName)
            try FileManager.default.moveItem(atPath: staging, toPath: path)
            return Upload(folder: folder, path: path)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// Removes the upload and anything written beside it.
    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A file name for the upload: the last path component of `given`, in safe characters.
    static func fileName(_ given: String?) -> String {
        let last = given?.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let safe = String(last.map { $0.isLetter || $0.isNumber || "-_. ".contains($0) ? $0 : "_" }).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        guard !safe.isEmpty else { return "upload.csv" }
        return safe.lowercased().hasSuffix(".csv") ? safe : safe + ".csv"
    }

    /// The `boundary` parameter of a multipart content type.
    private static func boundary(of contentType: String) throws -> String {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if (1...70).contains(value.count) { return value }
        }
        throw APIError(.badRequest, "the multipart form has no boundary: send Content-Type: multipart/form-data; boundary=SOMETHING (a browser or curl -F sets it)")
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "the upload is larger than the limit of \(limit / (1024 * 1024)) MB; split the file, or raise http.upload_limit_mb in the config")
    }

    /// Rejects spreadsheets and other binary files by their first bytes.
    static func checkIsText(_ bytes: some Collection<UInt8>) throws {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw APIError(.unprocessableContent, "this is a spreadsheet (Excel) file, not a CSV; in Excel choose File > Save As > CSV UTF-8 and upload that file")
        }
        if bytes.prefix(4096).contains(0) && !(bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])) {
            throw APIError(.unprocessableContent, "this is a binary file, not a CSV; upload the user-import CSV (GET /api/template.csv has the columns)")
        }
    }
}

/// Writes an upload to its file through a buffer, so many small pieces (a multipart parser's
/// lines) cost few system calls; checks the first bytes are text.
final class FileSink {
    private let handle: FileHandle
    private var pending: [UInt8] = []
    private var checkedStart = false
    /// Bytes taken so far.
    private(set) var written = 0

    static let flushSize = 256 * 1024

    init(path: String, directory: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw APIError(.internalServerError, "the server cannot write its upload folder \(directory)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        pending.reserveCapacity(Self.flushSize * 2)
    }

    deinit { try? handle.close() }

    func write(_ buffer: ByteBuffer) throws {
        guard buffer.readableBytes > 0 else { return }
        if !checkedStart {
            try Upload.checkIsText(buffer.readableBytesView)
            checkedStart = true
        }
        written += buffer.readableBytes
        pending.append(contentsOf: buffer.readableBytesView)
        if pending.count >= Self.flushSize { try flush() }
    }

    func close() throws {
        try flush()
        try handle.close()
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try handle.write(contentsOf: $0) }
        pending.removeAll(keepingCapacity: true)
    }
}
