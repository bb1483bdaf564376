import RingsideCore

/// Where the call is in its life, as the header shows it.
public enum CallStatus: Sendable, Equatable {
    case idle
    /// Signalling in progress (the SIP state as the transport names it).
    case connecting(String)
    case inCall(since: MediaTime)
    case ended(reason: String, duration: MediaTime)

    public var isActive: Bool {
        switch self {
        case .connecting, .inCall: return true
        case .idle, .ended: return false
        }
    }
}
