import RingsideCore
import Synchronization

/// Stamps the agent's facts with call id, turn and the injected clock's time, redacts them, and
/// hands them to the sink. Every trace the agent produces goes through here.
public final class CallTracer: Sendable {
    public let callID: String
    public let clock: any CallClock
    public let redactor: Redactor
    private let sink: any EventSink
    private let turnCounter = Mutex(0)

    public init(callID: String, clock: any CallClock, redactor: Redactor, sink: any EventSink) {
        self.callID = callID
        self.clock = clock
        self.redactor = redactor
        self.sink = sink
    }

    public var turn: Int { turnCounter.withLock { $0 } }

    public func nextTurn() {
        turnCounter.withLock { $0 += 1 }
    }

    public func emit(_ payload: CallEventPayload, stage: Stage) {
        sink.receive(CallEvent(callID: callID, turn: turn, time: clock.now(), stage: stage, payload: redact(payload)))
    }

    private func redact(_ trace: ToolCallTrace) -> ToolCallTrace {
        var t = trace
        t.arguments = redactor.redact(t.arguments)
        t.result = t.result.map(redactor.redact)
        return t
    }

    /// The payload with every free text passed through the redactor.
    func redact(_ payload: CallEventPayload) -> CallEventPayload {
        let r = redactor.redact as (String) -> String
        switch payload {
        case .partialTranscript(let speaker, let text): return .partialTranscript(speaker: speaker, text: r(text))
        case .finalTranscript(let speaker, let text, let confidence): return .finalTranscript(speaker: speaker, text: r(text), confidence: confidence)
        case .brainStarted(let input): return .brainStarted(input: r(input))
        case .brainDecided(let intent, let confidence, let path, let reply, let expects):
            return .brainDecided(intent: intent, confidence: confidence, path: r(path), reply: r(reply), expects: expects)
        case .toolStarted(let t): return .toolStarted(redact(t))
        case .toolFinished(let t): return .toolFinished(redact(t))
        case .toolFailed(let t, let error): return .toolFailed(redact(t), error: r(error))
        case .approvalRequested(let id, let tool, let arguments): return .approvalRequested(id: id, tool: tool, arguments: r(arguments))
        case .escalated(let summary, let target): return .escalated(summary: r(summary), target: target)
        case .ttsRequested(let text): return .ttsRequested(text: r(text))
        case .bargeIn(let heard, let fraction): return .bargeIn(heardText: r(heard), heardFraction: fraction)
        case .fragmentJoined(let fragment, let started): return .fragmentJoined(fragment: r(fragment), replyStarted: started)
        case .handback(let context): return .handback(context: r(context))
        case .error(let message): return .error(r(message))
        case .callEnded(let reason): return .callEnded(reason: r(reason))
        default: return payload
        }
    }
}
