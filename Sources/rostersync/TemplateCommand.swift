import ArgumentParser
import Foundation
import RosterCore

/// `rostersync template [--output F]`: the import template with the three sample rows.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "template", abstract: "Write the user-import template CSV with sample rows.")

    @Option(help: "Write to this file instead of stdout.")
    var output: String?

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let text = CSVWriter.document(header: Template.headers, rows: Template.sampleRows.map(\.cells))
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
            throw UsageError(message: "cannot write \(output); check that the folder exists and is writable")
        }
        Output.error("wrote the template to \(output)")
    }
}
