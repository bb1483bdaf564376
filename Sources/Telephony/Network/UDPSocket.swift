#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking IPv4 UDP socket bound to one explicit address.
final class UDPSocket {
    let fd: Int32
    let local: UDPEndpoint

    init(address: String, port: UInt16) throws {
        var sa = try UDPEndpoint(address: address, port: port).sockaddr()
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError.cannotCreate(errno: errno) }
        let rc = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw SocketError.cannotBind(address: address, port: port, errno: e)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        local = UDPEndpoint(address: address, port: UInt16(bigEndian: bound.sin_port))
    }

    deinit { close(fd) }

    /// Binds RTP on an even port and RTCP on the next one; port 0 picks a free pair.
    static func pair(address: String, port: UInt16) throws -> (rtp: UDPSocket, rtcp: UDPSocket) {
        if port != 0 { return (try UDPSocket(address: address, port: port), try UDPSocket(address: address, port: port &+ 1)) }
        for _ in 0..<64 {
            let rtp = try UDPSocket(address: address, port: 0)
            guard rtp.local.port % 2 == 0, rtp.local.port < 65534 else { continue }
            if let rtcp = try? UDPSocket(address: address, port: rtp.local.port + 1) { return (rtp, rtcp) }
        }
        throw SocketError.noFreePortPair(address: address)
    }

    func send(_ bytes: [UInt8], to endpoint: UDPEndpoint) {
        guard var sa = try? endpoint.sockaddr() else { return }
        _ = bytes.withUnsafeBytes { buf in
            withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buf.baseAddress, buf.count, Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// One datagram if one is waiting.
    func receive() -> (bytes: [UInt8], from: UDPEndpoint)? {
        var buf = [UInt8](repeating: 0, count: 2048)
        var sa = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let n = buf.withUnsafeMutableBytes { b in
            withUnsafeMutablePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, b.baseAddress, b.count, 0, $0, &len) }
            }
        }
        guard n >= 0 else { return nil }
        return (Array(buf.prefix(n)), UDPEndpoint(sa))
    }
}
