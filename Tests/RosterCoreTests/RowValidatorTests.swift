import RosterCore
import Testing

/// One table per row rule of DESIGN §1.
@Suite struct RowValidatorTests {
    let validator = RowValidator(catalog: .standard)

    /// The issues of the sample row with `column` set to `value`, all for that column.
    func issues(_ column: TemplateColumn, _ value: String, catalog: Catalog = .standard) -> [RowIssue] {
        RowValidator(catalog: catalog).validate(sampleRow(column, value)).issues
    }

    /// The normalised value of `column` after validating the sample row with it set to `value`.
    func normalised(_ column: TemplateColumn, _ value: String, catalog: Catalog = .standard) -> String {
        RowValidator(catalog: catalog).validate(sampleRow(column, value)).row[column]
    }

    @Test func sampleRowsAreValid() {
        for row in Template.sampleRows {
            let result = validator.validate(row)
            #expect(result.issues.isEmpty)
            #expect(result.row == row)
        }
    }

    @Test(arguments: [(TemplateColumn.firstName, "first name"), (.lastName, "last name")])
    func namesAreRequired(column: TemplateColumn, what: String) throws {
        let issues = issues(column, "")
        #expect(issues.map(\.column) == [column])
        #expect(issues.first?.reason.contains("required") == true)
        #expect(issues.first?.reason.contains(what) == true)
        #expect(self.issues(column, "Zoë-Ann O'Brien").isEmpty)
    }

    @Test(arguments: [
        ("Contact", "Contact"), ("Enterprise", "Enterprise"), ("Unassigned", "Unassigned"),
        ("contact", "Contact"), ("ENTERPRISE", "Enterprise"), ("eNtErPrIsE", "Enterprise"), ("unassigned", "Unassigned"),
        ("", "Unassigned"),
    ])
    func validLicenses(written: String, stored: String) {
        #expect(issues(.license, written).isEmpty)
        #expect(normalised(.license, written) == stored)
    }

    @Test(arguments: [("Premium", nil), ("Enterprize", "Enterprise"), ("Contacts", "Contact"), ("Enterprise Plus", "Enterprise"), ("None", nil)])
    func invalidLicenses(written: String, suggestion: String?) throws {
        let issue = try #require(issues(.license, written).first)
        #expect(issue.column == .license)
        #expect(issue.reason.contains("\"\(written)\" is not a license"), "\(issue)")
        #expect(issue.reason.contains("Contact, Enterprise or Unassigned"), "\(issue)")
        #expect(issue.reason.contains("did you mean") == (suggestion != nil), "\(issue)")
        if let suggestion { #expect(issue.reason.contains("did you mean \"\(suggestion)\"")) }
    }

    @Test(arguments: [
        ("1000", true), ("0042", true), ("7", true), ("", true), ("123456789012", true),
        ("12a4", false), ("-12", false), ("1 000", false), ("ext 1000", false), ("1000.0", false), ("+1000", false),
        ("１２３", false), ("٣٤", false), ("x", false),
    ])
    func extensionIsDigitsOnly(cell: String, valid: Bool) {
        let issues = issues(.extension, cell)
        #expect(issues.isEmpty == valid, "\(cell): \(issues)")
        #expect(issues.allSatisfy { $0.column == .extension && $0.reason.contains("digits only") })
    }

    @Test func extensionWithLettersSaysSo() throws {
        let issue = try #require(issues(.extension, "12a4").first)
        #expect(issue.description == "Extension: \"12a4\" has letters; write digits only (e.g. 124) or leave it empty")
    }

    @Test(arguments: [
        "bob@company.com", "Bob.Hawkins@Company.COM", "a+tag@sub.example.co.uk", "o'neil@example.ie", "x@a-b.io",
        "first_last@example.com", "1234@numbers.org", "a@b.cd", "user%ops@example.travel",
    ])
    func validEmails(email: String) {
        #expect(issues(.email, email).isEmpty, "\(email)")
        #expect(normalised(.email, email) == email, "the email is stored as written")
    }

    @Test(arguments: [
        ("bob", "has no @"), ("bob@", "invalid domain"), ("@company.com", "invalid part before the @"),
        ("bob@company", "invalid domain"), ("bob@@company.com", "exactly one @"), ("bob@a@company.com", "exactly one @"),
        ("bob smith@company.com", "space"), ("bob@company.c", "invalid domain"), ("bob@-company.com", "invalid domain"),
        ("bob@company-.com", "invalid domain"), (".bob@company.com", "before the @"), ("bob.@company.com", "before the @"),
        ("bo..b@company.com", "before the @"), ("josé@company.com", "non-ASCII"), ("bob@company.123", "invalid domain"),
        ("bob@company..com", "invalid domain"), ("bob@.company.com", "invalid domain"), ("bob(at)company.com", "has no @"),
        ("bob@company.com.", "invalid domain"), ("bob@comp_any.com", "invalid domain"),
    ])
    func invalidEmails(email: String, reason: String) throws {
        let issue = try #require(issues(.email, email).first, "\(email)")
        #expect(issue.column == .email)
        #expect(issue.reason.contains(reason), "\(email): \(issue)")
        #expect(issue.reason.contains("jane.doe@company.com"), "the fix shows an example")
    }

    @Test func emailIsRequired() throws {
        let issue = try #require(issues(.email, "").first)
        #expect(issue.column == .email)
        #expect(issue.reason.hasPrefix("required"))
    }

    @Test(arguments: [
        ("Agent", "Agent"), ("agent", "Agent"), ("ADMIN", "Admin"), ("supervisor", "Supervisor"), ("billing admin", "Billing Admin"),
        ("Inbound agent", "Inbound Agent"), ("LIMITED AGENT", "Limited Agent"),
    ])
    func builtInRoles(written: String, stored: String) {
        #expect(issues(.role, written).isEmpty)
        #expect(normalised(.role, written) == stored)
    }

    @Test(arguments: [("Team Lead", "Team Lead"), ("team lead", "Team Lead"), ("QA ANALYST", "QA Analyst"), ("agent", "Agent")])
    func customRoles(written: String, stored: String) {
        let catalog = Catalog(customRoles: ["Team Lead", "QA Analyst"])
        #expect(issues(.role, written, catalog: catalog).isEmpty)
        #expect(normalised(.role, written, catalog: catalog) == stored)
        if stored != "Agent" { #expect(!issues(.role, written).isEmpty, "unknown without the custom catalog") }
    }

    @Test(arguments: [("Agnet", "Agent"), ("Supervisr", "Supervisor"), ("Admn", "Admin"), ("Janitor", nil), ("Team Lead", nil)])
    func unknownRoles(written: String, suggestion: String?) throws {
        let issue = try #require(issues(.role, written).first)
        #expect(issue.column == .role)
        #expect(issue.reason.contains("\"\(written)\" is not a role"), "\(issue)")
        #expect(issue.reason.contains("Admin, Supervisor, Agent, Billing Admin, Inbound Agent, Limited Agent"), "\(issue)")
        #expect(issue.reason.contains("did you mean") == (suggestion != nil), "\(issue)")
        if let suggestion { #expect(issue.reason.contains("did you mean \"\(suggestion)\"")) }
    }

    @Test func roleIsRequired() throws {
        let issue = try #require(issues(.role, "").first)
        #expect(issue.column == .role)
        #expect(issue.reason.hasPrefix("required"))
    }

    @Test(arguments: [("US", "US"), ("us", "US"), ("Uk", "UK"), ("br", "BR"), ("uS", "US")])
    func knownDataCenters(written: String, stored: String) {
        #expect(issues(.dataCenter, written).isEmpty)
        #expect(normalised(.dataCenter, written) == stored)
    }

    @Test(arguments: [("USA", "US"), ("usa", "US"), ("US East", "US"), ("UKI", "UK"), ("DE", nil), ("", nil), ("EU", nil)])
    func unknownDataCenters(written: String, suggestion: String?) throws {
        let issue = try #require(issues(.dataCenter, written).first)
        #expect(issue.column == .dataCenter)
        #expect(issue.reason.contains("US (US East), UK, BR"), "\(issue)")
        if written.isEmpty { #expect(issue.reason.hasPrefix("required")) }
        #expect(issue.reason.contains("did you mean") == (suggestion != nil), "\(issue)")
        if let suggestion { #expect(issue.reason.contains("did you mean \(suggestion)?"), "\(issue)") }
    }

    @Test(arguments: [("de", "DE", true), ("DE", "DE", true), ("US", "US", true), ("BR", "BR", false), ("Frankfurt", "Frankfurt", false)])
    func customDataCenters(written: String, stored: String, valid: Bool) throws {
        let catalog = Catalog(dataCenters: ["US": "US East", "DE": "Frankfurt"])
        let issues = issues(.dataCenter, written, catalog: catalog)
        #expect(issues.isEmpty == valid, "\(written): \(issues)")
        if valid { #expect(normalised(.dataCenter, written, catalog: catalog) == stored) }
        if written == "Frankfurt" { #expect(issues.first?.reason.contains("did you mean DE?") == true) }
    }

    @Test(arguments: TemplateColumn.allCases)
    func lineBreaksFailTheCell(column: TemplateColumn) throws {
        let issues = validator.validate(sampleRow(), lineBreaks: [column]).issues
        #expect(issues.map(\.column) == [column])
        #expect(issues.first?.reason.contains("line break") == true)
        #expect(issues.first?.reason.contains("no paragraphs in cells") == true)
    }

    @Test func everyReasonIsCollected() {
        let row = TemplateRow(firstName: "Bob", lastName: "Hawkins", license: "Gold", extension: "12a",
                              email: "bob", role: "Agnet", dataCenter: "US")
        let issues = validator.validate(row).issues
        #expect(issues.map(\.column) == [.license, .extension, .email, .role])
    }

    @Test func anEmptyRowFailsEveryRequiredColumn() {
        let issues = validator.validate(TemplateRow()).issues
        #expect(issues.map(\.column) == [.firstName, .lastName, .email, .role, .dataCenter])
    }

    @Test func issueDescriptionNamesTheColumn() {
        #expect(RowIssue(.email, "required").description == "Email Address: required")
        #expect(RowIssue(nil, "a quote is never closed").description == "a quote is never closed")
    }
}
