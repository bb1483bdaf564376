/// Something the media session noticed that the call should hear about.
public enum MediaSessionEvent: Sendable, Equatable {
    case dtmf(digit: Character)
    /// The first RTP packet came from this address (symmetric RTP latched onto it).
    case peerLatched(UDPEndpoint)
    case rtcpReceived
}
