/// Something the media session noticed that the call should hear about.
public enum MediaSessionEvent: Sendable, Equatable {
    case dtmf(digit: Character)
    /// The first RTP packet came from this address (symmetric RTP latched onto it).
    case peerLatched(UDPEndpoint)
    case rtcpReceived
    /// The peer sent RTCP BYE: it has left the session (usually just before its SIP BYE).
    case peerSaidGoodbye
}
