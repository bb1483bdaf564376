/// The packets that carry one DTMF digit under RFC 4733.
///
/// All share the event's start timestamp; the first has the marker bit; duration grows by one
/// packet interval each packet; the end is sent three times with the E bit (for loss resilience).
public struct DTMFSender: Sendable {
    /// One packet to send: RTP marker and payload; the timestamp is the event start for all.
    public struct Packet: Sendable, Equatable {
        public var marker: Bool
        public var event: TelephoneEvent
    }

    /// The packets for `digit` lasting `durationMs`, sent every `intervalMs`, on an RTP clock of `clockRate`.
    public static func packets(for digit: Character, durationMs: Int = 100, intervalMs: Int = 20, clockRate: Int = 8000,
                               volume: UInt8 = 10) -> [Packet]? {
        guard let code = TelephoneEvent.code(for: digit) else { return nil }
        let step = clockRate * intervalMs / 1000
        let total = max(step, clockRate * durationMs / 1000)
        var out: [Packet] = []
        var elapsed = step
        while elapsed < total {
            out.append(Packet(marker: out.isEmpty, event: TelephoneEvent(event: code, isEnd: false, volume: volume,
                                                                         duration: UInt16(clamping: elapsed))))
            elapsed += step
        }
        for _ in 0..<3 {
            out.append(Packet(marker: out.isEmpty, event: TelephoneEvent(event: code, isEnd: true, volume: volume,
                                                                         duration: UInt16(clamping: total))))
        }
        return out
    }
}
