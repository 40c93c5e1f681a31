import ArgumentParser
import Foundation
import Logging

/// `--log-level`, accepted by every command.
struct LoggingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Least severe log message written to stderr: trace, debug, info, notice, warning, error or critical (default: warning; info for serve).",
        valueName: "level"))
    var logLevel: LogLevel?
}

/// The levels `--log-level` accepts, least severe first.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    /// The swift-log level of the same name.
    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .warning }
}

/// How log lines are written.
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// `TIME LEVEL label: message key=value …`, for people.
    case text
    /// One JSON object a line with `time`, `level`, `label`, `message` and `metadata`, for collectors.
    case json
}

/// A command whose logging the entry point sets up before running it.
protocol LoggingCommand {
    /// The `--log-level` option.
    var logging: LoggingOptions { get }
    /// The level when `--log-level` is not given.
    var defaultLogLevel: Logger.Level { get }
    /// The line format.
    var logFormat: LogFormat { get }
}

extension LoggingCommand {
    var defaultLogLevel: Logger.Level { .warning }
    var logFormat: LogFormat { .text }
}

extension TemplateCommand: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension ImportCommand: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension SyncCommand: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension MapCommand: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension ReportCommand: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension UsersCommand.List: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension RunsCommand.List: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension ConnectorsCommand.Check: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension ConnectorsCommand.List: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension ScheduleCommand.Next: LoggingCommand { var logging: LoggingOptions { global.logging } }
extension ServeCommand: LoggingCommand {
    var logging: LoggingOptions { global.logging }
    var defaultLogLevel: Logger.Level { .info }
}

/// Routes every `Logger` of the process to stderr, once, at the chosen level and format.
enum LogOutput {
    /// Bootstraps the logging system for `command` (warning and text for commands without options).
    static func bootstrap(for command: any ParsableCommand) {
        let logged = command as? any LoggingCommand
        let level = logged.map { $0.logging.logLevel?.level ?? $0.defaultLogLevel } ?? .warning
        let format = logged?.logFormat ?? .text
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, level: level, format: format) }
    }
}

/// Writes each message as one line on stderr, in text or JSON.
struct StderrLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level, format: LogFormat) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
        let line = switch format {
        case .text: Self.textLine(time: time, level: event.level, label: label, message: "\(event.message)", metadata: merged)
        case .json: Self.jsonLine(time: time, level: event.level, label: label, message: "\(event.message)", metadata: merged)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `TIME LEVEL label: message key=value …`, keys sorted.
    static func textLine(time: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ([time, level.rawValue, "\(label):", message] + pairs).joined(separator: " ")
    }

    /// `{"time":…,"level":…,"label":…,"message":…,"metadata":{…}}` on one line.
    static func jsonLine(time: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        let object: [String: Any] = [
            "time": time, "level": level.rawValue, "label": label, "message": message, "metadata": metadata.mapValues(jsonValue),
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return #"{"level":"error","label":"rostersync","message":"a log message could not be written as JSON"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): items.map(jsonValue)
        case .dictionary(let members): members.mapValues(jsonValue)
        }
    }
}
