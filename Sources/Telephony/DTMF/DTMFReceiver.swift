/// Turns received RFC 4733 packets into digits, each reported once however many packets carry it.
///
/// Events are told apart by their RTP timestamp (the event start), so continuation and the three
/// end packets do not repeat the digit.
public struct DTMFReceiver: Sendable {
    private var lastTimestamp: UInt32?
    private var lastEvent: UInt8?

    public init() {}

    /// The digit this packet starts, or nil if it continues one already reported (or is not DTMF).
    public mutating func receive(timestamp: UInt32, payload: [UInt8]) -> Character? {
        guard let event = try? TelephoneEvent(parsing: payload) else { return nil }
        if timestamp == lastTimestamp && event.event == lastEvent { return nil }
        lastTimestamp = timestamp
        lastEvent = event.event
        return event.digit
    }
}
