import ArgumentParser
import Foundation
import RosterCore
import RosterEngine
import RosterMapping

/// `rostersync map --mapping F (--input RECORDS | --test) [--json]`: preview a mapping file on
/// sample records, or run its own `tests:`.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map", abstract: "Preview rows from sample records through a mapping file, or run its tests.",
        discussion: """
            --input takes a CSV file with a header row (.csv; rows numbered as a spreadsheet shows them, header = 1), \
            a JSON array of records, a vendor response page (records under value, users, records, results, …) or JSON \
            lines (.jsonl or .ndjson, streamed line by line). --test exits 1 when any test fails. A mapping file with \
            errors, or input that cannot be read, exits 2.
            """)

    @Option(help: "The mapping file (mappings/*.yaml).")
    var mapping: String

    @Option(help: "Sample records to map: CSV (.csv), JSON array, response page or JSON lines (.jsonl/.ndjson).")
    var input: String?

    @Flag(help: "Run the mapping file's tests: instead of previewing records.")
    var test = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if global.db != nil { throw ValidationError("map does not use a store; remove --db") }
        if input != nil && test { throw ValidationError("give either --input RECORDS or --test, not both") }
        if input == nil && !test { throw ValidationError("give --input RECORDS to preview sample records, or --test to run the mapping's tests:") }
    }

    func run() throws {
        let loaded = try MappingFile.load(path: mapping)
        if test {
            let results = loaded.runTests()
            global.json ? Output.json(MapRendering.testsJSON(results)) : print(MapRendering.testsText(results, file: mapping))
            if results.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.rowsFailed) }
        } else if let input {
            let catalog = try RosterConfig.load(path: global.config ?? "rostersync.yaml", required: global.config != nil).catalog
            let rows = try Self.previewRows(loaded, input: input, catalog: catalog)
            if global.json {
                Output.json(["rows": rows.map(MapRendering.rowJSON)])
            } else {
                print(MapRendering.table(rows, attributeNames: loaded.attributeNames, showsID: loaded.declaresID))
            }
        }
    }
}

extension MapCommand {
    /// Rows for `input`: a `.csv` file is read as `import --mapping` reads it, a
    /// `.jsonl`/`.ndjson` file line by line, anything else whole as sample records.
    static func previewRows(_ mapping: Mapping, input: String, catalog: Catalog) throws -> [PreviewRow] {
        let lowercased = input.lowercased()
        if lowercased.hasSuffix(".csv") || lowercased.hasSuffix(".tsv") || lowercased.hasSuffix(".txt") {
            return try mapping.previewCSV(path: input, file: (input as NSString).lastPathComponent, catalog: catalog)
        }
        guard lowercased.hasSuffix(".jsonl") || lowercased.hasSuffix(".ndjson") else {
            return mapping.preview(try SampleRecords.load(path: input), catalog: catalog)
        }
        var source = try FileByteSource(path: input)
        return try mapping.previewJSONLines(from: &source, file: input, catalog: catalog)
    }
}

/// How `map` shows previews and test results.
enum MapRendering {
    static func rowJSON(_ row: PreviewRow) -> [String: Any] {
        [
            "index": row.index, "externalID": Output.nullable(row.externalID), "filteredOut": row.isFilteredOut,
            "row": Dictionary(uniqueKeysWithValues: zip(Template.headers, row.row.cells)),
            "attributes": Dictionary(row.attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
            "valid": row.isValid, "errors": row.errors,
        ]
    }

    static func table(_ rows: [PreviewRow], attributeNames: [String], showsID: Bool) -> String {
        let header = ["#"] + (showsID ? ["ID"] : []) + Template.headers + attributeNames + ["Verdict"]
        let lines = rows.map { row in
            let verdict = row.isFilteredOut ? "filtered out" : row.errors.isEmpty ? "OK" : row.errors.joined(separator: "; ")
            return [String(row.index)] + (showsID ? [row.externalID ?? ""] : []) + row.row.cells
                + attributeNames.map { name in row.attributes.first { $0.name == name }?.value ?? "" } + [verdict]
        }
        let valid = rows.count(where: \.isValid), filtered = rows.count(where: \.isFilteredOut)
        return Output.table(header: header, rows: lines)
            + "\n\(Output.count(rows.count, "record")): \(valid) OK, \(rows.count - valid - filtered) with errors, \(filtered) filtered out"
    }

    static func testsText(_ results: [MappingTestResult], file: String) -> String {
        var lines: [String] = []
        for result in results {
            lines.append("\(result.passed ? "PASS" : "FAIL") \(result.name) (\(file):\(result.line))")
            for mismatch in result.mismatches {
                lines.append("     \(mismatch.column): expected '\(mismatch.expected)', got '\(mismatch.got)'")
            }
        }
        let failed = results.count(where: { !$0.passed })
        lines.append(results.isEmpty
            ? "\(file) has no tests:; add sample records and the rows they must give (see mappings/README.md)"
            : "\(results.count - failed) passed, \(failed) failed")
        return lines.joined(separator: "\n")
    }

    static func testsJSON(_ results: [MappingTestResult]) -> [String: Any] {
        let failed = results.count(where: { !$0.passed })
        return [
            "passed": results.count - failed, "failed": failed,
            "tests": results.map { result in
                [
                    "name": result.name, "line": result.line, "passed": result.passed,
                    "mismatches": result.mismatches.map { ["column": $0.column, "expected": $0.expected, "got": $0.got] },
                ] as [String: Any]
            },
        ]
    }
}
