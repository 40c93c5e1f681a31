import Foundation
import Hummingbird
import HummingbirdTesting
import RosterCore
import RosterEngine
@testable import RosterServer
import Testing

@Suite("GET /api/users: the page's JSON")
struct UsersPageJSONTests {
    /// The `User` schema of docs/openapi.yaml as `JSONEncoder` writes it: the reference.
    struct ReferenceUser: Encodable {
        var id: Int64
        var firstName, lastName, license, `extension`, email, role, dataCenter: String
        var active: Bool
        var attributes: [String: String]
        var jobs: [String]
    }

    struct ReferencePage: Encodable {
        var users: [ReferenceUser]
        var nextCursor: String?
    }

    static func record(first: String, email: String, attributes: [String: String] = [:]) -> UserRecord {
        let row = TemplateRow(firstName: first, lastName: "O'Brien \\ \"Bo\"", license: "Enterprise", extension: "", email: email, role: "Agent", dataCenter: "US")
        return UserRecord(row: row, attributes: attributes)
    }

    /// The JSON document `data` written again with sorted keys, so equal documents compare equal.
    static func normalized(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("a page is the document JSONEncoder makes of the same users, with quotes, backslashes, control characters and any Unicode")
    func sameAsEncoder() async throws {
        let server = try TestServer()
        let store = server.store
        let records = [
            Self.record(first: "Zoë \u{1F600} \u{1}\u{1F}\t\n\r\u{8}\u{C}</script>", email: "zoe@example.com",
                        attributes: ["cost/center": "uk-204", "note": "a \"quoted\" \\ value", "émoji": "\u{1F680}"]),
            Self.record(first: "", email: "ann@example.com"),
            Self.record(first: "Bo", email: "bo@example.com"),
        ]
        try await store.write { writes in try await writes.apply(WriteBatch(runID: nil, writes: records.map(UserWrite.create))) }
        let users = try await store.users()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func reference(_ page: ArraySlice<StoredUser>, next: String?) throws -> String {
            let body = ReferencePage(users: page.map { user in
                let row = user.record.row
                return ReferenceUser(id: user.id, firstName: row.firstName, lastName: row.lastName, license: row.license, extension: row.extension, email: row.email,
                                     role: row.role, dataCenter: row.dataCenter, active: user.record.active, attributes: user.record.attributes, jobs: [])
            }, nextCursor: next)
            return try Self.normalized(try encoder.encode(body))
        }
        let firstTwo = try reference(users.prefix(2), next: users[1].record.emailKey)
        let all = try reference(users.prefix(5), next: nil)
        let (firstPage, wholePage) = try await server.test { client in
            let first = try await client.execute(uri: "/api/users?limit=2", method: .get, headers: bearer(TestTokens.reader)) { response in
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                return response.text
            }
            return (first, try await client.execute(uri: "/api/users?limit=5", method: .get, headers: bearer(TestTokens.reader)) { $0.text })
        }
        #expect(try Self.normalized(Data(firstPage.utf8)) == firstTwo, "\(firstPage)")
        #expect(try Self.normalized(Data(wholePage.utf8)) == all, "\(wholePage)")
        #expect(!wholePage.contains("nextCursor"))
    }
}
