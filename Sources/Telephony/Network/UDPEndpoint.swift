import RingsideCore
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 address and port, as RTP peers are known.
public struct UDPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var address: String
    public var port: UInt16
    public init(address: String, port: UInt16) { self.address = address; self.port = port }
    public var description: String { "\(address):\(port)" }

    func sockaddr() throws -> sockaddr_in {
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &sa.sin_addr) == 1 else { throw SocketError.badAddress(address) }
        return sa
    }

    init(_ sa: sockaddr_in) {
        var addr = sa.sin_addr
        var buf = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &addr, &buf, socklen_t(INET_ADDRSTRLEN))
        address = String(nulTerminated: buf)
        port = UInt16(bigEndian: sa.sin_port)
    }
}
