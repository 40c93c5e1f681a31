import Dispatch
import Foundation
public import RosterConnectors
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests, mock vendors and the benchmark.
///
/// It binds an ephemeral port, accepts on one thread and serves each connection on its own thread
/// with keep-alive (requests and responses framed by Content-Length; chunked request bodies are
/// refused with 501). Every request goes to `handler`, whose ``HTTPResponse`` is sent with a
/// Content-Length the server computes; the body goes out in one send loop, so megabyte pages cost
/// one copy. Return ``HTTPResponse/hangWithoutAnswer`` or ``HTTPResponse/closeWithoutAnswer`` to
/// exercise timeouts and dropped connections.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in HTTPResponse(status: 200, body: Array("hi".utf8)) }
/// defer { server.stop() }
/// let response = try await http.send(HTTPRequest(url: server.baseURL + "/v1.0/users?$top=999"))
/// ```
///
/// The `HTTPRequest` the handler receives carries the request target as `url` (for example
/// `/v1.0/users?$top=999`), the method, headers in order, and the body (nil when empty).
public final class LoopbackHTTPServer: Sendable {
    /// Answers one request. It must return; to stall a client, return ``HTTPResponse/hangWithoutAnswer``.
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    /// The port the server listens on.
    public let port: Int
    private let core: ServerCore

    /// Binds 127.0.0.1 on an ephemeral port and starts accepting.
    /// - Parameters:
    ///   - lifetime: the server stops by itself after this long, so a forgotten server cannot outlive its test run.
    ///   - handler: answers every request.
    /// - Throws: ``LoopbackServerError`` when a socket call fails.
    public init(lifetime: Duration = .seconds(120), handler: @escaping Handler) throws {
        let listener = try bindLoopbackListener()
        port = listener.port
        core = ServerCore(listener: listener.fd, handler: handler)
        core.startAccepting()
        let seconds = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak core] in core?.stop() }
    }

    deinit { core.stop() }

    /// `http://127.0.0.1:<port>`, to which request targets are appended.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// TCP connections accepted so far.
    public var connectionsAccepted: Int { core.state.withLock { $0.connectionsAccepted } }
    /// Requests answered with a response so far, counted just before the response is sent
    /// (hung and closed ones are not counted).
    public var requestsServed: Int { core.state.withLock { $0.requestsServed } }

    /// Closes the listener (new connections are refused once this returns) and every open connection.
    /// Safe to call more than once.
    public func stop() { core.stop() }
}

/// A socket call of ``LoopbackHTTPServer`` failed.
public struct LoopbackServerError: Error, CustomStringConvertible {
    /// The failing call, such as `bind`.
    public let call: String
    /// `errno` right after the call.
    public let code: Int32

    init(call: String) {
        self.call = call
        code = errno
    }

    /// Says which call failed and why.
    public var description: String { "loopback server: \(call) failed: \(String(cString: strerror(code)))" }
}

extension HTTPResponse {
    /// Tells ``LoopbackHTTPServer`` to send nothing and keep the connection open until the client
    /// gives up or the server stops (for timeout and cancellation tests).
    public static let hangWithoutAnswer = HTTPResponse(status: -1)
    /// Tells ``LoopbackHTTPServer`` to close the connection without answering.
    public static let closeWithoutAnswer = HTTPResponse(status: -2)
}

/// The server's shared state; the accept thread and the connection threads hold it.
private final class ServerCore: Sendable {
    struct State {
        var stopped = false
        var connections: Set<Int32> = []
        var connectionsAccepted = 0
        var requestsServed = 0
    }

    let state = Mutex(State())
    let listener: Int32
    let handler: LoopbackHTTPServer.Handler
    private let acceptLoopDone = DispatchGroup()

    init(listener: Int32, handler: @escaping LoopbackHTTPServer.Handler) {
        self.listener = listener
        self.handler = handler
    }

    func startAccepting() {
        acceptLoopDone.enter()
        Thread { [self] in
            defer { close(listener); acceptLoopDone.leave() }
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0, errno == EINTR { continue }
                guard connection >= 0 else { return }  // shut down by stop()
                let admitted = state.withLock { state in
                    guard !state.stopped else { return false }
                    state.connections.insert(connection)
                    state.connectionsAccepted += 1
                    return true
                }
                guard admitted else { close(connection); return }
                var one: Int32 = 1
                setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                #if canImport(Darwin)
                setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
                #endif
                Thread { [self] in serve(connection) }.start()
            }
        }.start()
    }

    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            // shutdown() wakes the threads blocked in accept/recv; each closes its own descriptor, so
            // no descriptor number is closed while another thread may still use it.
            shutdown(listener, Int32(SHUT_RDWR))
            for connection in state.connections { shutdown(connection, Int32(SHUT_RDWR)) }
        }
        acceptLoopDone.wait()
    }

    /// Serves requests on one connection until the client closes it, a response asks to close, or stop().
    private func serve(_ connection: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        var reader = RequestReader(connection: connection)
        while let incoming = reader.next() {
            guard case .request(let request, let wantsClose) = incoming else {
                _ = sendAll(connection, encode(HTTPResponse(status: 501), closing: true))
                return
            }
            let response = answer(request)
            switch response.status {
            case HTTPResponse.hangWithoutAnswer.status:
                while reader.readMore() {}
                return
            case HTTPResponse.closeWithoutAnswer.status:
                return
            default:
                let closing = wantsClose || response.header("Connection")?.lowercased() == "close"
                // Counted before sending, so a client that has its response always sees the count.
                state.withLock { $0.requestsServed += 1 }
                guard sendAll(connection, encode(response, closing: closing)), !closing else { return }
            }
        }
    }

    /// Runs the async handler from this connection thread, which blocks until it returns.
    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        let result = ResponseSlot()
        let done = DispatchSemaphore(value: 0)
        Task { [handler] in
            let response = await handler(request)
            result.value.withLock { $0 = response }
            done.signal()
        }
        done.wait()
        return result.value.withLock { $0 } ?? HTTPResponse(status: 500)
    }
}

private final class ResponseSlot: Sendable {
    let value = Mutex<HTTPResponse?>(nil)
}

/// Status line, headers (the handler's, minus framing ones) and body, in one buffer.
private func encode(_ response: HTTPResponse, closing: Bool) -> [UInt8] {
    var head = "HTTP/1.1 \(response.status) \(reasonPhrases[response.status] ?? "Status")\r\n"
    for (name, value) in response.headers {
        let key = name.lowercased()
        if key == "content-length" || key == "transfer-encoding" || key == "connection" { continue }
        head += "\(name): \(value)\r\n"
    }
    head += "Content-Length: \(response.body.count)\r\n\(closing ? "Connection: close\r\n" : "")\r\n"
    var bytes = Array(head.utf8)
    bytes.reserveCapacity(bytes.count + response.body.count)
    bytes.append(contentsOf: response.body)
    return bytes
}

private let reasonPhrases: [Int: String] = [
    200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
    307: "Temporary Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
]


/// Reads requests off one connection, keeping bytes that arrive early for the next request.
private struct RequestReader {
    enum Incoming {
        case request(HTTPRequest, wantsClose: Bool)
        /// A method other than GET/POST, a chunked body or a malformed head.
        case unsupported
    }

    let connection: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(connection: Int32) { self.connection = connection }

    /// Appends whatever arrives next; false at end of stream or on error.
    mutating func readMore() -> Bool {
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
    }

    /// The next request, or nil when the connection ended first.
    mutating func next() -> Incoming? {
        var scanned = 0
        var headEnd: Int?
        while headEnd == nil {
            headEnd = endOfHead(from: scanned)
            if headEnd == nil {
                scanned = max(0, buffer.count - 3)
                guard readMore() else { return nil }
            }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines[0].split(separator: " ")
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value.lowercased() }
        let length = Int(header("content-length") ?? "0") ?? -1
        guard requestLine.count == 3, let method = HTTPRequest.Method(rawValue: String(requestLine[0])),
              length >= 0, header("transfer-encoding") == nil
        else { return .unsupported }
        let bodyStart = headEnd! + 4
        while buffer.count < bodyStart + length {
            guard readMore() else { return nil }
        }
        let body = Array(buffer[bodyStart..<bodyStart + length])
        buffer.removeSubrange(..<(bodyStart + length))
        let wantsClose = header("connection") == "close" || (requestLine[2] == "HTTP/1.0" && header("connection") != "keep-alive")
        let request = HTTPRequest(method: method, url: String(requestLine[1]), headers: headers, body: body.isEmpty ? nil : body)
        return .request(request, wantsClose: wantsClose)
    }

    /// Index of the blank line's "\r\n\r\n", searching from `start`.
    private func endOfHead(from start: Int) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }
}
