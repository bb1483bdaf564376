/// Which transports SIP listens on and can send over.
public enum SIPTransport: String, Sendable, CaseIterable, CustomStringConvertible {
    case udp, tcp
    /// UDP and TCP on the same port.
    case both

    /// The transport parameter of sofia's bind URL (none binds UDP and TCP).
    var bindParameter: String {
        switch self {
        case .udp: return ";transport=udp"
        case .tcp: return ";transport=tcp"
        case .both: return ""
        }
    }

    /// The socket kinds a port must be free for.
    var probes: [PortProbe.Transport] {
        switch self {
        case .udp: return [.udp]
        case .tcp: return [.tcp]
        case .both: return [.udp, .tcp]
        }
    }

    public var description: String { self == .both ? "UDP and TCP" : rawValue.uppercased() }
}
