import RingsideCore

/// When a live screen redraws: at once for anything but level meters, ten times a second for meters
/// alone (50 a second arrive while anyone speaks), four times a second for the clock (timer and
/// timeline), never when nothing changed.
struct RedrawPacer {
    /// How often level meters alone may cause a redraw.
    static let meterInterval = MediaTime.milliseconds(100)

    private var lastDraw = MediaTime.zero
    private var lastTick: Int64 = -1

    static func isLevel(_ event: CallEvent) -> Bool {
        if case .level = event.payload { return true }
        return false
    }

    /// Whether `events`, just drained at wall time `now`, call for a redraw.
    func wantsRedraw(for events: [CallEvent], at now: MediaTime) -> Bool {
        if events.contains(where: { !Self.isLevel($0) }) { return true }
        return !events.isEmpty && now - lastDraw >= Self.meterInterval
    }

    /// Whether the call's clock has moved into a new quarter second.
    mutating func ticked(callTime: MediaTime) -> Bool {
        let tick = callTime.nanoseconds / 250_000_000
        guard tick != lastTick else { return false }
        lastTick = tick
        return true
    }

    mutating func drew(at now: MediaTime) { lastDraw = now }
}
