/// Why a call's audio stopped or could not start.
public enum MediaSessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No RTP for `timeout` seconds from `peer` ("the caller") at `address`.
    case peerStoppedSending(timeout: Double, peer: String, address: String)
    case notStarted
    /// A frame at another sample rate than the session's was written to it.
    case wrongRate(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .peerStoppedSending(timeout, peer, address):
            return "no RTP from \(peer) for \(String(format: "%g", timeout)) s (\(address): a network problem, or it left without BYE)"
        case .notStarted: return "the media session has not been started with a negotiated codec"
        case let .wrongRate(expected, got):
            return "a \(got) Hz frame was written to a \(expected) Hz media session (it would be sent at the wrong speed)"
        }
    }
}
