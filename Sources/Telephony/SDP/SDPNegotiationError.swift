/// Why offer/answer could not agree.
public enum SDPNegotiationError: Error, Sendable, Equatable, CustomStringConvertible {
    case noAudioStream
    case noCommonCodec(offered: [String], supported: [String])

    public var description: String {
        switch self {
        case .noAudioStream: return "the SDP has no audio stream (m=audio)"
        case let .noCommonCodec(o, s):
            return "no codec in common: the peer offers \(o.joined(separator: ", ")) and Ringside supports \(s.joined(separator: ", "))"
        }
    }
}
