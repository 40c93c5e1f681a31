import Foundation
import RosterConnectors
import Testing

@Suite struct ConnectorDirectoryTests {
    @Test func shippedDirectoryLoadsEveryFileWithDocumentedTypeNames() throws {
        let entries = try ConnectorFile.loadDirectory("\(repositoryRoot)/connectors/")
        #expect(entries.count == 9)
        #expect(entries.map(\.path) == entries.map(\.path).sorted() && entries.allSatisfy { !$0.path.contains("//") })
        for entry in entries {
            let spec = try entry.result.get()
            #expect(AuthSpec.typeNames.contains(spec.auth.typeName))
            for stream in spec.streams {
                #expect(PaginatorSpec.typeNames.contains(stream.paginator.kind.typeName))
                if let incremental = stream.incremental { #expect(IncrementalSpec.typeNames.contains(incremental.typeName)) }
            }
        }
    }

    @Test func missingDirectoryIsOneDiagnostic() {
        let error = #expect(throws: ConnectorFileError.self) { try ConnectorFile.loadDirectory("/nonexistent-\(UUID().uuidString)") }
        #expect(error?.diagnostics.count == 1 && error?.description.contains("ensure the directory exists") == true)
    }
}
