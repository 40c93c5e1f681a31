import RosterCore
import Testing

/// Header-row rules (DESIGN §1): any order, case-insensitive, spaces and BOM ignored, `Email`
/// alias, no punctuation, missing and duplicated columns named, extra columns ignored.
@Suite struct TemplateHeaderTests {
    static let template = ["First Name", "Last Name", "License", "Extension", "Email Address", "Role", "Data Center"]

    func header(_ cells: [String]) throws -> TemplateHeader { try TemplateHeader(cells: cells, file: "roster.csv") }

    func rejection(_ cells: [String]) throws -> FileRejection {
        try #require(throws: FileRejection.self) { try header(cells) }
    }

    @Test func templateOrder() throws {
        #expect(try header(Self.template).fieldIndex == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test func anyOrder() throws {
        let cells = ["Role", "Email Address", "Data Center", "First Name", "Extension", "License", "Last Name"]
        let header = try header(cells)
        for column in TemplateColumn.allCases {
            #expect(cells[header.fieldIndex[column.rawValue]] == column.header)
        }
    }

    @Test(arguments: [
        ["FIRST NAME", "last name", "LiCeNsE", "extension", "EMAIL ADDRESS", "role", "data center"],
        ["  First Name ", "\tLast Name", "License  ", " Extension", "Email Address", "Role", "Data Center "],
        ["\u{FEFF}First Name", "Last Name", "License", "Extension", "Email Address", "Role", "Data Center"],
        ["First Name", "Last Name", "License", "Extension", "Email", "Role", "Data Center"],
        ["First Name", "Last Name", "License", "Extension", "email", "Role", "Data Center"],
    ])
    func acceptedSpellings(cells: [String]) throws {
        #expect(try header(cells).fieldIndex == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test func extraColumnsAreIgnored() throws {
        let cells = ["Row", "First Name", "Last Name", "License", "Extension", "Email Address", "Role", "Data Center", "Errors", "Notes", ""]
        #expect(try header(cells).fieldIndex == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test(arguments: [("E-mail Address:", "Email Address"), ("First-Name", "First Name"), ("Role:", "Role"), ("Data Center.", "Data Center")])
    func punctuationIsRejectedWithTheFix(written: String, fix: String) throws {
        var cells = Self.template
        cells[Self.template.firstIndex(of: fix)!] = written
        let rejection = try rejection(cells)
        #expect(rejection.line == 1)
        #expect(rejection.reasons.count == 1, "no second 'missing column' reason for the same column: \(rejection.reasons)")
        let reason = try #require(rejection.reasons.first)
        #expect(reason.contains("\"\(written)\""), "\(reason)")
        #expect(reason.contains("punctuation"), "\(reason)")
        #expect(reason.contains("write \"\(fix)\""), "\(reason)")
    }

    @Test(arguments: TemplateColumn.allCases)
    func missingColumnIsNamed(column: TemplateColumn) throws {
        let rejection = try rejection(Self.template.filter { $0 != column.header })
        #expect(rejection.reasons.count == 1)
        #expect(rejection.reasons.first?.contains("missing column \"\(column.header)\"") == true, "\(rejection.reasons)")
    }

    @Test func everyMissingColumnIsNamed() throws {
        let rejection = try rejection(["First Name", "Email"])
        #expect(rejection.reasons.count == 5)
        for missing in ["Last Name", "License", "Extension", "Role", "Data Center"] {
            #expect(rejection.reasons.contains { $0.contains("missing column \"\(missing)\"") }, "\(missing)")
        }
    }

    @Test(arguments: [["Role", "role"], ["Email Address", "Email"]])
    func duplicatedColumnIsNamed(pair: [String]) throws {
        let rejection = try rejection(Self.template.filter { $0 != pair[0] } + pair)
        let column = pair[0] == "Role" ? "Role" : "Email Address"
        #expect(rejection.reasons.count == 1)
        let reason = try #require(rejection.reasons.first)
        #expect(reason.contains("\"\(column)\" appears twice"), "\(reason)")
        #expect(reason.contains("delete one"), "\(reason)")
    }

    @Test(arguments: [("Emial Address", "Email Address"), ("Frist Name", "First Name"), ("Data Centre", "Data Center"), ("Licence", "License")])
    func lookalikeIsSuggested(written: String, column: String) throws {
        var cells = Self.template
        cells[Self.template.firstIndex(of: column)!] = written
        let reason = try #require(try rejection(cells).reasons.first)
        #expect(reason.contains("missing column \"\(column)\""), "\(reason)")
        #expect(reason.contains("rename column \"\(written)\" to \"\(column)\""), "\(reason)")
    }

    @Test func rejectionNamesFileAndLine() throws {
        let rejection = try rejection(["First Name"])
        #expect(rejection.description.split(separator: "\n").allSatisfy { $0.hasPrefix("roster.csv:1: error: ") })
    }
}

extension TemplateHeaderTests {
    @Test func anotherSystemsExportSuggestsAMappingInsteadOfSevenMissingColumns() throws {
        let rejection = try rejection(["Given", "Surname", "Mail", "Team"])
        #expect(rejection.reasons.count == 1, "\(rejection.reasons)")
        let reason = try #require(rejection.reasons.first)
        #expect(reason.contains("--mapping"), "\(reason)")
        #expect(reason.contains("Given, Surname, Mail, Team"), "\(reason)")
    }

    @Test func theArticleFitsTheColumn() throws {
        let reasons = try rejection(["First Name", "Zzz"]).reasons
        #expect(reasons.contains { $0.contains("add an \"Extension\" column") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("add an \"Email Address\" column") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("add a \"Role\" column") }, "\(reasons)")
    }
}
