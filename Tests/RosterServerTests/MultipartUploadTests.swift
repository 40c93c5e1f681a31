import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import Testing

@Suite("HTTP API: POST /api/imports as multipart/form-data")
struct MultipartUploadTests {
    static let boundary = "----rostersync-test-boundary"
    static let formType: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]

    /// A form with a text field and, when given, a file part holding `file`.
    static func form(file: [UInt8]?, fileName: String = "staff.csv", closed: Bool = true) -> ByteBuffer {
        var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnightly upload\r\n")
        if let file {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n")
            body.writeBytes(file)
            body.writeString("\r\n")
        }
        if closed { body.writeString("--\(boundary)--\r\n") }
        return body
    }

    @Test("the file part of a form imports like a text/csv body; the run is named after the part's file name")
    func importsFilePart() async throws {
        let server = try TestServer()
        let users = Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/examples/users.csv")))
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, Self.formType), body: Self.form(file: users)) { response in
                #expect(response.status == .created, "\(response.text)")
                #expect(response.json["created"] as? Int == 3)
                #expect(response.json["failed"] as? Int == 0)
                #expect(response.json["source"] as? String == "staff.csv")
            }
        }
        let store = server.store
        #expect(try await store.users().count == 3)
    }

    @Test("a file whose lines end in CRLF and start with the boundary's first bytes comes through byte for byte")
    func crlfFile() async throws {
        let server = try TestServer()
        // "\r\n--" starts like the boundary line; the row fails validation (a cell may not start with -), so its cells come back as sent.
        let text = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\r\nAnn,Lee,Enterprise,1000,ann@company.com,Agent,US\r\n-- Bo,Kim,Enterprise,1001,bo@company.com,Agent,US\r\n"
        try await server.test { client in
            let id = try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, Self.formType), body: Self.form(file: Array(text.utf8))) { response in
                #expect(response.status == .created, "\(response.text)")
                #expect(response.json["rows"] as? Int == 2)
                #expect(response.json["created"] as? Int == 1, "\(response.text)")
                return response.json["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/api/runs/\(id)/failures", method: .get, headers: bearer(TestTokens.reader)) { response in
                let cells = (response.json["failures"] as? [[String: Any]])?.first?["cells"] as? [String: String] ?? [:]
                #expect(cells["First Name"] == "-- Bo" && cells["Data Center"] == "US", "\(response.text)")
            }
        }
        let store = server.store
        #expect(try await store.users().map(\.record.row.email) == ["ann@company.com"])
    }

    @Test("malformed forms and files that are not CSV get a 400 or 422 JSON error naming the problem, and nothing is written", arguments: [
        (Array("--\(MultipartUploadTests.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nFirst Name,Last".utf8), MultipartUploadTests.formType, 400, "closing boundary"),
        (Array("First Name,Last Name\r\nAnn,Lee\r\n".utf8), MultipartUploadTests.formType, 400, "does not separate its parts"),
        (Array(MultipartUploadTests.form(file: nil).readableBytesView), MultipartUploadTests.formType, 400, "no file part"),
        (Array("--\(MultipartUploadTests.boundary)\r\nBad Header\r\n\r\nabc\r\n--\(MultipartUploadTests.boundary)--\r\n".utf8), MultipartUploadTests.formType, 400, "malformed"),
        (Array("--x\r\n".utf8), [.contentType: "multipart/form-data"] as HTTPFields, 400, "boundary"),
        (Array(MultipartUploadTests.form(file: Array("PK\u{3}\u{4}rest-of-a-zip".utf8), fileName: "staff.xlsx").readableBytesView), MultipartUploadTests.formType, 422, "spreadsheet (Excel) file"),
        (Array(MultipartUploadTests.form(file: [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x00, 0x01]).readableBytesView), MultipartUploadTests.formType, 422, "this is a binary file, not a CSV"),
        (Array(MultipartUploadTests.form(file: []).readableBytesView), MultipartUploadTests.formType, 400, "file part is empty"),
    ] as [([UInt8], HTTPFields, Int, String)])
    func badForms(body: [UInt8], type: HTTPFields, status: Int, words: String) async throws {
        let uploads = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-multipart-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: uploads) }
        let server = try TestServer(uploadDirectory: uploads)
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, type), body: ByteBuffer(bytes: body)) { response in
                #expect(response.status.code == status, "\(response.text)")
                #expect(response.error.contains(words), "\(response.error)")
            }
        }
        let store = server.store
        #expect(try await store.runs(limit: 10).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: uploads).isEmpty)
    }

    @Test("a form larger than the upload limit answers 413 and leaves no file behind")
    func oversized() async throws {
        let uploads = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-multipart-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: uploads) }
        let server = try TestServer(uploadLimit: 1024, uploadDirectory: uploads)
        let big = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\n" + String(repeating: "Ann,Lee,Enterprise,,ann@company.com,Agent,US\n", count: 100)
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, Self.formType), body: Self.form(file: Array(big.utf8))) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.error.contains("upload_limit_mb"))
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: uploads).isEmpty)
    }
}
