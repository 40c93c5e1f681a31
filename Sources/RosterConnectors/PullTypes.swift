public import RosterCore

/// One record from a source: its identifier and the JSON value the mapping reads.
public struct SourceRecord: Sendable, Hashable {
    /// The record's `id:` field as text (numbers without a fraction).
    public var id: String
    /// The whole record.
    public var value: JSONValue

    /// Creates a record.
    public init(id: String, value: JSONValue) {
        self.id = id
        self.value = value
    }
}

/// One page handed to the caller; the engine maps and stores it before the next is fetched.
public struct PullPage: Sendable, Equatable {
    /// 1-based page number within this pull.
    public var number: Int
    /// Records on this page (empty for CSV streams).
    public var records: [SourceRecord]
    /// Ids reported as removed (Graph delta `@removed`).
    public var removedIDs: [String]
    /// For `kind: csv` streams: the whole document, bytes as received; `nil` for JSON streams.
    public var rawBody: [UInt8]?

    /// Creates a page.
    public init(number: Int, records: [SourceRecord], removedIDs: [String] = [], rawBody: [UInt8]? = nil) {
        self.number = number
        self.records = records
        self.removedIDs = removedIDs
        self.rawBody = rawBody
    }
}

/// Change-pull state to persist between runs (a Graph delta link or an updated-since cursor).
public struct IncrementalState: Sendable, Codable, Hashable {
    /// Graph `@odata.deltaLink` from the last page of the previous pull.
    public var deltaLink: String?
    /// The largest `updated_since` value seen, or the previous pull's start time.
    public var cursor: String?

    /// Creates a state.
    public init(deltaLink: String? = nil, cursor: String? = nil) {
        self.deltaLink = deltaLink
        self.cursor = cursor
    }
}

/// How a pull ended. A pull that did not reach the last page throws ``PullError`` instead.
public struct PullOutcome: Sendable, Equatable {
    /// Pages delivered.
    public var pages: Int
    /// Records delivered.
    public var records: Int
    /// Removed ids delivered.
    public var removed: Int
    /// True when the last page was reached (always, for a returned outcome).
    public var isComplete: Bool
    /// True when this pull saw every record (no state given, or a full pull was forced); only
    /// then may the engine treat records it did not see as gone.
    public var isFullPull: Bool
    /// True when stored state was rejected (Graph 410) and the pull started over in full.
    public var fullPullForced: Bool
    /// The state to store for the next incremental pull, if the stream supports one.
    public var newState: IncrementalState?

    /// Creates an outcome.
    public init(pages: Int, records: Int, removed: Int, isComplete: Bool, isFullPull: Bool, fullPullForced: Bool, newState: IncrementalState?) {
        self.pages = pages
        self.records = records
        self.removed = removed
        self.isComplete = isComplete
        self.isFullPull = isFullPull
        self.fullPullForced = fullPullForced
        self.newState = newState
    }
}

/// A pull that failed before its last page. Nothing may be deactivated on the strength of it.
///
/// The description names job, connector, stream, stage, status and redacted URL; it never
/// contains a token, secret or query string.
public struct PullError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the pull it failed.
    public enum Stage: Sendable, Equatable, CustomStringConvertible {
        /// Getting a token.
        case auth
        /// Fetching page N (1-based).
        case page(Int)
        /// Reading the body of page N.
        case parse(Int)
        /// Before any request (e.g. an unknown stream).
        case setup

        public var description: String {
            switch self {
            case .auth: "auth"
            case .page(let number): "page \(number)"
            case .parse(let number): "parse of page \(number)"
            case .setup: "setup"
            }
        }
    }

    /// The job, if the connector was resolved for one.
    public var job: String?
    /// Connector name.
    public var connector: String
    /// Stream name.
    public var stream: String
    /// Where it failed.
    public var stage: Stage
    /// HTTP status, when a response came back.
    public var status: Int?
    /// True when running again later may succeed (throttling, outage, network).
    public var retryable: Bool
    /// URL without userinfo or query.
    public var redactedURL: String?
    /// What went wrong and what to do; scrubbed of secrets.
    public var message: String
    /// Pages delivered before the failure (they must not be treated as a complete roster).
    public var pagesDelivered: Int

    /// Creates an error.
    public init(job: String?, connector: String, stream: String, stage: Stage, status: Int?, retryable: Bool,
                redactedURL: String?, message: String, pagesDelivered: Int) {
        self.job = job
        self.connector = connector
        self.stream = stream
        self.stage = stage
        self.status = status
        self.retryable = retryable
        self.redactedURL = redactedURL
        self.message = message
        self.pagesDelivered = pagesDelivered
    }

    public var description: String {
        var text = job.map { "job '\($0)': " } ?? ""
        text += "pull from connector '\(connector)' stream '\(stream)' failed at \(stage)"
        if let status { text += " with HTTP \(status)" }
        if let redactedURL { text += " (\(redactedURL))" }
        text += ": \(message)"
        text += retryable ? " [retryable]" : " [not retryable]"
        return text
    }
}
