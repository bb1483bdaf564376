/// One `m=` section of an SDP body.
public struct MediaDescription: Sendable, Equatable {
    public var media: String
    public var port: UInt16
    public var transport: String
    public var formats: [PayloadFormat]
    /// The `c=` address for this stream when it overrides the session's.
    public var connectionAddress: String?
    public var ptime: Int?
    public var direction: MediaDirection
    /// Attributes Ringside does not interpret, kept as `name[:value]` text.
    public var otherAttributes: [String]
    /// The `m=` line's format list as written (non-RTP streams have no payload-type numbers).
    public var formatTokens: [String]

    /// A stream refused in an answer (RFC 3264 §6): port 0, the offer's media, protocol and formats.
    public static func declined(_ offered: MediaDescription) -> MediaDescription {
        var m = MediaDescription(media: offered.media, port: 0, transport: offered.transport, formats: [], ptime: nil,
                                 direction: offered.direction)
        m.formatTokens = offered.formatTokens.isEmpty ? ["0"] : offered.formatTokens
        return m
    }

    /// Secure RTP profiles (SRTP, DTLS-SRTP), which Ringside does not offer or answer.
    public var isSecureProfile: Bool { transport.uppercased().contains("SAVP") }

    /// Plain RTP (RTP/AVP, RTP/AVPF): what Ringside's media speaks.
    public var isPlainRTP: Bool { ["RTP/AVP", "RTP/AVPF"].contains(transport.uppercased()) }

    public init(media: String = "audio", port: UInt16, transport: String = "RTP/AVP", formats: [PayloadFormat],
                connectionAddress: String? = nil, ptime: Int? = 20, direction: MediaDirection = .sendrecv, otherAttributes: [String] = []) {
        self.media = media
        self.port = port
        self.transport = transport
        self.formats = formats
        self.connectionAddress = connectionAddress
        self.ptime = ptime
        self.direction = direction
        self.otherAttributes = otherAttributes
        formatTokens = formats.map { String($0.payloadType) }
    }

    /// The telephone-event format on this stream, if any.
    public var telephoneEvent: PayloadFormat? { formats.first { $0.isTelephoneEvent } }
}
