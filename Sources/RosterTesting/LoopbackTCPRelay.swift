import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP relay on 127.0.0.1 in front of a server, for tests of a connection lost mid-way: every
/// connection a client opens to ``port`` is passed byte for byte to the server, until the test
/// cuts it.
///
/// ``cut(refusingNew:)`` closes every open connection at once, as a server that restarts or a
/// network that drops does; with `refusingNew` the relay also turns new connections away (the
/// server is down) until ``restore()``. ``cutWhenClientSends(_:refusingNew:)`` cuts just before
/// a client's bytes holding a pattern (a statement's text) reach the server, and
/// ``cutAfterClientBytes(_:refusingNew:)`` once clients have sent that many bytes, so a test can
/// cut in the middle of a transaction.
///
/// ```swift
/// let relay = try LoopbackTCPRelay(host: "127.0.0.1", port: 5432)
/// defer { relay.stop() }
/// // connect to 127.0.0.1:relay.port, then:
/// relay.cut(refusingNew: true)
/// ```
public final class LoopbackTCPRelay: Sendable {
    /// The port clients connect to.
    public let port: Int
    private let core: RelayCore

    /// Binds 127.0.0.1 on an ephemeral port and starts relaying to `host:port`.
    /// - Parameters:
    ///   - host: the server's IPv4 address, such as `127.0.0.1`.
    ///   - lifetime: the relay stops by itself after this long, so a forgotten relay cannot outlive its test run.
    /// - Throws: ``LoopbackServerError`` when a socket call fails.
    public init(host: String, port: Int, lifetime: Duration = .seconds(300)) throws {
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET, host, &target.sin_addr) == 1 else { throw LoopbackServerError(call: "inet_pton(\(host))") }
        let listener = try bindLoopbackListener()
        self.port = listener.port
        core = RelayCore(listener: listener.fd, target: target)
        core.startAccepting()
        let seconds = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak core] in core?.stop() }
    }

    deinit { core.stop() }

    /// Closes every open connection, both ways; new connections are relayed again at once, or,
    /// with `refusingNew`, closed as they come until ``restore()``.
    public func cut(refusingNew: Bool = false) { core.cut(refusingNew: refusingNew) }

    /// Cuts (as ``cut(refusingNew:)``) instead of passing on the first client bytes that hold
    /// `pattern`, so the server never sees them.
    public func cutWhenClientSends(_ pattern: String, refusingNew: Bool = false) {
        core.state.withLock { $0.trigger = .pattern(Array(pattern.utf8), refusingNew: refusingNew) }
    }

    /// Cuts (as ``cut(refusingNew:)``) once clients have sent `count` bytes more than so far,
    /// instead of passing on the bytes that reach it.
    public func cutAfterClientBytes(_ count: Int, refusingNew: Bool = false) {
        core.state.withLock { $0.trigger = .bytes($0.bytesFromClients + count, refusingNew: refusingNew) }
    }

    /// Relays new connections again after a cut that refused them.
    public func restore() { core.state.withLock { $0.refusing = false } }

    /// Whether a cut has happened since the relay started.
    public var hasCut: Bool { core.state.withLock { $0.cuts > 0 } }

    /// Connections accepted so far (refused ones included).
    public var connectionsAccepted: Int { core.state.withLock { $0.connectionsAccepted } }

    /// Closes the listener and every connection. Safe to call more than once.
    public func stop() { core.stop() }
}


/// The relay's shared state; the accept thread and the two pump threads of each connection hold it.
private final class RelayCore: Sendable {
    enum Trigger {
        case pattern([UInt8], refusingNew: Bool)
        case bytes(Int, refusingNew: Bool)
    }

    struct State {
        var stopped = false
        var refusing = false
        var trigger: Trigger?
        var cuts = 0
        var bytesFromClients = 0
        var connectionsAccepted = 0
        /// Every open socket, client and server side.
        var sockets: Set<Int32> = []
    }

    let state = Mutex(State())
    let listener: Int32
    let target: sockaddr_in
    private let acceptLoopDone = DispatchGroup()

    init(listener: Int32, target: sockaddr_in) {
        self.listener = listener
        self.target = target
    }

    func startAccepting() {
        acceptLoopDone.enter()
        Thread { [self] in
            defer { close(listener); acceptLoopDone.leave() }
            while true {
                let client = accept(listener, nil, nil)
                if client < 0, errno == EINTR { continue }
                guard client >= 0 else { return }  // shut down by stop()
                let admitted = state.withLock { state in
                    state.connectionsAccepted += 1
                    return !state.stopped && !state.refusing
                }
                guard admitted, let server = connectToTarget() else {
                    close(client)
                    if state.withLock({ $0.stopped }) { return }
                    continue
                }
                let open = state.withLock { state in
                    guard !state.stopped, !state.refusing else { return false }
                    state.sockets.formUnion([client, server])
                    return true
                }
                guard open else {
                    close(client)
                    close(server)
                    continue
                }
                let pumpsLeft = PumpsLeft()
                Thread { [self] in pump(from: client, to: server, fromClient: true, pumpsLeft: pumpsLeft) }.start()
                Thread { [self] in pump(from: server, to: client, fromClient: false, pumpsLeft: pumpsLeft) }.start()
            }
        }.start()
    }

    /// A new connection to the server, or nil when it cannot be reached.
    private func connectToTarget() -> Int32? {
        let fd = socket(AF_INET, streamSocket, 0)
        guard fd >= 0 else { return nil }
        var address = target
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(fd)
            return nil
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Copies `source` to `destination` until either ends or the relay cuts them. The first pump
    /// of a connection to end shuts both sockets down, which ends the other; the last one closes them.
    private func pump(from source: Int32, to destination: Int32, fromClient: Bool, pumpsLeft: PumpsLeft) {
        defer {
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(destination, Int32(SHUT_RDWR))
            if pumpsLeft.count.withLock({ left in left -= 1; return left == 0 }) {
                state.withLock { state in
                    state.sockets.subtract([source, destination])
                    close(source)
                    close(destination)
                }
            }
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var tail: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            if fromClient, shouldCut(buffer[..<count], tail: &tail) { return }
            let sent = buffer.withUnsafeBytes { sendAll(destination, $0.baseAddress!, count) }
            guard sent else { return }
        }
    }

    /// Counts a client's bytes and says whether they fire the armed trigger (cutting everything).
    private func shouldCut(_ bytes: ArraySlice<UInt8>, tail: inout [UInt8]) -> Bool {
        let fire: Bool? = state.withLock { state in
            state.bytesFromClients += bytes.count
            switch state.trigger {
            case .pattern(let pattern, let refusingNew):
                let seen = tail + bytes
                tail = Array(seen.suffix(max(0, pattern.count - 1)))
                guard contains(seen, pattern) else { return nil }
                return refusingNew
            case .bytes(let limit, let refusingNew):
                guard state.bytesFromClients >= limit else { return nil }
                return refusingNew
            case nil:
                return nil
            }
        }
        guard let refusingNew = fire else { return false }
        cut(refusingNew: refusingNew)
        return true
    }

    func cut(refusingNew: Bool) {
        state.withLock { state in
            state.trigger = nil
            state.cuts += 1
            state.refusing = state.refusing || refusingNew
            for socket in state.sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for socket in state.sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
        acceptLoopDone.wait()
    }
}

/// The pumps of one relayed connection still running; the last one closes its sockets.
private final class PumpsLeft: Sendable {
    let count = Mutex(2)
}

private func contains(_ bytes: [UInt8], _ pattern: [UInt8]) -> Bool {
    guard !pattern.isEmpty, bytes.count >= pattern.count else { return false }
    return (0...(bytes.count - pattern.count)).contains { start in bytes[start..<start + pattern.count].elementsEqual(pattern) }
}
