#if canImport(Glibc)
import Glibc
#endif

/// Why a media or signalling socket could not be set up.
public enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    case badAddress(String)
    case cannotCreate(errno: Int32)
    case cannotBind(address: String, port: UInt16, errno: Int32)
    case noFreePortPair(address: String)

    public var description: String {
        switch self {
        case let .badAddress(a): return "\"\(a)\" is not an IPv4 address"
        case let .cannotCreate(e): return "cannot create a UDP socket: \(String(cString: strerror(e)))"
        case let .cannotBind(a, p, e): return "cannot bind UDP \(a):\(p): \(String(cString: strerror(e))) (is another program using the port?)"
        case let .noFreePortPair(a): return "no free pair of UDP ports (RTP even, RTCP = RTP+1) on \(a)"
        }
    }
}
