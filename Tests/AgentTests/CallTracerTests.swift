import Foundation
import RingsideCore
import Testing
@testable import Agent

/// The tracer redacts by the event model's one rule and stamps nothing itself: the emitter does.
@Suite struct CallTracerTests {
    /// Fields the tracer's own switch used to miss (a final's fallback reason, SIP reasons, the far end's
    /// words) and the ones the text writer used to miss (the answer path, the end reason).
    @Test func redactsEveryFreeTextFieldItEmits() throws {
        let redactor = Redactor()
        redactor.addSecret("Maria Garcia")
        let events = EventCollector()
        let tracer = CallTracer(callID: "c", clock: VirtualClock(), redactor: redactor, emitter: events)
        let payloads: [CallEventPayload] = [
            .brainDecided(intent: "book", confidence: 1, path: AnswerPath(.intentEngine, reason: "slot name filled: Maria Garcia"), reply: "ok", expects: nil),
            .callEnded(reason: "Maria Garcia hung up"),
            .finalSource(FinalSource(speaker: .caller, engine: "whisper", fallback: "whisper heard Maria Garcia too late")),
            .sipState(.ended(reason: "Maria Garcia left")),
            .farEndHeard(text: "hello Maria Garcia"),
            .escalated(summary: "caller Maria Garcia", target: "sip:desk@example.com"),
        ]
        for p in payloads { tracer.emit(p, stage: .brain) }
        let text = String(decoding: try JSONEncoder().encode(events.events), as: UTF8.self)
        #expect(events.events.count == payloads.count)
        #expect(!text.contains("Maria"), "\(text)")
    }

    /// Turn numbers come from the emitter (the session); the agent answering turns does not move them.
    @Test func theAgentNumbersNoTurns() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        _ = await call.say("book an appointment")
        _ = await call.say("John Smith")
        #expect(call.events.events.allSatisfy { $0.turn == 0 }, "\(call.events.events.map(\.turn))")
        call.events.nextTurn()
        _ = await call.say("March 4th 1980")
        #expect(call.events.events.last?.turn == 1)
    }
}
