import RingsideCore
import Synchronization

/// A bounded single-producer, single-consumer queue of frames that never blocks and never allocates
/// after creation: the hand-off between an audio thread and the rest of the program.
///
/// Exactly one thread may push and exactly one (other) thread may pop.
public final class FrameRing: @unchecked Sendable {
    public let capacity: Int
    private let slots: UnsafeMutablePointer<AudioFrame?>
    private let head = Atomic<Int>(0)  // next slot to read; written by the consumer
    private let tail = Atomic<Int>(0)  // next slot to write; written by the producer
    private let dropped = Atomic<Int>(0)

    public init(capacity: Int) {
        precondition(capacity > 0, "a ring needs at least one slot")
        self.capacity = capacity
        slots = .allocate(capacity: capacity + 1)
        slots.initialize(repeating: nil, count: capacity + 1)
    }

    deinit {
        slots.deinitialize(count: capacity + 1)
        slots.deallocate()
    }

    /// Adds a frame; returns false (and counts a drop) when the ring is full.
    @discardableResult
    public func push(_ frame: AudioFrame) -> Bool {
        let t = tail.load(ordering: .relaxed)
        let next = (t + 1) % (capacity + 1)
        if next == head.load(ordering: .acquiring) {
            dropped.add(1, ordering: .relaxed)
            return false
        }
        slots[t] = frame
        tail.store(next, ordering: .releasing)
        return true
    }

    /// Takes the oldest frame, or nil when empty.
    public func pop() -> AudioFrame? {
        let h = head.load(ordering: .relaxed)
        if h == tail.load(ordering: .acquiring) { return nil }
        let frame = slots[h]
        slots[h] = nil
        head.store((h + 1) % (capacity + 1), ordering: .releasing)
        return frame
    }

    public var count: Int {
        let h = head.load(ordering: .acquiring)
        let t = tail.load(ordering: .acquiring)
        return (t - h + capacity + 1) % (capacity + 1)
    }

    /// Frames refused because the ring was full.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }
}
