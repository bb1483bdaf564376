import RingsideCore

/// Which way media flows on an SDP stream; `sendonly`/`inactive` are how calls are put on hold.
public enum MediaDirection: String, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The hold this direction means for a call's state (nil for `sendrecv`: not on hold).
    public var holdDirection: SIPState.HoldDirection? {
        switch self {
        case .sendrecv: return nil
        case .sendonly: return .sendonly
        case .recvonly: return .recvonly
        case .inactive: return .inactive
        }
    }

    /// The direction an answer takes for this offered direction (RFC 3264 section 6.1).
    public var answering: MediaDirection {
        switch self {
        case .sendrecv: return .sendrecv
        case .sendonly: return .recvonly
        case .recvonly: return .sendonly
        case .inactive: return .inactive
        }
    }

    public var sends: Bool { self == .sendrecv || self == .sendonly }
    public var receives: Bool { self == .sendrecv || self == .recvonly }
}
