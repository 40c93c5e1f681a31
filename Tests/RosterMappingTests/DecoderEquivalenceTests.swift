import Foundation
import RosterCore
import RosterMapping
import Testing

/// A mapping that reads every kind of path: plain, nested, indexed, digits as key or index,
/// quoted keys, a list and an object as a whole, first_of, template, value map.
let probeMapping = """
    id: id
    columns:
      First Name: {path: text, transforms: [trim]}
      Last Name: {path: obj.key}
      License: {constant: Enterprise}
      Extension: {path: list.0, transforms: [digits, {last: 4}]}
      Email Address: {first_of: [mail, upn], transforms: [trim, lower]}
      Role: {path: dept, map: {Support: Agent, IT: Admin}, default: Agent}
      Data Center: {template: "{{number}}/{{flag}}"}
    attributes:
      number: {path: number}
      flag: {path: flag}
      list: {path: list}
      list name: {path: list.1.name}
      obj: {path: obj}
      obj digit: {path: obj.0}
      obj quoted digit: {path: obj."0"}
      deep: {path: a.b.c.d}
      dotted: {path: "\\"a.b\\""}
      odata: {path: "\\"@odata.type\\""}
      first: {first_of: [missing, blank, text]}
      nothing: {path: nothing.at.all}
    """

/// Records that stress the decoder, as JSON text.
let trickyRecords = [
    #"{"text":"tab\tquote\" slash\/ \u00e9 \ud83d\ude00","id":"x1"}"#,
    #"{"text":"Zoë Ångström 日本 🎉"}"#,
    #"{"text":"caf\u00e9 \u00C9\u0041"}"#,
    #"{"text":"lone \ud800 high, lone \udc00 low"}"#,
    #"{"te\u0078t":"escaped key","\u0069d":"id\/2"}"#,
    // Keys the decoder guesses from the record before: a longer key, a shorter one, an escaped
    // spelling of the guessed key, space before the colon.
    #"{"id":"k1","text":"guessed next"}"#, #"{"id":"k2","textual":"longer","text":"t"}"#,
    #"{"id":"k3","tex":"shorter","te\u0078t":"escaped"}"#, #"{"id" :"k4","text"  : "spaced"}"#,
    #"{"number":1000.0,"flag":true}"#, #"{"number":1e3}"#, #"{"number":-0}"#, #"{"number":-0.0}"#,
    #"{"number":0.5}"#, #"{"number":12345678901234567890}"#, #"{"number":123456789012345}"#,
    #"{"number":1234567890123456}"#, #"{"number":-987654321098765}"#, #"{"number":1.5e-7,"flag":false}"#,
    #"{"number":1E+2}"#, #"{"number":0}"#, #"{"number":-7}"#, #"{"id":42,"number":2.50}"#,
    #"{"number":true,"flag":null,"text":null,"id":null}"#,
    " \t{ \"text\" : \" spaced \" ,\r\n \"list\" : [ \"+1 (425) 555-0100\" , { \"name\" : \"n\" } ] , \"obj\" : { } }\r\n ",
    #"{"list":["+1 425 555 1234",{"name":"second"}]}"#, #"{"list":[]}"#, #"{"list":{}}"#, #"{"list":"scalar"}"#,
    #"{"list":[[1],{"name":["x"]}]}"#, #"{"list":[null,{"name":12}]}"#,
    #"{"obj":{"0":"zero","key":"k"}}"#, #"{"obj":["arr0"]}"#, #"{"obj":{"00":"not zero"}}"#,
    #"{"text":"first","text":"second"}"#, #"{"obj":{"key":"a","0":"z"},"obj":{"key":"b"}}"#,
    #"{"obj":{"key":"a"},"obj":"scalar"}"#, #"{"list":["a"],"list":[]}"#, #"{"obj":{"key":"a","key":"b"}}"#,
    #"{"a":{"b":{"c":{"d":"deep"}}}}"#, #"{"a":{"b":{"c":"not an object"}}}"#, #"{"a":{"b":{"c":{"d":{"e":1}}}}}"#,
    ##"{"a.b":"dotted","@odata.type":"#microsoft.graph.user","a":{"b":"not dotted"}}"##,
    #"{}"#,
    #"{"skip":{"x":[1,2.5e3,{"y":null}],"z":"\u00e9\n","w":[true,false,[]]},"text":"after skipped"}"#,
    #"{"mail":"  Ada@X.COM ","upn":"u@x","dept":"support"}"#, #"{"mail":null,"upn":"U@X","dept":" IT "}"#,
    #"{"mail":"","upn":"U@X","dept":"Sales"}"#, #"{"mail":[],"upn":"U@X"}"#,
    #"{"missing":"","blank":"  ","text":"third choice"}"#, #"{"blank":{},"missing":[]}"#,
]

/// Filters of every kind, each over the same records.
let filterRules = [
    "include: [{path: flag, equals: true}]", "include: [{path: flag, equals: TRUE}]", "exclude: [{path: text, equals: ''}]",
    "include: [{path: dept, in: [support, it]}]", "include: [{path: list, exists: true}]", "include: [{path: list, exists: false}]",
    "include: [{path: obj, exists: true}]", "include: [{path: text, exists: true}]", "include: [{path: text, exists: false}]",
    "include: [{path: list.0, exists: true}]", "include: [{path: number, regex: '^-?[0-9]+$'}]", "exclude: [{path: obj.key, regex: b}]",
    "include: [{path: list, equals: ''}]", "include: [{path: number, in: ['1000', '0', '-7']}]",
]

/// The mapped record both ways: parsed into a `JSONValue` and mapped, and decoded from the bytes.
func mappedBothWays(_ mapping: Mapping, _ text: String) throws -> (value: MappedRecord, bytes: MappedRecord) {
    let record = try #require(JSONByteParser.parse(Array(text.utf8)), "not JSON: \(text)")
    var decoder = MappingDecoder(mapping: mapping)
    return (mapping.map(record), try decoder.map(jsonObject: Array(text.utf8)))
}

@Suite struct DecoderEquivalenceTests {
    @Test(arguments: trickyRecords)
    func trickyRecordMapsAlikeBothWays(text: String) throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        let (value, bytes) = try mappedBothWays(mapping, text)
        #expect(value == bytes)
    }

    @Test(arguments: filterRules)
    func filterDecidesAlikeBothWays(rule: String) throws {
        let mapping = try MappingFile.parse(yaml: probeMapping + "\nfilter:\n  \(rule)\n", path: "probe.yaml")
        for text in trickyRecords {
            let (value, bytes) = try mappedBothWays(mapping, text)
            #expect(value == bytes, "\(text)")
        }
    }

    @Test(arguments: shippedMappingFiles)
    func shippedTestRecordsMapAlikeBothWays(file: String) throws {
        let mapping = try MappingFile.load(path: mappingsDirectory.appendingPathComponent(file).path)
        var decoder = MappingDecoder(mapping: mapping)
        let encoder = JSONEncoder()
        for test in mapping.tests {
            let bytes = Array(try encoder.encode(test.record))
            #expect(try decoder.map(jsonObject: bytes) == mapping.map(test.record), "\(file):\(test.line)")
        }
    }

    @Test func oneDecoderServesManyRecordsWithoutLeaks() throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        var decoder = MappingDecoder(mapping: mapping)
        for text in trickyRecords + trickyRecords.reversed() {
            let record = try #require(JSONByteParser.parse(Array(text.utf8)))
            #expect(try decoder.map(jsonObject: Array(text.utf8)) == mapping.map(record), "\(text)")
        }
    }

    @Test(arguments: [
        ("{\"number\":1000.0}", "1000"), ("{\"number\":1e3}", "1000"), ("{\"number\":-0}", "0"), ("{\"number\":0.5}", "0.5"),
        ("{\"number\":12345678901234567890}", "1.2345678901234567e+19"), ("{\"number\":1234567890123456}", "1234567890123456"),
        ("{\"number\":true}", "true"), ("{\"number\":null}", ""),
    ])
    func numbersReadAsDocumented(text: String, expected: String) throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        var decoder = MappingDecoder(mapping: mapping)
        #expect(try decoder.map(jsonObject: Array(text.utf8)).attribute("number") == expected)
    }

    @Test func listAndObjectPathsGiveTheSameIssuesBothWays() throws {
        let mapping = try MappingFile.parse(yaml: probeMapping, path: "probe.yaml")
        let (value, bytes) = try mappedBothWays(mapping, #"{"list":["1"],"obj":{"key":"k"}}"#)
        #expect(bytes.issues.map(\.reason) == [
            "path 'list' holds a list; index it, e.g. list.0", "path 'obj' holds an object; name a key inside it, e.g. obj.name",
        ])
        #expect(value.issues == bytes.issues)
    }
}
