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
    }

    /// The telephone-event format on this stream, if any.
    public var telephoneEvent: PayloadFormat? { formats.first { $0.isTelephoneEvent } }
}
