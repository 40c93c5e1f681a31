import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import Testing

@Suite("HTTP API: POST /api/imports")
struct ImportRouteTests {
    static let badRows = """
        First Name,Last Name,License,Extension,Email Address,Role,Data Center
        Ann,Lee,Enterprise,1000,ann@company.com,Agent,US
        Bo,Kim,Platinum,1001,bo@company.com,Agent,US
        Cy,Day,Enterprise,1002,not-an-email,Agent,US
        """

    @Test("a template CSV imports; the answer is the run with its counts")
    func importsTemplateFile() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/imports?filename=users.csv", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/users.csv")) { response in
                #expect(response.status == .created)
                #expect(response.json["created"] as? Int == 3)
                #expect(response.json["failed"] as? Int == 0)
                #expect(response.json["source"] as? String == "users.csv")
                #expect(response.json["trigger"] as? String == "api")
            }
        }
        let store = server.store
        #expect(try await store.users().count == 3)
    }

    @Test("failed rows are listed as JSON and as the re-importable CSV")
    func failedRows() async throws {
        let server = try TestServer()
        try await server.test { client in
            let id = try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, csvType), body: csv(Self.badRows)) { response in
                #expect(response.status == .created)
                #expect(response.json["created"] as? Int == 1)
                #expect(response.json["failed"] as? Int == 2)
                return response.json["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/api/runs/\(id)/failures", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .ok)
                let failures = response.json["failures"] as? [[String: Any]] ?? []
                #expect(failures.map { $0["row"] as? Int } == [3, 4])
                #expect((failures.first?["cells"] as? [String: String])?["Email Address"] == "bo@company.com")
                #expect((failures.first?["errors"] as? [String])?.first?.contains("Platinum") == true)
            }
            try await client.execute(uri: "/api/runs/\(id)/failures.csv", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(response.headers[.contentDisposition]?.contains("run-\(id)-failed-rows.csv") == true)
                let lines = response.text.split(separator: "\r\n")
                #expect(lines.first == "First Name,Last Name,License,Extension,Email Address,Role,Data Center,Row,Errors")
                #expect(lines.count == 3)
            }
        }
    }

    @Test("dry_run=true plans and answers 200 but writes nothing")
    func dryRun() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/imports?dry_run=true", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/users.csv")) { response in
                #expect(response.status == .ok)
                #expect(response.json["created"] as? Int == 3)
                #expect(response.json["dryRun"] as? Bool == true)
            }
        }
        let store = server.store
        #expect(try await store.users().isEmpty)
        #expect(try await store.runs(limit: 10).isEmpty)
    }

    @Test("mapping=NAME imports through the named mapping file")
    func mappedImport() async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/imports?mapping=custom-columns-csv", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/crm-nightly.csv")) { response in
                #expect(response.status == .created, "\(response.text)")
                #expect(response.json["created"] as? Int ?? 0 > 0)
            }
        }
    }

    @Test("bad uploads get the right 4xx with a JSON error and write nothing", arguments: [
        (Array("PK\u{3}\u{4}rest-of-a-zip".utf8), "text/csv", 422, "spreadsheet"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1], "text/csv", 422, "spreadsheet"),
        ([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x00, 0x01], "text/csv", 422, "binary"),
        ([], "text/csv", 400, "empty"),
        (Array("{\"users\": []}".utf8), "application/json", 415, "text/csv"),
        (Array("just one line, no header\n".utf8), "text/csv", 422, "Nothing was imported"),
    ] as [([UInt8], String, Int, String)])
    func badUploads(body: [UInt8], type: String, status: Int, words: String) async throws {
        let server = try TestServer()
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, [.contentType: type]), body: ByteBuffer(bytes: body)) { response in
                #expect(response.status.code == status, "\(response.text)")
                #expect(response.error.contains(words), "\(response.error)")
            }
        }
        let store = server.store
        #expect(try await store.users().isEmpty)
        #expect(try await store.runs(limit: 10).isEmpty)
    }

    @Test("an upload past the size limit answers 413 and leaves no file behind")
    func oversized() async throws {
        let uploads = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-oversized-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: uploads) }
        let server = try TestServer(uploadLimit: 1024, uploadDirectory: uploads)
        let big = "First Name,Last Name,License,Extension,Email Address,Role,Data Center\n" + String(repeating: "Ann,Lee,Enterprise,,ann@company.com,Agent,US\n", count: 100)
        try await server.test { client in
            try await client.execute(uri: "/api/imports", method: .post, headers: bearer(TestTokens.writer, csvType), body: csv(big)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.error.contains("upload_limit_mb"))
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: uploads).isEmpty)
    }

    @Test("a mapping name or file name cannot reach outside its folder", arguments: ["../../etc/passwd", "..", "a/b", "%2e%2e%2fsecrets"])
    func mappingTraversal(name: String) async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/api/imports?mapping=\(name)", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/users.csv")) { response in
                #expect(response.status == .badRequest)
                #expect(response.error.contains("mappings folder"))
            }
        }
    }

    @Test("an unknown mapping answers 404 naming the mappings there are")
    func unknownMapping() async throws {
        try await TestServer().test { client in
            try await client.execute(uri: "/api/imports?mapping=nope", method: .post, headers: bearer(TestTokens.writer, csvType), body: try example("examples/users.csv")) { response in
                #expect(response.status == .notFound)
                #expect(response.error.contains("custom-columns-csv"))
            }
        }
    }

    @Test("upload file names keep only their last component in safe characters")
    func fileNames() {
        #expect(Upload.fileName("../../etc/passwd") == "passwd.csv")
        #expect(Upload.fileName("..") == "upload.csv")
        #expect(Upload.fileName(nil) == "upload.csv")
        #expect(Upload.fileName("C:\\Users\\me\\staff list.csv") == "staff list.csv")
        #expect(Upload.fileName("a<b>.csv") == "a_b_.csv")
    }
}
