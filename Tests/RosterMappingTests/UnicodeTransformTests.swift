import RosterCore
import RosterMapping
import Testing

/// Transforms run on UTF-8 bytes and fall back to `String` beyond ASCII; these pin each one to
/// what Swift's own `String` operations give, on text where bytes and characters differ.
@Suite struct UnicodeTransformTests {
    /// The `String` meaning of each transform, written independently of the mapping engine.
    static func expected(_ transform: String, _ text: String) -> String {
        let isSpace: (Character) -> Bool = { [" ", "\t", "\n", "\r", "\r\n", "\u{A0}", "\u{FEFF}"].contains($0) }
        switch transform {
        case "trim":
            guard let start = text.firstIndex(where: { !isSpace($0) }) else { return "" }
            return String(text[start...text.lastIndex(where: { !isSpace($0) })!])
        case "lower": return text.lowercased()
        case "upper": return text.uppercased()
        case "digits": return String(text.unicodeScalars.filter { ("0"..."9").contains($0) })
        case "{first: 2}": return String(text.prefix(2))
        case "{last: 2}": return String(text.suffix(2))
        default: Issue.record("no reference for \(transform)"); return ""
        }
    }

    static let texts = [
        "  Zoë  ", "\u{A0}Ada\u{FEFF}", " \u{301}x", "x \u{301}", "Ada\r\n", "\r\n", " \u{A0} ", "ÉLODIE", "straße",
        "İstanbul", "e\u{301}cole", "ab👩‍💻", "٣ 12", "\u{FEFF}\u{301}a", "plain", "",
    ]

    @Test(arguments: ["trim", "lower", "upper", "digits", "{first: 2}", "{last: 2}"], texts)
    func transformMatchesString(transform: String, text: String) throws {
        #expect(try firstName("{path: v, transforms: [\(transform)]}", .object(["v": .string(text)])) == Self.expected(transform, text))
    }

    @Test(arguments: [
        ("ÀB cD-éf", "Àb Cd-Éf"),
        ("o'neil-SMITH", "O'Neil-Smith"),
    ])
    func titleCasesLettersBeyondASCII(text: String, title: String) throws {
        #expect(try firstName("{path: v, transforms: [title]}", .object(["v": .string(text)])) == title)
    }

    @Test(arguments: [
        ("ZOË", "{Zoë: matched}", "matched"),
        (" zoë ", "{Zoë: matched}", "matched"),
        ("GB", "{Zoë: matched, gb: UK}", "UK"),
        ("Ada\r\n", "{ada: matched}", "matched"),
        ("Zoe", "{Zoë: matched}", "Zoe"),
    ])
    func valueMapsFoldTextBeyondASCII(text: String, map: String, expected: String) throws {
        #expect(try firstName("{path: v, map: \(map)}", .object(["v": .string(text)])) == expected)
    }

    @Test(arguments: [("été", true), ("ÉTÉ", true), ("ete", false), ("étés", false)])
    func equalsFiltersFoldTextBeyondASCII(text: String, kept: Bool) throws {
        let filter = "filter:\n  include:\n    - {path: v, equals: Été}"
        let mapping = try MappingFile.parse(yaml: yaml(firstName: "{path: v}", extra: filter), path: "t.yaml")
        #expect(mapping.map(.object(["v": .string(text)])).isFilteredOut == !kept)
    }
}
