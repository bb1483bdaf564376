/// Why bytes from the network are not a valid RTP or RTCP packet.
public enum RTPPacketError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(length: Int, needed: Int)
    case wrongVersion(Int)
    case badPadding(count: Int, available: Int)
    case extensionOverrun(declared: Int, available: Int)
    case badLength(type: UInt8, declared: Int, available: Int)

    public var description: String {
        switch self {
        case let .tooShort(length, needed): return "packet of \(length) bytes is too short (needs at least \(needed))"
        case let .wrongVersion(v): return "RTP version \(v) is not 2"
        case let .badPadding(c, a): return "padding of \(c) bytes exceeds the \(a) bytes after the header"
        case let .extensionOverrun(d, a): return "header extension of \(d) bytes exceeds the \(a) bytes available"
        case let .badLength(t, d, a): return "RTCP packet type \(t) declares \(d) bytes but only \(a) remain"
        }
    }
}
