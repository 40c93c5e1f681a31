import Foundation
import RosterConnectors
import RosterCore
import RosterTesting
import Testing

@Suite struct HelperTests {
    @Test(arguments: [
        (#"<https://a.test/agents?page=2>; rel="next""#, "https://a.test/agents?page=2"),
        (#"<https://a/x?o=0>;rel="first",<https://a/x?o=1000>;rel="next",<https://a/x?o=9000>;rel="last""#, "https://a/x?o=1000"),
        (#"<https://a/p1>; rel="prev", <https://a/p3>; rel="next""#, "https://a/p3"),
        (#"<https://a/p3>; rel="last""#, nil),
        (#"<https://a/p2>; rel="next prefetch""#, "https://a/p2"),
    ] as [(String, String?)])
    func linkHeaderFindsTheNextTarget(header: String, expected: String?) {
        #expect(URLText.linkHeaderTarget(header, rel: "next") == expected)
    }

    static let body: JSONValue = .object([
        "@odata.nextLink": .string("https://g/next"),
        "paging": .object(["next": .object(["after": .string("42")])]),
        "meta": .object(["after_cursor": .string("c2"), "has_more": .bool(false)]),
        "items": .array([.object(["id": .number(7)])]),
    ])

    @Test(arguments: [
        ("@odata.nextLink", JSONValue.string("https://g/next")), ("paging.next.after", .string("42")),
        ("meta.after_cursor", .string("c2")), ("meta.has_more", .bool(false)), ("items.0.id", .number(7)), ("missing.key", nil),
    ] as [(String, JSONValue?)])
    func bodyPathsFindKeysWithDots(path: String, expected: JSONValue?) {
        #expect(BodyPath(path).lookup(in: Self.body) == expected)
    }

    @Test func rootPathIsTheBodyItself() {
        #expect(BodyPath("$").lookup(in: .array([])) == .array([]))
        #expect(BodyPath("").isRoot)
    }

    @Test(arguments: [(JSONValue.number(361000001), "361000001"), (.string("005A"), "005A"), (.bool(true), "true"), (.null, nil)] as [(JSONValue, String?)])
    func idsBecomeText(value: JSONValue, expected: String?) {
        #expect(value.scalarText == expected)
    }

    @Test func queryEncodingKeepsVendorSyntaxSafe() {
        let query = URLText.query([("$select", "id,mail"), ("role[]", "agent"), ("q", "SELECT Id FROM User WHERE IsActive=true"), ("sysparm_query", "active=true^ORDERBYsys_id")])
        #expect(query == "$select=id,mail&role%5B%5D=agent&q=SELECT%20Id%20FROM%20User%20WHERE%20IsActive%3Dtrue&sysparm_query=active%3Dtrue%5EORDERBYsys_id")
        #expect(URLText.parseQuery(Substring(query)).map(\.value) == ["id,mail", "agent", "SELECT Id FROM User WHERE IsActive=true", "active=true^ORDERBYsys_id"])
    }

    @Test(arguments: [
        ("/services/data/v62.0/query/01g-2000", "https://acme.my.salesforce.com/services/data/v62.0/query/01g-2000"),
        ("https://other/x", "https://other/x"),
    ])
    func linksResolveAgainstTheBaseOrigin(link: String, expected: String) {
        #expect(URLText.resolve(link, against: "https://acme.my.salesforce.com") == expected)
    }

    @Test(arguments: [("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_480.0), ("Thu, 01 Jan 1970 00:00:00 GMT", 0), ("garbage", nil)] as [(String, Double?)])
    func httpDatesParse(text: String, expected: Double?) {
        #expect(Timestamps.parseHTTPDate(text) == expected)
    }

    @Test func iso8601FormatsUTC() {
        #expect(Timestamps.iso8601(1_445_412_480) == "2015-10-21T07:28:00Z")
        #expect(Timestamps.iso8601(951_782_400) == "2000-02-29T00:00:00Z")
    }

    @Test func jsonBooleansAndNumbersStayDistinct() throws {
        let value = try #require(JSONBody.parse(Array(#"{"a":true,"b":1,"c":0,"d":false,"e":1.5,"f":null}"#.utf8)))
        #expect(value == .object(["a": .bool(true), "b": .number(1), "c": .number(0), "d": .bool(false), "e": .number(1.5), "f": .null]))
    }
}

@Suite struct SecretTests {
    let secret = Secret("p@ssw0rd-value")

    @Test func secretNeverPrints() throws {
        #expect(secret.description == "****")
        #expect(String(reflecting: secret) == "****")
        #expect("\(secret)" == "****")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("p@ssw0rd"))
        let encoded = String(decoding: try JSONEncoder().encode(["token": secret]), as: UTF8.self)
        #expect(encoded == #"{"token":"****"}"#)
        #expect(secret.revealForTransport() == "p@ssw0rd-value")
    }

    @Test func environmentReferencesResolveOrNameTheVariable() throws {
        #expect(try Secret.fromEnvironmentReference("env:GRAPH_SECRET", environment: ["GRAPH_SECRET": "v"]).revealForTransport() == "v")
        #expect(throws: SecretReferenceError.variableMissing("GRAPH_SECRET")) {
            try Secret.fromEnvironmentReference("env:GRAPH_SECRET", environment: ["OTHER": "value-xyz"])
        }
        let error = SecretReferenceError.variableMissing("GRAPH_SECRET")
        #expect(error.description.contains("GRAPH_SECRET") && error.description.contains("export"))
        #expect(throws: SecretReferenceError.notAnEnvironmentReference) { try Secret.fromEnvironmentReference("inline-value", environment: [:]) }
    }

    @Test func connectorDumpShowsNoSecret() throws {
        let vendor = VendorCase.all[0]
        var dumped = ""
        dump(try vendor.connector(), to: &dumped)
        #expect(!dumped.contains(MockCredentials.clientSecret))
    }
}

@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"d"}}"#,
         JSONValue.object(["a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]), "b": .object(["c": .string("d")])])),
        (#"  [ ]  "#, .array([])),
        (#""tab\tquote\" slash\/ \u00e9 \ud83d\ude00""#, .string("tab\tquote\" slash/ é 😀")),
        (#""Zoë Ångström""#, .string("Zoë Ångström")),
        (#"{}"#, .object([:])),
    ])
    func parsesJSON(text: String, expected: JSONValue) {
        #expect(JSONBody.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: ["", "<html>", "{\"a\":1", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "[1] x", "{'a':1}", "[\"\u{01}\"]"])
    func rejectsWhatIsNotJSON(text: String) {
        #expect(JSONBody.parse(Array(text.utf8)) == nil)
    }

    @Test func agreesWithJSONDecoderOnAMockPage() throws {
        let handler = MockVendors.graph(MockVendorOptions(users: 50, pageSize: 50))
        let http = handler(HTTPRequest(method: .post, url: "https://mock.test/t/oauth2/v2.0/token",
                                       headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                       body: Array("grant_type=client_credentials&client_id=\(MockCredentials.clientID)&client_secret=\(MockCredentials.clientSecret)&scope=https://graph.microsoft.com/.default".utf8)))
        let token = try #require(JSONBody.parse(http.body)?["access_token"]?.scalarText)
        let page = handler(HTTPRequest(url: "https://mock.test/v1.0/users", headers: [("Authorization", "Bearer \(token)")]))
        #expect(JSONBody.parse(page.body) == (try JSONDecoder().decode(JSONValue.self, from: Data(page.body))))
    }

    @Test(arguments: [
        JSONValue.object(["a": .array([.number(1), .number(-2500), .number(1.5), .number(1e20), .number(0.1), .bool(true), .null]),
                          "quote \" back \\ nl \n cr \r tab \t bell \u{07}": .string("Zoë 😀 / \u{1F}")]),
        .array([]), .object([:]), .string(""), .number(-0.0),
    ])
    func writerRoundTripsThroughBothParsers(value: JSONValue) throws {
        let bytes = JSONBody.encode(value)
        #expect(JSONBody.parse(bytes) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) == value)
    }

    @Test func writerPrintsWholeNumbersWithoutAFraction() {
        #expect(JSONBody.encode(.array([.number(3599), .number(-7), .number(2.5), .number(.infinity)])) == Array("[3599,-7,2.5,null]".utf8))
    }
}
