/// One RTP payload format of an SDP media line: type number, encoding, clock, channels, fmtp.
public struct PayloadFormat: Sendable, Equatable {
    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: Int
    public var channels: Int
    public var parameters: String?

    public init(payloadType: UInt8, encodingName: String, clockRate: Int, channels: Int = 1, parameters: String? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
    }

    /// The audio codec this format is, if Ringside has it.
    public var codec: MediaCodec? { MediaCodec(encodingName: encodingName, clockRate: clockRate) }
    public var isTelephoneEvent: Bool { encodingName.lowercased() == "telephone-event" }

    /// The format Ringside offers for a codec.
    public static func offered(_ codec: MediaCodec) -> PayloadFormat {
        PayloadFormat(payloadType: codec.defaultPayloadType, encodingName: codec.encodingName, clockRate: codec.clockRate,
                      channels: codec.channels, parameters: codec == .opus ? "useinbandfec=1" : nil)
    }

    /// RFC 4733 telephone events at `clockRate`.
    public static func telephoneEvent(payloadType: UInt8 = 101, clockRate: Int = 8000) -> PayloadFormat {
        PayloadFormat(payloadType: payloadType, encodingName: "telephone-event", clockRate: clockRate, parameters: "0-16")
    }

    /// Formats with static payload types need no rtpmap (RFC 3551 table 4).
    static func staticFormat(_ pt: UInt8) -> PayloadFormat? {
        switch pt {
        case 0: return PayloadFormat(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
        case 8: return PayloadFormat(payloadType: 8, encodingName: "PCMA", clockRate: 8000)
        case 9: return PayloadFormat(payloadType: 9, encodingName: "G722", clockRate: 8000)
        case 18: return PayloadFormat(payloadType: 18, encodingName: "G729", clockRate: 8000)
        default: return nil
        }
    }
}
