#if canImport(Glibc)
import Glibc
#endif

/// Checks whether a local port can be bound, so `doctor` can warn before a call fails.
public enum PortProbe {
    /// Which protocol to probe.
    public enum Transport: String, Sendable { case udp, tcp }

    /// True when `port` on the loopback address is free for `transport`.
    public static func isFree(port: UInt16, transport: Transport, address: String = "127.0.0.1") -> Bool {
        let fd = socket(AF_INET, transport == .udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }
}
