import RingsideCore

/// How a media session binds and behaves: local address and port, frame rate, timeouts.
public struct MediaSessionConfiguration: Sendable {
    /// The address RTP and RTCP bind to and that goes into SDP (127.0.0.1 in tests).
    public var localAddress: String
    /// The RTP port (RTCP is port+1); 0 picks a free even port.
    public var localPort: UInt16
    /// The rate frames move at on the Ringside side (`AudioSource`/`AudioSink`).
    public var rate: SampleRate
    /// No RTP for this long → `MediaSessionError.peerStoppedSending`.
    public var rtpTimeout: MediaTime
    /// Who the far end is, in that error's words ("the caller", "the agent").
    public var peerName: String
    public var rtcpInterval: MediaTime
    /// Frames `RTPAudioSink.write` may queue before it waits (back-pressure like a speaker).
    public var sendQueueFrames: Int
    public var impairment: NetworkImpairment
    /// Also listen for DTMF tones inside the received audio (peers without RFC 4733); off by default
    /// because music or speech can, rarely, look like a digit.
    public var detectInBandDTMF: Bool

    public init(localAddress: String = "127.0.0.1", localPort: UInt16 = 0, rate: SampleRate = .hz16000,
                rtpTimeout: MediaTime = .seconds(10), rtcpInterval: MediaTime = .seconds(5), sendQueueFrames: Int = 10,
                impairment: NetworkImpairment = .none, detectInBandDTMF: Bool = false, peerName: String = "the peer") {
        self.localAddress = localAddress
        self.localPort = localPort
        self.rate = rate
        self.rtpTimeout = rtpTimeout
        self.rtcpInterval = rtcpInterval
        self.sendQueueFrames = sendQueueFrames
        self.impairment = impairment
        self.detectInBandDTMF = detectInBandDTMF
        self.peerName = peerName
    }
}
