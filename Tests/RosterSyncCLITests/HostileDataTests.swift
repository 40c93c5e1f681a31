import Foundation
import RosterCore
import Testing

/// `rostersync import` with bad bytes and hostile cells: exit code 1 for the rows to blame,
/// never a silently corrupted roster, and a fix-and-reimport loop that gives back what was meant.
@Suite struct HostileDataTests {
    @Test func aStrayByteFailsItsRowAndKeepsTheAccents() async throws {
        try await Workspace.with { workspace async throws in
            var bytes = Array((Template.headers.joined(separator: ",") + "\r\n").utf8)
            for number in 2...200 {
                let last = number == 150 ? Array("Ren".utf8) + [0xE9] : Array("Müller".utf8)
                bytes += Array("Zoë,".utf8) + last + Array(",,,u\(number)@company.com,Agent,US\r\n".utf8)
            }
            let result = try await workspace.run(["import", try workspace.write("mixed.csv", bytes: bytes), "--json"])
            #expect(result.status == 1, "\(result)")
            let json = try result.json()
            #expect(counts(json) == [199, 198, 0, 0, 1])
            #expect(try await workspace.user("u2@company.com")?["firstName"] as? String == "Zoë")
            #expect(try await workspace.user("u200@company.com")?["lastName"] as? String == "Müller")
            let report = try String(contentsOfFile: try #require(json["report"] as? String), encoding: .utf8)
            #expect(report.contains(",150,\"Last Name: the cell has bytes that are not UTF-8"), "\(report)")

            let unfixed = try await workspace.run(["import", try #require(json["report"] as? String), "--json"])
            #expect(unfixed.status == 1, "the report imported without retyping the cell fails again: \(unfixed)")
            #expect(try await workspace.user("u150@company.com") == nil)
        }
    }

    @Test func aStrayByteInAMappedFileFailsItsRowWithTheFilesColumn() async throws {
        try await Workspace.with { workspace async throws in
            var bytes = Array(try String(contentsOfFile: MapCLI.path("examples/crm-export.csv"), encoding: .utf8).utf8)
            bytes += Array("Zoe,M".utf8) + [0xFC] + Array("ller,zoe@example.com,,Inbound,London,Full,uk-1\n".utf8)
            let input = try workspace.write("crm.csv", bytes: bytes)
            let result = try await workspace.run(["import", input, "--mapping", MapCLI.path("mappings/custom-columns-csv.yaml"), "--json"])
            #expect(result.status == 1, "\(result)")
            let json = try result.json()
            #expect(counts(json) == [6, 5, 0, 0, 1])
            #expect(try await workspace.user("joao.silva@example.com.br")?["firstName"] as? String == "João")
            let report = try String(contentsOfFile: try #require(json["report"] as? String), encoding: .utf8)
            #expect(report.contains("Surname: the cell has bytes that are not UTF-8"), "\(report)")
        }
    }

    @Test func guardedCellsComeBackAsWrittenAfterAFix() async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.writeRows("in.csv", [
                row("-Ann", "Lee", "", "", "-a@example.com", "Agnet", "US"),
                row("Bo", "Ray", "", "", "=b@example.com", "Agnet", "US"),
            ])
            let first = try await workspace.run(["import", input, "--json"])
            #expect(first.status == 1, "\(first)")
            let reportPath = try #require(try first.json()["report"] as? String)
            let report = try String(contentsOfFile: reportPath, encoding: .utf8)
            #expect(report.contains("'-Ann,Lee,,,'-a@example.com,Agnet,US,2,"), "\(report)")
            #expect(report.contains("Bo,Ray,,,'=b@example.com,Agnet,US,3,"), "\(report)")
            try Data(report.replacingAll(",Agnet,", with: ",Agent,").utf8).write(to: URL(fileURLWithPath: reportPath))

            let again = try await workspace.run(["import", reportPath, "--json"])
            #expect(again.status == 0, "\(again)")
            #expect(counts(try again.json()) == [2, 2, 0, 0, 0])
            #expect(try await workspace.user("-a@example.com")?["firstName"] as? String == "-Ann")
            #expect(try await workspace.user("=b@example.com") != nil)
            #expect(try await workspace.users().count == 2, "no user under a guarded address")
        }
    }

    @Test func hostileCellsFailWithTheirColumn() async throws {
        try await Workspace.with { workspace async throws in
            let input = try workspace.writeRows("in.csv", [
                bob,
                row("=HYPERLINK(\"http://x\",\"y\")", "Lee", "", "", "ann@company.com", "Agent", "US"),
                row("\u{200B}", "\u{A0}", "", "", "cy@company.com", "Agent", "US"),
                row("Di\u{1B}[2J", "Ng", "", "", "di@company.com", "Agent", "US"),
                row(String(repeating: "E", count: 101), "Fu", "", "", "ed@company.com", "Agent", "US"),
            ])
            let result = try await workspace.run(["import", input, "--json"])
            #expect(result.status == 1, "\(result)")
            #expect(counts(try result.json()) == [5, 1, 0, 0, 4])
            let report = try String(contentsOfFile: try #require(try result.json()["report"] as? String), encoding: .utf8)
            for expected in [
                "First Name: \"\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\" starts with = and would run as a formula",
                "First Name: required; the cell holds only invisible characters",
                "Last Name: required; the cell holds only invisible characters",
                "First Name: the cell holds the control character U+001B",
                "First Name: the cell is longer than 100 characters",
            ] {
                #expect(report.contains(expected), "\(expected) in \(report)")
            }
            #expect(try await workspace.users().count == 1)
        }
    }
}
