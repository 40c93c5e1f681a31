public import Logging
import Synchronization

/// Keeps every message logged through its loggers, for tests that check what was logged.
public final class LogCapture: Sendable {
    /// One logged message with its metadata as text.
    public struct Entry: Sendable, Equatable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let kept = Mutex<[Entry]>([])

    /// An empty capture.
    public init() {}

    /// Everything logged so far, in order.
    public var entries: [Entry] { kept.withLock { $0 } }

    /// A logger at `level` whose messages this capture keeps.
    public func logger(label: String, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func keep(_ entry: Entry) { kept.withLock { $0.append(entry) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel = Logger.Level.trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.keep(Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
