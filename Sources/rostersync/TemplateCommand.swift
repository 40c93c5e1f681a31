import ArgumentParser
import Foundation
import RosterCore
import RosterEngine

/// `rostersync template [--output F]`: the import template with the three sample rows.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "template", abstract: "Write the user-import template CSV with sample rows.")

    @Option(help: "Write to this file instead of stdout (a new or regular file; never the store).")
    var output: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let text = CSVWriter.document(header: Template.headers, rows: Template.sampleRows.map(\.cells))
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        try OutputFile.write(Data(text.utf8), to: output, protecting: global.storeFiles(), replaceExisting: true)
        Output.error("wrote the template to \(output)")
    }
}
