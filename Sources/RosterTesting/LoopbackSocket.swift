#if canImport(Glibc)
import Glibc
let streamSocket = Int32(SOCK_STREAM.rawValue)
let sendFlags = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
import Darwin
let streamSocket = SOCK_STREAM
let sendFlags: Int32 = 0
#endif

/// Binds a listening socket on 127.0.0.1 at an ephemeral port (the loopback test servers' listener).
func bindLoopbackListener() throws(LoopbackServerError) -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, streamSocket, 0)
    guard fd >= 0 else { throw LoopbackServerError(call: "socket") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound, listen(fd, 128) == 0 else {
        let error = LoopbackServerError(call: bound ? "listen" : "bind")
        close(fd)
        throw error
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// Sends `count` bytes from `base` whole, retrying after signals; false once the peer is gone.
func sendAll(_ socket: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Bool {
    var offset = 0
    while offset < count {
        let sent = send(socket, base + offset, count - offset, sendFlags)
        if sent < 0, errno == EINTR { continue }
        guard sent > 0 else { return false }
        offset += sent
    }
    return true
}

/// Sends `bytes` whole; false once the peer is gone.
func sendAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { buffer in buffer.isEmpty || sendAll(socket, buffer.baseAddress!, buffer.count) }
}
