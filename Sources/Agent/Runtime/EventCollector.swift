import RingsideCore
import Synchronization

/// A `CallEventEmitter` that stamps and keeps every event, for the text mode and tests: the text
/// conversation's own session, which numbers its turns with `nextTurn()`.
public final class EventCollector: CallEventEmitter {
    public let callID: String
    public let clock: any CallClock
    private struct State {
        var turn = 0
        var events: [CallEvent] = []
    }
    private let state = Mutex(State())
    private let forward: (@Sendable (CallEvent) -> Void)?

    public init(callID: String = "call-1", clock: any CallClock = MonotonicClock(), forward: (@Sendable (CallEvent) -> Void)? = nil) {
        self.callID = callID
        self.clock = clock
        self.forward = forward
    }

    /// Starts the next turn: later events belong to it.
    public func nextTurn() { state.withLock { $0.turn += 1 } }

    public func emit(_ payload: CallEventPayload, stage: Stage) {
        let event = state.withLock { s in
            let event = CallEvent(callID: callID, turn: s.turn, time: clock.now(), stage: stage, payload: payload)
            s.events.append(event)
            return event
        }
        forward?(event)
    }

    public var events: [CallEvent] { state.withLock { $0.events } }
}
