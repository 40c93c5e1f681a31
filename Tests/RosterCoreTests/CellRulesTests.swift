import RosterCore
import Testing

/// The rules every template cell obeys before its column's own (DESIGN §1): length, control
/// characters, invisible-only values, formulas in names.
@Suite struct CellRulesTests {
    let validator = RowValidator(catalog: .standard)

    func issues(_ column: TemplateColumn, _ value: String) -> [RowIssue] {
        validator.validate(sampleRow(column, value)).issues
    }

    @Test(arguments: [
        "O'Brien", "Anne-Marie", "Zoë", "José", "Zoë-Ann O'Brien", "李", "Nguyễn", "D'Angelo-Smith", "-Ann", "Jean Paul",
        "Ann (Annie)", "Mary+1", "a@b", String(repeating: "é", count: CellRules.nameLimit),
    ])
    func namesThatPass(name: String) {
        #expect(issues(.firstName, name).isEmpty, "\(name.debugDescription)")
        #expect(issues(.lastName, name).isEmpty, "\(name.debugDescription)")
    }

    @Test(arguments: [
        (TemplateColumn.firstName, CellRules.nameLimit), (.lastName, CellRules.nameLimit), (.email, CellRules.emailLimit),
        (.extension, CellRules.extensionLimit), (.license, CellRules.catalogValueLimit), (.role, CellRules.catalogValueLimit),
        (.dataCenter, CellRules.catalogValueLimit),
    ])
    func everyCellHasALengthLimit(column: TemplateColumn, limit: Int) throws {
        let value = column == .extension ? String(repeating: "1", count: limit + 1)
            : column == .email ? String(repeating: "a", count: limit - 11) + "@company.com" + "x"
            : String(repeating: "x", count: limit + 1)
        let found = issues(column, value)
        let issue = try #require(found.first)
        #expect(found.count == 1, "the column's own rule is not checked: \(found)")
        #expect(issue.column == column)
        #expect(issue.reason.contains("longer than \(limit) characters"), "\(issue)")
        #expect(issue.reason.contains("write"), "says what to write: \(issue)")
        #expect(!issue.reason.contains(value), "the oversized value is not quoted")
    }

    @Test func characterLimitCountsCharactersNotBytes() {
        let accented = String(repeating: "é", count: CellRules.nameLimit)
        #expect(accented.utf8.count > CellRules.nameLimit)
        #expect(issues(.firstName, accented).isEmpty)
        #expect(!issues(.firstName, accented + "é").isEmpty)
        #expect(issues(.extension, String(repeating: "9", count: CellRules.extensionLimit)).isEmpty)
    }

    @Test func aHundredMegabyteNameIsRefusedAlone() throws {
        let huge = String(repeating: "A", count: 100 << 20)
        let result = validator.validate(sampleRow(.firstName, huge))
        #expect(result.issues.map(\.column) == [.firstName])
        #expect(result.issues.first.map { $0.reason.utf8.count < 200 } == true)
        let hugeRole = validator.validate(sampleRow(.role, huge)).issues
        #expect(hugeRole.map(\.column) == [.role], "no did-you-mean search over the huge value")
    }

    @Test(arguments: [
        ("Ann\u{0}", "U+0000"), ("\u{1B}[31mAnn", "U+001B"), ("Ann\tLee", "U+0009"), ("A\u{7F}", "U+007F"), ("A\u{85}", "U+0085"),
        ("\u{9B}31m", "U+009B"), ("Ann\u{8}", "U+0008"),
    ])
    func controlCharactersAreRefused(value: String, code: String) throws {
        for column in TemplateColumn.allCases {
            let found = issues(column, value)
            let issue = try #require(found.first, "\(column)")
            #expect(found.count == 1, "\(column): \(found)")
            #expect(issue.column == column)
            #expect(issue.reason.contains("control character \(code)"), "\(issue)")
            #expect(issue.reason.contains("retype the cell without it"), "\(issue)")
            #expect(!issue.reason.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "no control character in the message")
        }
    }

    @Test func aReplacementCharacterAsksToRetypeTheCell() throws {
        for column in TemplateColumn.allCases {
            let found = issues(column, "Ren\u{FFFD}")
            #expect(found.map(\.column) == [column])
            #expect(found.first?.reason.contains("U+FFFD, the mark of a character lost to a wrong encoding; retype the cell") == true, "\(found)")
        }
    }

    @Test(arguments: ["\u{200B}", "\u{A0}", "\u{FEFF}", "\u{200B}\u{200C}\u{200D}\u{2060}", "\u{A0} \u{3000}", "\u{AD}", "\u{3164}", "\u{2800}", "\u{202E}"])
    func invisibleOnlyValuesFailRequired(value: String) throws {
        for column in [TemplateColumn.firstName, .lastName, .email, .role, .dataCenter] {
            let issue = try #require(issues(column, value).first, "\(column)")
            #expect(issue.column == column)
            #expect(issue.reason.hasPrefix("required; the cell holds only invisible characters"), "\(issue)")
        }
        for column in [TemplateColumn.license, .extension] {
            let issue = try #require(issues(column, value).first, "\(column)")
            #expect(issue.reason.contains("only invisible characters"), "\(issue)")
        }
    }

    @Test func visibleTextWithInvisibleCharactersIsKept() {
        #expect(issues(.firstName, "Ann\u{A0}Marie").isEmpty)
        #expect(issues(.lastName, "\u{200B}李").isEmpty)
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://x\",\"Click\")", "="), ("+1+2", "+"), ("@SUM(A1)", "@"), ("=1", "="), ("-2+3+cmd|' /C calc'!A0", "-"),
        ("-1", "-"), ("-(1)", "-"), ("--1", "-"), ("-=A1", "-"), ("-HYPERLINK(\"x\")", "-"), ("-cmd|x", "-"),
    ])
    func formulaLookingNamesAreRefused(name: String, lead: String) throws {
        for column in [TemplateColumn.firstName, .lastName] {
            let issue = try #require(issues(column, name).first, "\(name)")
            #expect(issue.column == column)
            #expect(issue.reason.contains("starts with \(lead) and would run as a formula"), "\(issue)")
            #expect(issue.reason.contains("write the name as plain text, without the leading \(lead)"), "\(issue)")
        }
    }

    @Test func lineBreaksInTheTextAreFoundWithoutTheReader() {
        let found = issues(.lastName, "Lee\nSmith")
        #expect(found.map(\.column) == [.lastName])
        #expect(found.first?.reason.contains("line break") == true)
        #expect(validator.validate(sampleRow(.lastName, "Lee\r\nSmith"), lineBreaks: [.lastName]).issues.count == 1, "reported once")
    }

    @Test func customRolesLongerThanTheDefaultLimitPass() {
        let role = String(repeating: "R", count: CellRules.catalogValueLimit + 10)
        let validator = RowValidator(catalog: Catalog(customRoles: [role]))
        #expect(validator.validate(sampleRow(.role, role)).issues.isEmpty)
    }
}
