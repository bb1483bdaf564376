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

    public func emit(_ payload: CallEventPayload, stage: Stage) {
        emitter.emit(payload.mappingText(redactor.redact), stage: stage)
    }
}
