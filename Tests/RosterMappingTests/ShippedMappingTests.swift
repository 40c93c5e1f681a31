import Foundation
import RosterMapping
import Testing

/// The repository's `mappings/` folder, found from this file's location.
let mappingsDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("mappings")

let shippedMappingFiles = [
    "microsoft-graph-users.yaml", "google-directory-users.yaml", "salesforce-user.yaml", "hubspot-owners.yaml",
    "dynamics-systemusers.yaml", "zendesk-users.yaml", "freshdesk-agents.yaml", "servicenow-sys_user.yaml",
    "custom-columns-csv.yaml",
]

@Suite struct ShippedMappingTests {
    @Test(arguments: shippedMappingFiles)
    func shippedFileLoadsAndItsTestsPass(file: String) throws {
        let path = mappingsDirectory.appendingPathComponent(file).path
        let mapping: Mapping
        do {
            mapping = try MappingFile.load(path: path)
        } catch {
            Issue.record("\(error)")
            return
        }
        #expect(mapping.tests.count >= 2)
        for result in mapping.runTests() {
            #expect(result.passed, "\(file):\(result.line) \(result.name): \(result.mismatches)")
        }
    }

    @Test func everyYAMLFileInMappingsIsShipped() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: mappingsDirectory.path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(Set(files) == Set(shippedMappingFiles))
    }
}
