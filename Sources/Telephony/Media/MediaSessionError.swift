/// Why a call's audio stopped or could not start.
public enum MediaSessionError: Error, Sendable, Equatable, CustomStringConvertible {
    case peerStoppedSending(seconds: Double, peer: String)
    case notStarted

    public var description: String {
        switch self {
        case let .peerStoppedSending(s, p):
            return "peer stopped sending audio: no RTP from \(p) for \(String(format: "%.1f", s)) s (network problem or the far end hung up without BYE)"
        case .notStarted: return "the media session has not been started with a negotiated codec"
        }
    }
}
