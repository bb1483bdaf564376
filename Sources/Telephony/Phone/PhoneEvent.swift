import RingsideCore

/// What happened to a `SIPPhone`'s calls, in order.
public enum PhoneEvent: Sendable, CustomStringConvertible {
    /// A call came in. With auto-answer it is already being answered; otherwise call `SIPPhone.answer`.
    case incoming(PhoneCall)
    /// The far end is ringing (180) or sent progress (183).
    case ringing(PhoneCall, status: Int)
    /// Media is flowing: read `call.media.source`, write `call.media.sink`.
    case connected(PhoneCall, codec: MediaCodec)
    /// Hold or resume: what this side may now do (`sendonly` = we put them on hold, `recvonly` = they put us on hold).
    case mediaChanged(PhoneCall, direction: MediaDirection)
    case dtmf(PhoneCall, digit: Character)
    case ended(PhoneCall, reason: String)
    case registration(registered: Bool, status: Int, phrase: String)
    /// The far end transferred us (REFER) and the phone is calling the new party: `to` is that new call.
    case transferred(PhoneCall, to: PhoneCall)
    /// How our transfer of this call (`SIPPhone.transfer`) is going: 1xx trying or ringing, 2xx the target answered, else failed.
    case transferProgress(PhoneCall, status: Int, phrase: String)
    /// The far end sent text in the call's dialog (SIP MESSAGE): e.g. the context of a call handed back by a supervisor.
    case message(PhoneCall, text: String)
    /// The far end sent a MESSAGE in the call's dialog that was refused (`status`): not text, empty or too long.
    case messageRefused(PhoneCall, status: Int, problem: String)
    /// An incoming INVITE was turned away by the inbound restrictions (source network, credentials).
    case refused(InboundRefusal)
    case error(String)

    /// The same fact as a `CallEventPayload` for the call's event stream (nil for phone-wide events).
    public var callEventPayload: CallEventPayload? {
        switch self {
        case .incoming: return .sipState(.incoming)
        case let .ringing(_, status): return .sipState(status == 180 ? .ringing : .progress(status: status))
        case let .connected(_, codec): return .sipState(.connected(codec: codec.encodingName, peer: nil))
        case let .mediaChanged(_, direction): return .sipState(direction.holdDirection.map { .onHold(direction: $0) } ?? .resumed)
        case let .dtmf(_, digit): return .dtmf(digit: String(digit))
        case let .ended(_, reason): return .callEnded(reason: reason)
        case let .transferred(_, to): return .sipState(.transferred(to: to.sip.remoteURI))
        case let .transferProgress(_, status, phrase): return .sipState(.transferProgress(status: status, phrase: phrase))
        case let .messageRefused(_, status, problem): return .error("a MESSAGE in the call was refused with \(status): \(problem)")
        case .registration, .refused, .error, .message: return nil
        }
    }

    public var description: String {
        switch self {
        case let .incoming(c): return "incoming \(c)"
        case let .ringing(c, s): return "\(c) ringing (\(s))"
        case let .connected(c, codec): return "\(c) connected (\(codec.encodingName))"
        case let .mediaChanged(c, d): return "\(c) media \(d.rawValue)"
        case let .dtmf(c, d): return "\(c) DTMF \(d)"
        case let .ended(c, r): return "\(c) ended: \(r)"
        case let .registration(r, s, p): return r ? "registered (\(s) \(p))" : "not registered (\(s) \(p))"
        case let .transferred(c, to): return "\(c) transferred to \(to)"
        case let .transferProgress(c, s, p): return "\(c) transfer \(s) \(p)"
        case let .message(c, text): return "\(c) MESSAGE (\(text.utf8.count) bytes)"
        case let .messageRefused(c, status, problem): return "\(c) MESSAGE refused with \(status): \(problem)"
        case let .refused(r): return r.description
        case let .error(m): return m
        }
    }
}
