/// Real time sped up (or slowed down) by a factor, for replaying recorded or synthetic calls
/// on screen faster than they happened.
public struct ScaledClock: CallClock {
    private let base = MonotonicClock()
    public let speed: Double

    public init(speed: Double) { self.speed = max(0.01, speed) }

    public func now() -> MediaTime {
        MediaTime(nanoseconds: Int64(Double(base.now().nanoseconds) * speed))
    }

    public func sleep(until deadline: MediaTime) async throws {
        let remaining = Double((deadline - now()).nanoseconds) / speed
        if remaining > 0 { try await Task.sleep(nanoseconds: UInt64(remaining)) }
    }
}
