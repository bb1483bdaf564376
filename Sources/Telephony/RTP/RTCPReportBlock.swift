/// One reception report block of an RTCP SR or RR (RFC 3550 section 6.4.1).
public struct RTCPReportBlock: Sendable, Equatable {
    public var ssrc: UInt32
    /// Fraction of packets lost since the last report, in 1/256ths.
    public var fractionLost: UInt8
    /// Cumulative packets lost (24-bit signed on the wire; negative with duplicates).
    public var cumulativeLost: Int32
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR received from this source (0 = none).
    public var lastSR: UInt32
    /// Delay since that SR, in 1/65536 s.
    public var delaySinceLastSR: UInt32

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequence: UInt32,
                jitter: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = max(-0x80_0000, min(0x7F_FFFF, cumulativeLost))
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSR = lastSR
        self.delaySinceLastSR = delaySinceLastSR
    }

    /// Round-trip time in seconds from this block arriving at `arrivalNTP` (RFC 3550 6.4.1: A − LSR − DLSR); nil without an SR.
    public func roundTrip(arrivalNTP: UInt64) -> Double? {
        guard lastSR != 0 else { return nil }
        let a = UInt32(truncatingIfNeeded: arrivalNTP >> 16)
        let rtt = Int64(a) - Int64(lastSR) - Int64(delaySinceLastSR)
        guard rtt >= 0 else { return nil }
        return Double(rtt) / 65536
    }

    static let size = 24

    init(bytes b: [UInt8], at i: Int) {
        ssrc = ByteReader.u32(b, i)
        fractionLost = b[i + 4]
        let raw = Int32(b[i + 5]) << 16 | Int32(b[i + 6]) << 8 | Int32(b[i + 7])
        cumulativeLost = raw & 0x80_0000 != 0 ? raw - 0x100_0000 : raw
        extendedHighestSequence = ByteReader.u32(b, i + 8)
        jitter = ByteReader.u32(b, i + 12)
        lastSR = ByteReader.u32(b, i + 16)
        delaySinceLastSR = ByteReader.u32(b, i + 20)
    }

    func write(to out: inout [UInt8]) {
        ByteWriter.u32(&out, ssrc)
        let lost = UInt32(bitPattern: cumulativeLost) & 0xFF_FFFF
        ByteWriter.u32(&out, UInt32(fractionLost) << 24 | lost)
        ByteWriter.u32(&out, extendedHighestSequence)
        ByteWriter.u32(&out, jitter)
        ByteWriter.u32(&out, lastSR)
        ByteWriter.u32(&out, delaySinceLastSR)
    }
}
