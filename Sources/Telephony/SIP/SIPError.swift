/// Why the SIP user agent could not do what was asked.
public enum SIPError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotStart(url: String)
    case notRunning
    case unknownCall(Int)
    case timedOut(what: String, seconds: Double)
    case badURI(String)
    case callFailed(uri: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotStart(url): return "cannot start SIP on \(url) (is the port in use or the address not local?)"
        case .notRunning: return "the SIP user agent is not running (call start() first)"
        case let .unknownCall(id): return "call \(id) is not active"
        case let .timedOut(what, s): return "\(what) got no answer within \(String(format: "%.1f", s)) s"
        case let .badURI(u): return "\"\(u)\" is not a SIP URI (expected sip:user@host[:port])"
        case let .callFailed(uri, reason): return "the call to \(uri) did not connect: \(reason)"
        }
    }
}
