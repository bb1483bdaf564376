/// Why an SDP offer or answer could not be agreed to.
public enum SDPNegotiationError: Error, Sendable, Equatable, CustomStringConvertible {
    case noAudioStream
    case noCommonCodec(offered: [String], supported: [String])
    /// Every audio stream asks for a secure profile (SRTP, DTLS-SRTP), which Ringside does not speak.
    case secureProfileOnly(profile: String)
    /// The only usable audio stream's connection address is not one RTP can be sent to.
    case unusableAddress(String)

    public var description: String {
        switch self {
        case .noAudioStream: return "the SDP has no audio stream Ringside can use (m=audio with a port other than 0)"
        case let .noCommonCodec(o, s):
            return "no codec in common: the peer offers \(o.joined(separator: ", ")) and Ringside supports \(s.joined(separator: ", "))"
        case let .secureProfileOnly(profile): return "the audio is offered only as \(profile) (secure RTP), which Ringside does not support; offer RTP/AVP"
        case let .unusableAddress(address): return "the connection address \"\(address)\" is not a numeric IPv4 address RTP can be sent to"
        }
    }

    /// The SIP `Warning` code (RFC 3261 §20.43) for the refusal: 302 incompatible transport protocol,
    /// 301 incompatible network address formats, 305 incompatible media format, 304 media type not available.
    public var warningCode: Int {
        switch self {
        case .secureProfileOnly: return 302
        case .unusableAddress: return 301
        case .noCommonCodec: return 305
        case .noAudioStream: return 304
        }
    }
}
