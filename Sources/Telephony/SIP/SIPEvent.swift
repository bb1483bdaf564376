/// Something that happened in SIP signalling, delivered in order on `SIPUserAgent.events`.
public enum SIPEvent: Sendable, CustomStringConvertible {
    /// An INVITE arrived; `offer` is its SDP body (if any). The incoming-call policy has already been applied.
    case incomingCall(SIPCall, offer: String?)
    /// A provisional response to our INVITE (180 Ringing, 183 Session Progress…), with early SDP if any.
    case progress(SIPCall, status: Int, phrase: String, sdp: String?)
    /// Our INVITE was accepted (2xx); `answer` is the peer's SDP.
    case answered(SIPCall, answer: String?)
    /// The dialog is confirmed (ACK sent or received): media may flow.
    case established(SIPCall)
    /// The session changed on an established call: the peer's re-offer, or its answer to our `update`
    /// (hold: `a=sendonly`/`inactive`; resume: `a=sendrecv`).
    case updated(SIPCall, sdp: String?)
    /// The call is over; `reason` says why in words (e.g. "remote hung up", "486 Busy Here").
    case ended(SIPCall, reason: String)
    /// Registration changed: registered or not, with the registrar's status.
    case registration(registered: Bool, status: Int, phrase: String)
    /// The peer asks us to call `to` instead (an in-dialog REFER, already accepted with 202): a cold transfer.
    case referred(SIPCall, to: String)
    /// How the call we asked the peer to make (our REFER) is going: the status of its NOTIFY sipfrag,
    /// or the REFER's own failure (`>= 300`). 2xx means the transfer target answered.
    case transferProgress(SIPCall, status: Int, phrase: String)
    /// The peer sent text in the call's dialog (a SIP MESSAGE, already answered 200).
    case message(SIPCall, contentType: String, text: String)
    /// The peer sent a MESSAGE in the call's dialog that is not text Ringside takes (`MessageScreen`):
    /// already answered `status`; `problem` says why in words.
    case messageRefused(SIPCall, status: Int, problem: String)
    /// An INVITE turned away by the inbound restrictions (source network, credentials); counted in `SIPUserAgent.refusals`.
    case refused(InboundRefusal)
    /// A problem that is not tied to one call.
    case error(String)

    /// The call this event is about, if it is about one.
    public var sipCall: SIPCall? {
        switch self {
        case let .incomingCall(c, _), let .progress(c, _, _, _), let .answered(c, _), let .established(c), let .ended(c, _), let .updated(c, _),
             let .referred(c, _), let .transferProgress(c, _, _), let .message(c, _, _), let .messageRefused(c, _, _): return c
        case .registration, .refused, .error: return nil
        }
    }

    public var description: String {
        switch self {
        case let .incomingCall(c, offer): return "incoming \(c)\(offer == nil ? " without SDP" : "")"
        case let .progress(c, s, p, _): return "\(c): \(s) \(p)"
        case let .answered(c, _): return "\(c): answered"
        case let .established(c): return "\(c): established"
        case let .ended(c, r): return "\(c): ended (\(r))"
        case let .updated(c, _): return "\(c): session updated"
        case let .registration(r, s, p): return r ? "registered (\(s) \(p))" : "not registered (\(s) \(p))"
        case let .referred(c, to): return "\(c): referred to \(to)"
        case let .transferProgress(c, s, p): return "\(c): transfer \(s) \(p)"
        case let .message(c, type, text): return "\(c): MESSAGE \(type) (\(text.utf8.count) bytes)"
        case let .messageRefused(c, status, problem): return "\(c): MESSAGE refused with \(status): \(problem)"
        case let .refused(r): return r.description
        case let .error(m): return "SIP error: \(m)"
        }
    }
}
