#if canImport(Glibc)
import Glibc
import Foundation
import Hummingbird
import Logging
@testable import RosterServer
import Testing

@Suite("HTTP server over loopback")
struct LiveServerTests {
    /// A plain TCP connection to the loopback server.
    final class Connection {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count - 1, 0) }
        }

        /// Everything the server sends until it closes the connection (or 10 s pass).
        func readToEnd() -> String {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }

        deinit { close(socket) }
    }

    @Test("a client that stalls mid-upload is cut off, its partial upload removed, and others are still served", .timeLimit(.minutes(1)))
    func stalledUpload() async throws {
        let server = try TestServer()
        let uploads = FileManager.default.temporaryDirectory.appendingPathComponent("rostersync-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: uploads) }
        var environment = server.environment
        environment.uploadDirectory = uploads
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let application = RosterHTTPServer.application(
            environment, host: "127.0.0.1", port: 0, services: [], logger: Logger(label: "test"), idleTimeout: .seconds(1),
            onListening: { listening.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            let stalled = try Connection(port: port)
            stalled.send("POST /api/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(TestTokens.writer)\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\nFirst Name,Last")
            let started = Date()
            let other = try Connection(port: port)
            other.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(other.readToEnd().hasPrefix("HTTP/1.1 200"))
            _ = stalled.readToEnd()
            #expect(Date().timeIntervalSince(started) < 9, "the stalled connection was closed by the idle timeout")
            try await Task.sleep(for: .milliseconds(200))
            #expect(try FileManager.default.contentsOfDirectory(atPath: uploads).isEmpty)
            group.cancelAll()
        }
        let store = server.store
        #expect(try await store.runs(limit: 10).isEmpty)
    }
}
#endif
