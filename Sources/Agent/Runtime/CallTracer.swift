import RingsideCore

/// The agent's way into the call's event stream: redacts each fact with the call's redactor and hands
/// it to the emitter, which stamps it (call id, the session's turn, time). The tracer numbers nothing.
public final class CallTracer: Sendable {
    public let callID: String
    /// The clock the agent's own records (audit entries) are timed by.
    public let clock: any CallClock
    public let redactor: Redactor
    private let emitter: any CallEventEmitter

    public init(callID: String, clock: any CallClock, redactor: Redactor, emitter: any CallEventEmitter) {
        self.callID = callID
        self.clock = clock
        self.redactor = redactor
        self.emitter = emitter
    }

    /// Publishes a fact; while the brain speculates (see `SpeculativeTurn`) the fact is held back instead.
    public func emit(_ payload: CallEventPayload, stage: Stage) {
        let clean = payload.mappingText(redactor.redact)
        if let scratch = SpeculationScratch.current {
            scratch.hold(clean, stage: stage)
        } else {
            emitter.emit(clean, stage: stage)
        }
    }

    /// Publishes a fact held back during a speculation that has now been adopted (already redacted).
    func publishHeld(_ payload: CallEventPayload, stage: Stage) {
        emitter.emit(payload, stage: stage)
    }
}
