import Foundation

/// One call of a `SIPPhone`: its SIP leg and its RTP media (an `AudioSource` and an `AudioSink`).
public final class PhoneCall: @unchecked Sendable, CustomStringConvertible {
    public let sip: SIPCall
    /// The call's audio: `media.source` is the far end, `media.sink` goes to it; `media.statistics()` for RTP stats.
    public let media: MediaSession
    /// What offer/answer agreed, once known.
    public var negotiated: NegotiatedMedia? { lock.withLock { agreed } }

    private let lock = NSLock()
    private var agreed: NegotiatedMedia?
    private var endedReason: String?
    private weak var phone: SIPPhone?

    init(sip: SIPCall, media: MediaSession, phone: SIPPhone) {
        self.sip = sip
        self.media = media
        self.phone = phone
    }

    func setNegotiated(_ media: NegotiatedMedia) { lock.withLock { agreed = media } }

    /// Why the call ended, once it has (set before `.ended` is on the phone's event stream, so a
    /// consumer still handling `.connected` can tell that the call is already over).
    public var endReason: String? { lock.withLock { endedReason } }
    public var hasEnded: Bool { endReason != nil }

    func markEnded(_ reason: String) { lock.withLock { if endedReason == nil { endedReason = reason } } }

    /// Ends the call (BYE, CANCEL or decline as its state needs) and stops its media.
    public func hangUp() {
        try? phone?.agent.hangUp(sip)
        media.stop()
    }

    /// Sends one RFC 4733 DTMF digit.
    public func sendDTMF(_ digit: Character) { media.sendDTMF(digit) }

    public var description: String { sip.description }
}
