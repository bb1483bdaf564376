import RingsideCore
import Testing
@testable import TUI

@Test func partialIsReplacedByFinal() {
    var s = state([
        event(0, .partialTranscript(speaker: .caller, text: "I'd like")),
        event(100, .partialTranscript(speaker: .caller, text: "I'd like to book")),
    ])
    #expect(s.transcript.count == 1)
    #expect(s.transcript[0].kind == .partial)
    #expect(s.transcript[0].text == "I'd like to book")
    s.apply(event(200, .finalTranscript(speaker: .caller, text: "I'd like to book a visit", confidence: 0.9)))
    #expect(s.transcript.count == 1)
    #expect(s.transcript[0].kind == .final)
    #expect(s.transcript[0].text == "I'd like to book a visit")
    // The next partial starts a new line rather than touching the final one.
    s.apply(event(300, turn: 2, .partialTranscript(speaker: .caller, text: "and")))
    #expect(s.transcript.map(\.kind) == [.final, .partial])
}

@Test func bargeInMarksAgentLineCutOffWithHeardPart() {
    let reply = "Your appointment is on Tuesday at two with Dr. Patel."
    let s = state([
        event(0, .ttsRequested(text: reply)),
        event(50, .playoutStarted),
        event(900, .bargeIn(heardText: "Your appointment is on Tuesday", heardFraction: 0.55)),
    ])
    let line = s.transcript[0]
    #expect(line.speaker == .agent)
    #expect(line.isCutOff)
    #expect(line.heardText == "Your appointment is on Tuesday")
    #expect(line.unheardText == " at two with Dr. Patel.")
    #expect(s.timeline.marks.map(\.kind) == [.bargeIn])
    #expect(s.timeline.agentSpans.first?.end == .milliseconds(900))
}

@Test func bargeInWithoutHeardTextUsesFraction() {
    let s = state([event(0, .ttsRequested(text: "0123456789")), event(10, .bargeIn(heardText: "", heardFraction: 0.3))])
    #expect(s.transcript[0].heardText == "012")
}

@Test func takeoverSwitchesModeAndHandbackReturns() {
    var s = state([event(0, .callStarted(agent: "clinic", transport: "embedded")), event(1000, .takeover(by: "ana"))])
    #expect(s.mode == .human)
    #expect(s.takenOverBy == "ana")
    s.apply(event(1500, .ttsRequested(text: "Hi, this is Ana.")))
    s.apply(event(2000, .finalTranscript(speaker: .human, text: "How can I help?", confidence: 1)))
    #expect(s.transcript.suffix(2).map(\.speaker) == [.human, .human])
    s.apply(event(3000, .handback(context: "summary")))
    #expect(s.mode == .agent)
    #expect(s.takenOverBy == nil)
}

@Test func callTimerAndSessionInfo() {
    var s = state([event(0, .sipState(.ringing))])
    #expect(s.status == .connecting("ringing"))
    s.apply(event(500, .callStarted(agent: "clinic", transport: "sip")))
    s.advance(to: .seconds(65.5))
    #expect(s.callDuration == .seconds(65))
    #expect(s.sessionInfo.agentName == "clinic")
    s.apply(event(70_000, .callEnded(reason: "caller hung up")))
    #expect(s.status == .ended(reason: "caller hung up", duration: .milliseconds(69_500)))
    s.advance(to: .seconds(100))
    #expect(s.callDuration == .milliseconds(69_500))
}

@Test func toolRowsTrackAttemptsAndStatus() {
    let first = ToolCallTrace(invocation: "i1", tool: "lookup", arguments: #"{"q":"x"}"#)
    var second = first
    second.attempt = 2
    var done = second
    done.result = #"{"ok":true}"#
    var s = state([event(0, .toolStarted(first)), event(250, .toolFailed(first, error: "timeout"))])
    #expect(s.tools[0].status == .failed)
    #expect(s.tools[0].result == "timeout")
    s.apply(event(260, .toolStarted(second)))
    #expect(s.tools[0].status == .pending)
    s.apply(event(400, .toolFinished(done)))
    #expect(s.tools.count == 1)
    #expect(s.tools[0].status == .ok)
    #expect(s.tools[0].attempts == 2)
    #expect(s.tools[0].durationMs == 140)
    #expect(s.tools[0].result == #"{"ok":true}"#)
}

@Test func approvalsArePendingUntilDecided() {
    var s = state([
        event(0, .approvalRequested(id: "a1", tool: "refund", arguments: "{}")),
        event(10, .approvalRequested(id: "a2", tool: "book", arguments: "{}")),
    ])
    #expect(s.pendingApprovals.map(\.id) == ["a1", "a2"])
    s.apply(event(20, .approvalDecided(id: "a1", approved: false, by: "ana")))
    #expect(s.pendingApprovals.map(\.id) == ["a2"])
    #expect(s.transcript.last?.text == "refund denied by ana")
}

@Test func latencyInStateMatchesTurnLatency() {
    let s = demoState()
    let direct = TurnLatency.turns(from: DemoCall.events())
    #expect(s.turnLatencies == direct)
    #expect(s.latencySummary.p50Ms == 460)
    #expect(s.latencySummary.worst?.turn == 1)
}

@Test func levelsAndTimelineLanes() {
    let s = state([
        event(0, .speechStarted(speaker: .caller)),
        event(800, .speechStopped(speaker: .caller, trueEnd: .milliseconds(700))),
        event(900, .endOfTurn(trueEnd: .milliseconds(700), rule: .silence(.neutral))),
        event(1000, .level(speaker: .caller, rms: 0.1, peak: 0.3)),
    ])
    #expect(s.timeline.callerSpans == [CallTimeline.Span(speaker: .caller, start: .zero, end: .milliseconds(700))])
    #expect(s.timeline.marks.map(\.kind) == [.endOfTurn])
    #expect(s.levels[.caller] == AudioLevel(rms: 0.1, peak: 0.3))
    #expect(abs((s.levels[.caller]?.meterFraction ?? 0) - 40.0 / 60.0) < 0.001)
}
