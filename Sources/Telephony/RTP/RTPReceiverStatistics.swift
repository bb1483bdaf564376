/// What a receiver knows about one incoming RTP stream (RFC 3550 appendix A.1, A.3 and A.8).
///
/// Feed every packet with its arrival time in RTP timestamp units; read loss, jitter and report blocks.
public struct RTPReceiverStatistics: Sendable {
    public private(set) var received = 0
    public private(set) var duplicatesOrLate = 0
    private var baseSequence: UInt32 = 0
    private var maxSequence: UInt16 = 0
    private var cycles: UInt32 = 0
    private var started = false
    private var expectedPrior = 0
    private var receivedPrior = 0
    private var lastTransit: Int64?
    /// Interarrival jitter in RTP timestamp units, kept ×16 as in A.8 to avoid rounding loss.
    private var jitterScaled: Int64 = 0

    public init() {}

    /// Records one packet. `arrival` is the arrival time converted to the stream's RTP clock.
    public mutating func record(sequence: UInt16, rtpTimestamp: UInt32, arrival: UInt32) {
        if !started {
            started = true
            baseSequence = UInt32(sequence)
            maxSequence = sequence
        } else {
            let delta = sequence &- maxSequence
            if delta == 0 {
                duplicatesOrLate += 1
            } else if delta < 0x8000 {
                if sequence < maxSequence { cycles &+= 0x1_0000 }
                maxSequence = sequence
            } else {
                duplicatesOrLate += 1
            }
        }
        received += 1
        // A.8: D(i,j) = (Rj − Ri) − (Sj − Si), J += (|D| − J)/16, computed on the transit time in 32-bit wrapping arithmetic.
        let transit = Int64(Int32(bitPattern: arrival &- rtpTimestamp))
        if let last = lastTransit {
            let d = abs(transit - last)
            jitterScaled += d - ((jitterScaled + 8) >> 4)
        }
        lastTransit = transit
    }

    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }
    public var expected: Int { started ? Int(extendedHighestSequence) - Int(baseSequence) + 1 : 0 }
    /// Packets lost so far (expected − received; may go negative with duplicates, as the RFC allows).
    public var cumulativeLost: Int { expected - received }
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32 { UInt32(clamping: jitterScaled >> 4) }

    /// Builds a report block and starts a new reporting interval (A.3).
    public mutating func makeReportBlock(ssrc: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) -> RTCPReportBlock {
        let expectedInterval = expected - expectedPrior
        let receivedInterval = received - receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 = (expectedInterval == 0 || lostInterval <= 0) ? 0 : UInt8(clamping: (lostInterval << 8) / expectedInterval)
        return RTCPReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(clamping: cumulativeLost),
                               extendedHighestSequence: extendedHighestSequence, jitter: jitter,
                               lastSR: lastSR, delaySinceLastSR: delaySinceLastSR)
    }
}
