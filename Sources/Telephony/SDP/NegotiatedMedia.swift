/// What offer/answer agreed for the audio stream: codec, payload types, peer address, direction.
public struct NegotiatedMedia: Sendable, Equatable {
    public var codec: MediaCodec
    public var payloadType: UInt8
    /// The telephone-event payload type both sides accept, if any.
    public var telephoneEventPayloadType: UInt8?
    public var telephoneEventClockRate: Int
    public var remoteAddress: String
    public var remotePort: UInt16
    /// Our direction (what we may do).
    public var direction: MediaDirection

    public init(codec: MediaCodec, payloadType: UInt8, telephoneEventPayloadType: UInt8?, telephoneEventClockRate: Int = 8000,
                remoteAddress: String, remotePort: UInt16, direction: MediaDirection) {
        self.codec = codec
        self.payloadType = payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.telephoneEventClockRate = telephoneEventClockRate
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.direction = direction
    }
}
