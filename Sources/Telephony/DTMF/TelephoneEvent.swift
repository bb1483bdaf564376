/// One RFC 4733 telephone-event payload: which event, whether it ended, volume and duration so far.
public struct TelephoneEvent: Sendable, Equatable {
    /// 0–9, 10 = `*`, 11 = `#`, 12–15 = A–D.
    public var event: UInt8
    public var isEnd: Bool
    /// Power level in −dBm0 (0…63).
    public var volume: UInt8
    /// Duration in RTP timestamp units since the event began.
    public var duration: UInt16

    public static let payloadSize = 4
    static let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]

    public init(event: UInt8, isEnd: Bool, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// The event code for a DTMF digit (0–9, *, #, A–D), or nil.
    public static func code(for digit: Character) -> UInt8? {
        digits.firstIndex(of: Character(digit.uppercased())).map { UInt8($0) }
    }

    /// The DTMF digit this event stands for, or nil for non-DTMF events.
    public var digit: Character? { event < 16 ? Self.digits[Int(event)] : nil }

    public init(parsing payload: [UInt8]) throws {
        guard payload.count >= Self.payloadSize else { throw RTPPacketError.tooShort(length: payload.count, needed: Self.payloadSize) }
        event = payload[0]
        isEnd = payload[1] & 0x80 != 0
        volume = payload[1] & 0x3F
        duration = UInt16(payload[2]) << 8 | UInt16(payload[3])
    }

    public func serialized() -> [UInt8] {
        [event, (isEnd ? 0x80 : 0) | (volume & 0x3F), UInt8(duration >> 8), UInt8(duration & 0xFF)]
    }
}
