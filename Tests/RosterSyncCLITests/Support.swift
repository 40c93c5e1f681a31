import Foundation
import RosterCore
import RosterTesting

/// The `rostersync` binary built next to this test bundle: the products directory holding the
/// running test executable, or one of its parents.
let rostersyncBinary: URL? = {
    let fileManager = FileManager.default
    let starts = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath(), Bundle.main.bundleURL]
    for start in starts {
        var directory = start.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("rostersync")
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               fileManager.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
    }
    return nil
}()

/// What one run of the binary printed and how it ended.
struct CommandResult: CustomStringConvertible {
    var status: Int32
    var reason: Process.TerminationReason
    var stdout: String
    var stderr: String
    var stdoutData: Data

    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// stdout parsed as one JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: stdoutData) as? [String: Any] else {
            throw CLIError("stdout is not a JSON object: \(stdout)")
        }
        return object
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A UUID working directory with its own SQLite file, where the binary runs.
final class Workspace: Sendable {
    let directory: URL
    let binary: URL

    init() throws {
        guard let binary = rostersyncBinary else { throw CLIError("rostersync binary not found beside \(CommandLine.arguments[0]); run `swift build` first") }
        self.binary = binary
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Runs `body` in a fresh workspace, removed afterwards.
    static func with<T>(_ body: (Workspace) async throws -> T) async throws -> T {
        let workspace = try Workspace()
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        return try await body(workspace)
    }

    var database: String { path("roster.sqlite") }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes `text` (UTF-8) to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, bytes: Array(text.utf8)) }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    /// A template CSV of `rows` (cells written as given, CRLF).
    @discardableResult
    func writeRows(_ name: String, _ rows: [[String]], header: [String] = Template.headers) throws -> String {
        try write(name, (([header] + rows).map { $0.map(quoted).joined(separator: ",") } + [""]).joined(separator: "\r\n"))
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    /// Starts `rostersync ARGS --db roster.sqlite` in the workspace; stdout and stderr go to files.
    /// `environment` is added to the test's own. `onExit` is installed before the process starts,
    /// so it cannot miss a quick exit. `input` is its stdin (empty when `nil`).
    func start(_ arguments: [String], database: Bool = true, environment: [String: String] = [:], input: String? = nil,
               onExit: (@Sendable () -> Void)? = nil) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = binary
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.arguments = arguments + (database ? ["--db", self.database] : [])
        process.currentDirectoryURL = directory
        let id = UUID().uuidString
        let out = directory.appendingPathComponent(".out-\(id)"), err = directory.appendingPathComponent(".err-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input {
            let file = directory.appendingPathComponent(".in-\(id)")
            try Data(input.utf8).write(to: file)
            process.standardInput = try FileHandle(forReadingFrom: file)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        if let onExit { process.terminationHandler = { _ in onExit() } }
        try process.run()
        return (process, out, err)
    }

    /// Runs `rostersync ARGS --db roster.sqlite` to the end.
    func run(_ arguments: [String], database: Bool = true, environment: [String: String] = [:], input: String? = nil) async throws -> CommandResult {
        let (process, out, err) = try await withCheckedThrowingContinuation { continuation in
            // Exactly one side resumes: whichever of "started" and "exited" comes second under the lock.
            let state = Locked<(handles: (Process, URL, URL)?, exited: Bool)>((nil, false))
            do {
                let handles = try start(arguments, database: database, environment: environment, input: input) {
                    let handles = state.withLock { state in
                        state.exited = true
                        return state.handles
                    }
                    if let handles { continuation.resume(returning: handles) }
                }
                let exited = state.withLock { state in
                    state.handles = handles
                    return state.exited
                }
                if exited { continuation.resume(returning: handles) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
        return try collect(process, out, err)
    }

    func collect(_ process: Process, _ out: URL, _ err: URL) throws -> CommandResult {
        let stdout = try Data(contentsOf: out), stderr = try Data(contentsOf: err)
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return CommandResult(status: process.terminationStatus, reason: process.terminationReason,
                             stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
                             stdoutData: stdout)
    }

    /// The stored users as `users list --format json` shows them.
    func users() async throws -> [[String: Any]] {
        let result = try await run(["users", "list", "--format", "json"])
        guard result.status == 0 else { throw CLIError("users list failed: \(result)") }
        return try result.json()["users"] as? [[String: Any]] ?? []
    }

    /// The stored user with `email`, as JSON.
    func user(_ email: String) async throws -> [String: Any]? {
        try await users().first { ($0["email"] as? String)?.lowercased() == email.lowercased() }
    }
}

private func quoted(_ cell: String) -> String {
    cell.utf8.contains(where: { [0x2C, 0x22, 0x0D, 0x0A].contains($0) }) ? "\"" + cell.replacingAll("\"", with: "\"\"") + "\"" : cell
}

/// A template row from its seven cells in template order.
func row(_ first: String, _ last: String, _ license: String, _ ext: String, _ email: String, _ role: String, _ center: String) -> [String] {
    [first, last, license, ext, email, role, center]
}

let bob = row("Bob", "Hawkins", "Enterprise", "1000", "bob@company.com", "Agent", "US")
let drew = row("Andrew", "Davis", "Enterprise", "1001", "drew@company.com", "Supervisor", "BR")
let barb = row("Barbara", "Kingston", "Enterprise", "1002", "barb@company.com", "Admin", "UK")

/// The JSON counts of an import, in the order rows, created, updated, unchanged, failed.
func counts(_ object: [String: Any]) -> [Int] {
    ["rows", "created", "updated", "unchanged", "failed"].map { object[$0] as? Int ?? -1 }
}
