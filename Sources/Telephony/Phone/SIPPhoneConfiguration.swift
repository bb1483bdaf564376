import RingsideCore

/// How a `SIPPhone` signals and carries media.
public struct SIPPhoneConfiguration: Sendable {
    /// Bind address, port, user-agent name and credentials for SIP (its incoming-call policy is the phone's).
    public var sip: SIPConfiguration
    /// The address RTP binds to and puts in SDP (127.0.0.1 in tests).
    public var mediaAddress: String
    /// Codecs in preference order, for offers and for picking from offers.
    public var codecs: [MediaCodec]
    /// The rate frames move at on the Ringside side.
    public var rate: SampleRate
    /// Answer incoming calls at once (`ringside serve`); false: ring and wait for `answer`.
    public var autoAnswer: Bool
    /// A call whose far end sends no RTP for this long (and is not on hold) ends with "no RTP from the caller for N s".
    public var rtpTimeout: MediaTime
    /// Follow a REFER from the far end by calling the Refer-To URI (`.transferred`).
    public var followsTransfers: Bool

    public init(sip: SIPConfiguration = SIPConfiguration(), mediaAddress: String = "127.0.0.1", codecs: [MediaCodec] = [.opus, .pcmu, .pcma],
                rate: SampleRate = .hz16000, autoAnswer: Bool = false, rtpTimeout: MediaTime = .seconds(10), followsTransfers: Bool = true) {
        self.sip = sip
        self.mediaAddress = mediaAddress
        self.codecs = codecs
        self.rate = rate
        self.autoAnswer = autoAnswer
        self.rtpTimeout = rtpTimeout
        self.followsTransfers = followsTransfers
    }

    /// Media for one call; `peerName` names the far end in a timeout's reason.
    func media(peerName: String) -> MediaSessionConfiguration {
        MediaSessionConfiguration(localAddress: mediaAddress, rate: rate, rtpTimeout: rtpTimeout, peerName: peerName)
    }
}
