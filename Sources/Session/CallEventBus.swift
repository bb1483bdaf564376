import Foundation
import Logging
import RingsideCore
import Synchronization

/// The one ordered event stream of a call. Stages `emit`; observers (screen, recorder, grader,
/// benchmark) see every event in the same order, stamped with the injected clock and redacted.
public final class CallEventBus: Sendable {
    public typealias Observer = @Sendable (CallEvent) -> Void

    public let callID: String
    public let clock: any CallClock
    private let redact: @Sendable (String) -> String
    private struct State {
        var observers: [Observer] = []
        var streams: [AsyncStream<CallEvent>.Continuation] = []
        var turn = 0
        var history: [CallEvent] = []
        var finished = false
    }
    private let state = Mutex(State())

    /// `redact` is applied to every text field before anyone sees the event.
    public init(callID: String, clock: any CallClock, redact: @escaping @Sendable (String) -> String = { $0 }) {
        self.callID = callID
        self.clock = clock
        self.redact = redact
    }

    /// The turn new events belong to.
    public var turn: Int { state.withLock { $0.turn } }

    /// Starts a new turn and returns its number (turns count from 1).
    @discardableResult
    public func nextTurn() -> Int { state.withLock { $0.turn += 1; return $0.turn } }

    /// Makes `turn` the turn new events belong to (the turn a reply answers).
    public func setTurn(_ turn: Int) { state.withLock { $0.turn = turn } }

    /// Adds an observer called synchronously, in order, for every later event.
    public func observe(_ observer: @escaping Observer) {
        state.withLock { $0.observers.append(observer) }
    }

    /// A stream of every later event, for async consumers such as the TUI.
    public func stream() -> AsyncStream<CallEvent> {
        let (stream, continuation) = AsyncStream<CallEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        state.withLock { s in
            if s.finished { continuation.finish() } else { s.streams.append(continuation) }
        }
        return stream
    }

    /// Stamps and publishes an event now; `at` overrides the time (for facts measured at the audio).
    @discardableResult
    public func emit(_ stage: Stage, _ payload: CallEventPayload, at time: MediaTime? = nil, turn: Int? = nil) -> CallEvent {
        let clean = payload.mappingText(redact)
        // Stamp, append and deliver under one lock so every observer sees one order.
        return state.withLock { s in
            let event = CallEvent(callID: callID, turn: turn ?? s.turn, time: time ?? clock.now(), stage: stage, payload: clean)
            s.history.append(event)
            for o in s.observers { o(event) }
            for c in s.streams { c.yield(event) }
            return event
        }
    }

    /// Every event so far.
    public var events: [CallEvent] { state.withLock { $0.history } }

    /// Ends every stream; later emits still reach synchronous observers.
    public func finish() {
        let streams = state.withLock { s -> [AsyncStream<CallEvent>.Continuation] in
            s.finished = true
            defer { s.streams = [] }
            return s.streams
        }
        streams.forEach { $0.finish() }
    }
}
