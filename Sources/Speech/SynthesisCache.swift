import Synchronization

/// Synthesised audio kept for the life of the process, keyed by engine, voice, rate and text, and
/// bounded by its total size (the oldest entries go first). Synthesis is deterministic — flite is
/// reseeded per sentence — so a cached entry is exactly what a fresh synthesis would give; the same
/// greeting, prompts and answers recur across calls, so a test run synthesises each only once.
public final class SynthesisCache<Value: Sendable>: Sendable {
    private let capacity: Int
    private let cost: @Sendable (Value) -> Int
    private struct State {
        var entries: [String: Value] = [:]
        var order: [String] = []
        var size = 0
    }
    private let state = Mutex(State())

    /// `capacity` in the units `cost` measures an entry in.
    public init(capacity: Int, cost: @escaping @Sendable (Value) -> Int) {
        self.capacity = capacity
        self.cost = cost
    }

    public func lookup(_ key: String) -> Value? { state.withLock { $0.entries[key] } }

    public func store(_ key: String, _ value: Value) {
        let size = cost(value)
        state.withLock { s in
            guard s.entries[key] == nil else { return }
            s.entries[key] = value
            s.order.append(key)
            s.size += size
            while s.size > capacity, let oldest = s.order.first {
                s.order.removeFirst()
                if let gone = s.entries.removeValue(forKey: oldest) { s.size -= cost(gone) }
            }
        }
    }
}
