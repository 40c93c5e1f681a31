import Foundation
import Hummingbird
import MultipartKit

/// Takes the file part out of a streamed `multipart/form-data` body: the first part whose
/// `Content-Disposition` has a `filename` (or whose name is `file`). Other parts (small form
/// fields) are skipped; a second file part is refused. Malformed forms get a 400 that says what
/// is wrong.
final class MultipartFile {
    private let parser: MultipartParser
    private let boundary: String
    /// The file name the form gave the file part.
    private(set) var fileName: String?
    private var headers: [(String, String)] = []
    /// A part's headers have begun and its boundary has not come yet.
    private var partOpen = false
    /// Whether the open part is the file was decided (at its first body bytes or its end).
    private var partDecided = false
    private var inFilePart = false
    private var fileParts = 0
    private var sawAnyPart = false
    private var parsed = 0
    /// The body's last bytes, to check it ends with the closing boundary.
    private var tail: [UInt8] = []
    /// The first error met inside the parser's callbacks, thrown after it returns.
    private var failure: (any Error)?
    private var sink: FileSink?

    init(boundary: String) {
        self.boundary = boundary
        parser = MultipartParser(boundary: boundary)
        parser.onHeader = { [unowned self] name, value in
            if !partOpen {
                partOpen = true
                partDecided = false
                headers = []
            }
            headers.append((name, value))
        }
        parser.onBody = { [unowned self] body in
            if partOpen, !partDecided { decidePart() }
            guard inFilePart, failure == nil, let sink else { return }
            do {
                try sink.write(body)
            } catch {
                failure = error
            }
        }
        parser.onPartComplete = { [unowned self] in
            if partOpen, !partDecided { decidePart() }
            partOpen = false
            inFilePart = false
        }
    }

    /// Parses the next piece of the body, writing the file part's bytes to `sink`.
    func feed(_ buffer: ByteBuffer, into sink: FileSink) throws {
        self.sink = sink
        do {
            try parser.execute(buffer)
        } catch {
            throw malformed("it breaks the multipart syntax (a part's headers, or the line after a boundary) within the first \(parsed + buffer.readableBytes) bytes")
        }
        parsed += buffer.readableBytes
        tail += buffer.readableBytesView.suffix(boundary.utf8.count + 8)
        tail.removeFirst(max(0, tail.count - boundary.utf8.count - 8))
        if let failure { throw failure }
    }

    /// Checks the form ended properly and had a file part.
    func finish() throws {
        let closing = Array("--\(boundary)--".utf8)
        let end = Array(tail.reversed().drop { $0 == 13 || $0 == 10 }.reversed())
        guard end.count >= closing.count, end.suffix(closing.count).elementsEqual(closing) else {
            throw malformed(sawAnyPart ? "it ends before its closing boundary --\(boundary)--; the upload was cut off"
                : "the boundary from Content-Type (\(boundary)) does not separate its parts, and it has no closing --\(boundary)--")
        }
        guard fileParts > 0 else {
            throw APIError(.badRequest, "the multipart form has no file part (none with a filename, and none named file); "
                + "add the CSV as a part with Content-Disposition: form-data; name=\"file\"; filename=\"users.csv\"")
        }
    }

    /// The headers of a part are complete (its body starts): decides whether it is the file.
    private func decidePart() {
        partDecided = true
        sawAnyPart = true
        let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
        let parameters = Self.parameters(disposition)
        let isFile = parameters["filename"] != nil || parameters["name"] == "file"
        guard isFile else { return }
        fileParts += 1
        guard fileParts == 1 else {
            failure = APIError(.badRequest, "the multipart form has more than one file part; upload one CSV file at a time")
            return
        }
        fileName = parameters["filename"]
        inFilePart = true
    }

    /// `name="value"` parameters of a header value, by lower-cased name.
    static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            result[pair[0].lowercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return result
    }

    private func malformed(_ what: String) -> APIError {
        APIError(.badRequest, "the multipart form is malformed: \(what). Send the CSV as the file part of a multipart/form-data form, or as the request body with Content-Type: text/csv")
    }
}
