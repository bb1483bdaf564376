/// What the playout side gets from the jitter buffer each 20 ms.
public enum JitterBufferOutput: Sendable, Equatable {
    /// The next packet's payload, in order.
    case packet([UInt8])
    /// A packet is missing: conceal it. `next` is the following payload when it is already here (for Opus FEC).
    case lost(next: [UInt8]?)
    /// Nothing to play yet (before the first packet, or re-buffering after the sender fell behind): play comfort silence or conceal.
    case empty
}
