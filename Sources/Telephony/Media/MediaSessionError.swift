/// Why a call's audio stopped or could not start.
public enum MediaSessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No RTP for `timeout` seconds from `peer` ("the caller") at `address`.
    case peerStoppedSending(timeout: Double, peer: String, address: String)
    case notStarted

    public var description: String {
        switch self {
        case let .peerStoppedSending(timeout, peer, address):
            return "no RTP from \(peer) for \(String(format: "%g", timeout)) s (\(address): a network problem, or it left without BYE)"
        case .notStarted: return "the media session has not been started with a negotiated codec"
        }
    }
}
