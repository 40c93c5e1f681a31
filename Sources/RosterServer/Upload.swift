import Foundation
import Hummingbird

/// An uploaded file saved to its own temporary folder, bounded in size and checked to be text.
struct Upload {
    /// The folder holding the file (and the error report beside it); remove it when done.
    let folder: String
    let path: String

    /// Streams `request`'s body to `NAME` in a new folder under `directory`.
    /// - Throws: ``APIError`` 413 past `limit` bytes, 415 for a content type that is not CSV,
    ///   422 for a spreadsheet or binary file, 400 for an empty body; the folder is removed then.
    static func receive(_ request: Request, name: String, limit: Int, directory: String) async throws -> Upload {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard ["text/csv", "text/plain", "application/csv", "application/octet-stream", ""].contains(type) else {
            throw APIError(.unsupportedMediaType, "send the file as the request body with Content-Type: text/csv (got \(type)); multipart forms are not accepted")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        let folder = directory + "/rostersync-upload-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        do {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw APIError(.internalServerError, "the server cannot write its upload folder \(directory)")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var received = 0
            var checkedStart = false
            for try await buffer in request.body {
                received += buffer.readableBytes
                if received > limit { throw tooLarge(limit) }
                let bytes = Array(buffer.readableBytesView)
                if !checkedStart {
                    try checkIsText(bytes)
                    checkedStart = true
                }
                try handle.write(contentsOf: bytes)
            }
            guard received > 0 else {
                throw APIError(.badRequest, "the upload is empty; send the CSV file as the request body")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        return Upload(folder: folder, path: path)
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

    private static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, "the upload is larger than the limit of \(limit / (1024 * 1024)) MB; split the file, or raise http.upload_limit_mb in the config")
    }

    /// Rejects spreadsheets and other binary files by their first bytes.
    private static func checkIsText(_ bytes: [UInt8]) throws {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw APIError(.unprocessableContent, "this is a spreadsheet (Excel) file, not a CSV; in Excel choose File > Save As > CSV UTF-8 and upload that file")
        }
        if bytes.prefix(4096).contains(0) && !(bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])) {
            throw APIError(.unprocessableContent, "this is a binary file, not a CSV; upload the user-import CSV (GET /api/template.csv has the columns)")
        }
    }
}
